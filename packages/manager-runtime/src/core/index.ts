export { type Condition, type ConditionType, timeOf, timeText } from './conditions.js';
export { durationText } from './duration-text.js';
export { type Desired, nextRouting } from './next-routing.js';
export { isReady, type PodStanding, podStanding, reportsState } from './pod-liveness.js';
export { isLivePod, type PolicyTargetApp, policyPods } from './policy-pods.js';
export {
  aggregatePolicyReports,
  type PodPolicyReport,
  type PolicyKind,
  type PolicyRules,
  type PolicyStatus,
  type PolicyView,
  reconcilePolicy,
  reportedState,
} from './policy-status.js';
export {
  type ReconcileInput,
  type ReconcileOptions,
  type Reconciliation,
  reconcileVirtualApp,
} from './reconcile-virtual-app.js';
export { nextRevisionNumber, revisionsToDelete } from './revision-history.js';
export { REVISION_HASH_LENGTH, revisionName } from './revision-name.js';
export {
  type ConditionView,
  type PodView,
  type RevisionView,
  ROUTES_APPLIED,
  type Routing,
  sameState,
  VIRTUAL_APP_LABEL,
  type VirtualAppView,
} from './views.js';
