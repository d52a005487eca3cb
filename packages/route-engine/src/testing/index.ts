export { arbResourceRequest } from './arb-api-request.js';
export {
  arbLabelRequirement,
  arbLabelSelector,
  arbLabels,
  arbLabelsWithIntegers,
  arbStructuredSelector,
} from './arb-labels.js';
export { arbMatchEntry, arbVirtualApp } from './arb-virtual-app.js';
export { arbWorld, type World } from './arb-world.js';
export { aTarget, aVirtualApp } from './builders.js';
export * as vocabulary from './vocabulary.js';
