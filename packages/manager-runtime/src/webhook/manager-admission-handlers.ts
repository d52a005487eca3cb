import {
  createInjectPodHandler,
  INJECT_POD_PATH,
  type InjectPodHandlerOptions,
} from '../injection/inject-pod-handler.js';
import type { AdmissionHandlers } from './admission-handlers.js';
import { VALIDATE_VIRTUAL_APP_PATH, validateVirtualApp } from './validate-virtual-app.js';

/**
 * The admission handlers the manager serves, by the path its webhook configurations call
 * (deploy/webhooks): VirtualApp validation, and pod injection with `injection`'s caches and
 * settings. This is where a handler is registered. `ManagerDeps.admissionHandlers` adds or
 * replaces entries for one manager (tests, embedders).
 */
export const managerAdmissionHandlers = (
  injection: InjectPodHandlerOptions,
): AdmissionHandlers => ({
  [VALIDATE_VIRTUAL_APP_PATH]: validateVirtualApp,
  [INJECT_POD_PATH]: createInjectPodHandler(injection),
});
