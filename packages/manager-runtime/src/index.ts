export { type Clock, systemClock } from '@ctrlmesh/runtime-support';
export {
  BACKDATE_MS,
  createCertificateAuthority,
  issueServingCertificate,
  type KeyPair,
} from './certificates/certificate-authority.js';
export {
  bundleToData,
  type CertificateBundle,
  type ReadBundle,
  readBundle,
  SECRET_KEYS,
} from './certificates/certificate-bundle.js';
export {
  type CaBundleTarget,
  type CertificateSecretStore,
  SecretConflict,
  type StoredSecret,
} from './certificates/certificate-ports.js';
export {
  planRotation,
  type RotationOptions,
  type RotationStep,
} from './certificates/plan-rotation.js';
export {
  createWebhookCertificates,
  type WebhookCertificates,
  type WebhookCertificatesOptions,
} from './certificates/webhook-certificates.js';
export {
  defineManagerConfig,
  type ManagerConfig,
  type ManagerConfigInput,
  ManagerConfigSchema,
} from './config.js';
export type { ManagerCache, ManagerWriter } from './controller/ports.js';
export { StatusConflict } from './controller/ports.js';
export { keyOf, syncVirtualApp } from './controller/sync-virtual-app.js';
export { WorkQueue } from './controller/work-queue.js';
export * from './core/index.js';
export * from './injection/index.js';
export { injectionListerOf } from './kube/injection-lister.js';
export { VIRTUAL_APPS } from './kube/kube-writer.js';
export {
  createNamespaceLabelsCache,
  type NamespaceLabelsCache,
  type NamespaceLabelsCacheOptions,
} from './kube/namespace-labels-cache.js';
export {
  controllerRevisionFor,
  podViewOf,
  revisionViewOf,
  type VirtualAppObject,
  virtualAppViewOf,
} from './kube/views-of.js';
export {
  createLeaderElector,
  type LeaderElector,
  type LeaseTimings,
} from './leader/leader-elector.js';
export { LeaseConflict, type LeaseRecord, type LeaseStore } from './leader/lease-store.js';
export { createManager, type Manager, type ManagerDeps, webhookRotationOf } from './manager.js';
export { createLogger, type Logger, type LogLevel, type LogSink } from './observe/log.js';
export { createManagerMetrics, type ManagerMetrics } from './observe/metrics.js';
export type { AdmissionHandler, AdmissionHandlers } from './webhook/admission-handlers.js';
export {
  ADMISSION_REVIEW_API_VERSION,
  type AdmissionDecision,
  type AdmissionRequest,
  type DenialStatus,
  type JsonPatchOperation,
} from './webhook/admission-review.js';
export {
  type AdmissionServer,
  type AdmissionServerOptions,
  createAdmissionServer,
  MAX_REVIEW_BYTES,
  type ReviewOutcome,
} from './webhook/admission-server.js';
export { managerAdmissionHandlers } from './webhook/manager-admission-handlers.js';
export {
  VALIDATE_VIRTUAL_APP_PATH,
  validateVirtualApp,
} from './webhook/validate-virtual-app.js';
