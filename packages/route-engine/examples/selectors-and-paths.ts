import {
  formatApiPath,
  formatFieldSelector,
  formatLabelSelector,
  matchesLabels,
  parseApiPath,
  parseFieldSelector,
  parseLabelSelector,
  toStructuredSelector,
} from '@ctrlmesh/route-engine';

const selector = parseLabelSelector('tier in (web, api), !canary,env!=prod');
if (!selector.ok) throw new Error(selector.problems[0]?.message);
console.log(formatLabelSelector(selector.value));
console.log(matchesLabels(selector.value, { tier: 'web' }));
console.log(matchesLabels(selector.value, { tier: 'web', env: 'prod' }));
console.log(JSON.stringify(toStructuredSelector(selector.value)));
console.log(JSON.stringify(parseLabelSelector('a in x')));

const fields = parseFieldSelector('metadata.namespace!=kube-system,metadata.name=foo');
if (fields.ok) console.log(formatFieldSelector(fields.value));

const request = parseApiPath('GET', '/apis/apps/v1/namespaces/web/deployments?watch=1&limit=5');
console.log(JSON.stringify(request));
if (request.kind === 'resource') console.log(formatApiPath({ ...request, namespace: 'api' }));
console.log(JSON.stringify(parseApiPath('GET', '/api/v1/namespaces/web')));
console.log(JSON.stringify(parseApiPath('GET', '/apis/apps/v1')));

// Output:
// !canary,env!=prod,tier in (api,web)
// true
// false
// {"ok":true,"value":{"matchExpressions":[{"key":"canary","operator":"DoesNotExist"},{"key":"env","operator":"NotIn","values":["prod"]},{"key":"tier","operator":"In","values":["api","web"]}]}}
// {"ok":false,"problems":[{"path":"labelSelector","message":"unable to parse requirement: found 'x' expected: '('"}]}
// metadata.name=foo,metadata.namespace!=kube-system
// {"kind":"resource","verb":"watch","group":"apps","version":"v1","resource":"deployments","namespace":"web","query":"watch=1&limit=5"}
// /apis/apps/v1/namespaces/api/deployments?watch=1&limit=5
// {"kind":"resource","verb":"get","group":"","version":"v1","resource":"namespaces","namespace":"web","name":"web","query":""}
// {"kind":"nonResource","path":"/apis/apps/v1","query":""}
