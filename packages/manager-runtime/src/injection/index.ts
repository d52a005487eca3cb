export { type InjectionResult, type InjectPodInput, injectPod } from './inject-pod.js';
export {
  createInjectPodHandler,
  INJECT_POD_PATH,
  type InjectionLister,
  type InjectionOutcome,
  type InjectPodHandlerOptions,
  type PodAdmissionDecision,
  type PodAdmissionRequest,
} from './inject-pod-handler.js';
export {
  type InjectionSettings,
  type InjectionSettingsInput,
  InjectionSettingsSchema,
  type ProxyResources,
  ProxyResourcesSchema,
} from './injection-settings.js';
export type { JsonPatchOperation } from './json-patch.js';
export { optedIn } from './opt-in.js';
export {
  INJECT_ENABLED,
  INJECT_LABEL,
  PROXY_CONTAINER,
  PROXY_RESOURCES_ANNOTATION,
  ROUTES_APPLIED_GATE,
} from './pod-layout.js';
export { type VirtualAppRef, virtualAppForPod } from './virtual-app-for-pod.js';
