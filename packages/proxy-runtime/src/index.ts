export {
  defineProxyConfig,
  type ProxyConfig,
  type ProxyConfigInput,
  ProxyConfigSchema,
} from './config.js';
export { type ResourceScopes, StaticResourceScopes } from './discovery/resource-scopes.js';
export type { Runnable } from './lifecycle/runnable.js';
export { RunnableError, type RunnablePhase } from './lifecycle/runnable-group.js';
export {
  type NamespaceLabelMap,
  type NamespaceLabels,
  StaticNamespaceLabels,
} from './namespaces/namespace-labels.js';
export type { LogSink } from './observe/log.js';
export {
  createProxy,
  type ProxyAddresses,
  type ProxyParts,
  type ProxyRuntime,
} from './proxy.js';
export {
  makeSnapshot,
  makeStateSnapshot,
  type RouteSnapshot,
  type SnapshotRevision,
  type SnapshotRevisions,
} from './routes/route-snapshot.js';
export { RouteStore, type Routes } from './routes/route-store.js';
export { readVirtualAppFile } from './routes/virtual-app-file.js';
export { isProxyError, type ProxyErrorCode } from './status/proxy-error.js';
export type { Status } from './status/status.js';
export { statusFor } from './status/status-for.js';
export {
  type AdmissionReviewReply,
  allowed,
  denied,
  failed,
  type WebhookFailure,
  type WebhookFailurePolicy,
} from './webhook/admission-response.js';
export {
  type AdmissionApiVersion,
  type AdmissionReview,
  parseAdmissionReview,
} from './webhook/admission-review.js';
export { parsePeers, StaticWebhookPeers, type WebhookPeers } from './webhook/webhook-peers.js';
export { FileWebhookPeers } from './webhook/webhook-peers-file.js';
