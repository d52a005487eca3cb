import { faultInjectionCrd, trafficPolicyCrd } from './policy-crds.js';
import { type ReferencePage, referenceMarkdown } from './reference-markdown.js';
import type { JsonSchema } from './structural-schema.js';
import { virtualAppCrd } from './virtual-app-crd.js';

const REGENERATE = 'npm run -w @ctrlmesh/crd-generator generate';

const schemaOf = (crd: { spec: { versions: { schema: { openAPIV3Schema: JsonSchema } }[] } }) =>
  crd.spec.versions[0]?.schema.openAPIV3Schema ?? {};

const pages = (): { path: string; page: ReferencePage }[] => [
  {
    path: 'docs/reference/virtualapp.md',
    page: {
      title: 'VirtualApp reference',
      introduction: `\`apiVersion: ctrlmesh.io/v1alpha1\`, \`kind: VirtualApp\` (short name \`vapp\`), namespaced: it
applies to the pods its \`spec.selector\` selects in its own namespace. The offline tools also
accept the original project's \`ctrlmesh.kruise.io/v1alpha1\`, with a note to change it.

This page lists the structure, generated from the same zod schema as the CRD. Validation
(\`ctrlmesh validate\`, the manager's webhook, and the manager before it publishes) checks more
than the structure and reports every problem at once with its path: unknown fields, sub-rules
that are unknown, duplicate or used by two subsets, subset names that are not DNS labels or are
duplicates, empty subset labels, match entries that set no field, regexes that are not RE2,
label keys and values Kubernetes would refuse, \`In\`/\`NotIn\` without values or
\`Exists\`/\`DoesNotExist\` with some, \`*\` mixed with other resources, malformed resource
patterns, empty \`apiGroups\` or \`resources\` lists, and an empty \`spec.selector\`. How the
rules decide who owns what is in the [user guide](../user-guide.md#writing-rules); the
[examples](../../examples/README.md) show each field at work.`,
      schema: schemaOf(virtualAppCrd()),
    },
  },
  {
    path: 'docs/reference/trafficpolicy.md',
    page: {
      title: 'TrafficPolicy reference',
      introduction: `\`apiVersion: ctrlmesh.io/v1alpha1\`, \`kind: TrafficPolicy\`, namespaced: rate limits and circuit
breakers that the proxies of the selected VirtualApps (of the policy's own namespace) apply to
their controller's requests. Generated from the same zod schema as the CRD; the proxy validates
more than the structure (for example that \`nonResourcePaths\` is not combined with resource
fields) and keeps the last good version of a policy that fails. See the
[user guide](../user-guide.md#traffic-policies-and-faults) and
[examples/traffic-policies](../../examples/traffic-policies/README.md).`,
      schema: schemaOf(trafficPolicyCrd()),
    },
  },
  {
    path: 'docs/reference/faultinjection.md',
    page: {
      title: 'FaultInjection reference',
      introduction: `\`apiVersion: ctrlmesh.io/v1alpha1\`, \`kind: FaultInjection\`, namespaced: delays, errors, cut
watches, slow lists and admission faults that the proxies of the selected VirtualApps (of its own
namespace) inject into their controller's requests. Each fault sets exactly one of \`delay\`,
\`abort\`, \`watch\`, \`slowList\` and \`admission\`. Generated from the same zod schema as the
CRD; see the [user guide](../user-guide.md#traffic-policies-and-faults) and
[examples/traffic-policies](../../examples/traffic-policies/README.md).`,
      schema: schemaOf(faultInjectionCrd()),
    },
  },
];

/** Every generated reference page: its path under the repository root, and its text. */
export const referenceFiles = (): { readonly path: string; readonly text: string }[] =>
  pages().map(({ path, page }) => ({ path, text: referenceMarkdown(page, REGENERATE) }));
