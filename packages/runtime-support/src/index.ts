export {
  type AdminDeps,
  createAdminServer,
  type MetricsRegistry,
} from './admin/admin-server.js';
export * as der from './der/der.js';
export { type MainProcess, runMain } from './process/run-main.js';
export { type Clock, systemClock } from './time/clock.js';
export { parseDuration } from './time/duration.js';
export * as x509 from './x509/x509-certificate.js';
