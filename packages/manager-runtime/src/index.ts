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
export { VIRTUAL_APPS } from './kube/kube-writer.js';
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
export { type Clock, systemClock } from './lifecycle/clock.js';
export { createManager, type Manager, type ManagerDeps } from './manager.js';
export { createLogger, type Logger, type LogLevel, type LogSink } from './observe/log.js';
export { createManagerMetrics, type ManagerMetrics } from './observe/metrics.js';
