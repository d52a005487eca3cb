import type { AdmissionHandlers } from './admission-handlers.js';
import { VALIDATE_VIRTUAL_APP_PATH, validateVirtualApp } from './validate-virtual-app.js';

/**
 * The admission handlers the manager serves, by the path its webhook configurations call
 * (deploy/webhooks). This is where a handler is registered: pod injection adds `/inject-pod`.
 * `ManagerDeps.admissionHandlers` adds or replaces entries for one manager (tests, embedders).
 */
export const managerAdmissionHandlers = (): AdmissionHandlers => ({
  [VALIDATE_VIRTUAL_APP_PATH]: validateVirtualApp,
});
