export {
  type ApiRequest,
  type ApiVerb,
  formatApiPath,
  type InvalidRequest,
  methodForVerb,
  type NonResourceRequest,
  parseApiPath,
  type ResourceRequest,
} from './api-path.js';
export { canonicalJson } from './canonical-json.js';
export {
  type CompiledMatchEntry,
  type CompiledRoutes,
  type CompiledRule,
  type CompiledSubset,
  compileRoutes,
  compileRoutesInSteps,
} from './compiled-routes.js';
export { type Decision, decide, decisionFor } from './decision.js';
export { DEFAULT_SUBSET } from './default-subset.js';
export { type Explanation, explain } from './explain.js';
export { explainHandover, type HandoverExplanation } from './explain-handover.js';
export {
  type FieldRequirement,
  type FieldSelector,
  type Fields,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
} from './field-selector.js';
export {
  agreedOwnership,
  type HandoverDecision,
  type HandoverOwnership,
  type HandoverPhase,
  handoverDecide,
  handoverDecisionFor,
  handoverOwner,
  type Revoked,
  type RoutingState,
} from './handover.js';
export { handoverPodSubset, NO_SUBSET } from './handover-pod-subset.js';
export {
  fromStructuredSelector,
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
  type LabelSelectorExpression,
  type Labels,
  labelRequirement,
  MATCH_EVERYTHING,
  MATCH_NOTHING,
  matchesLabels,
  type StructuredLabelSelector,
  selectorOf,
  toStructuredSelector,
} from './label-selector.js';
export {
  formatLabelSelector,
  NOTHING_SELECTOR_STRING,
  parseLabelSelector,
} from './label-selector-string.js';
export type { NamespaceRegex } from './namespace-regex.js';
export { type Ownership, owner } from './ownership.js';
export { parseVirtualApp } from './parse-virtual-app.js';
export { podSubset } from './pod-subset.js';
export { formatPath, type ParseResult, type Problem } from './problem.js';
export { queryBool } from './query-bool.js';
export {
  type ApiGroupResource,
  apiGroupResourceProblems,
  compileResourceMatcher,
  type GroupResource,
  parseResourcePattern,
  type ResourceMatcher,
  type ResourcePattern,
} from './resource-pattern.js';
export { StatusConditionSchema } from './status-condition.js';
export { isNamespaceResource, type Target, type TargetNamespace } from './target.js';
export {
  type MatchLimitSelector,
  type SubRule,
  VIRTUAL_APP_API_VERSIONS,
  type VirtualApp,
  type VirtualAppRouting,
  VirtualAppSchema,
  type VirtualAppStatus,
  type VirtualAppSubset,
  virtualAppJsonSchema,
} from './virtual-app.js';
