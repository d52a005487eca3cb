import {
  type PodView,
  type Reconciliation,
  reconcileVirtualApp,
  type VirtualAppView,
} from '@ctrlmesh/manager-runtime';

const spec = (canary: string) => ({
  selector: { matchLabels: { app: 'web' } },
  route: { subRules: [{ name: 'canary', match: [{ namespaceRegex: canary }] }] },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
});
const now = Date.parse('2026-01-01T00:00:00Z');
const pod = (name: string, version: string): PodView => ({
  name,
  labels: { app: 'web', version },
  createdAt: now,
  deleting: false,
  ready: { status: 'True', since: now },
});
let app: VirtualAppView = {
  apiVersion: 'ctrlmesh.io/v1alpha1',
  name: 'web',
  namespace: 'operators',
  uid: 'uid-1',
  generation: 1,
  spec: spec('^canary-'),
};
let revisions: { name: string; revision: number; spec: unknown }[] = [];
let pods = [pod('web-v1-0', 'v1'), pod('web-v2-0', 'v2')];

// What the manager's writer does with a decision: create, write status, delete.
const step = (at: number): Reconciliation => {
  const result = reconcileVirtualApp({
    virtualApp: app,
    revisions,
    pods,
    now: at,
    options: { podGracePeriodMs: 30_000, revisionHistoryLimit: 10 },
  });
  if (result.createRevision) revisions = [...revisions, result.createRevision];
  revisions = revisions.filter((r) => !result.deleteRevisions.includes(r.name));
  app = { ...app, status: result.status };
  const { phase, previousRevision, currentRevision } = result.status.routing ?? {};
  console.log(`${phase}(${previousRevision ?? '-'} -> ${currentRevision})`);
  return result;
};
const condition = (result: Reconciliation, type: string) =>
  result.status.conditions?.find((c) => c.type === type);
// A proxy reports the state it enforces on its own pod.
const reports = (name: string) => {
  const { phase, currentRevision } = app.status!.routing!;
  pods = pods.map((p) =>
    p.name === name
      ? { ...p, routesApplied: { status: 'True', reason: phase, message: currentRevision } }
      : p,
  );
};

step(now);
// => Settled(- -> web-e518df1861)
app = { ...app, generation: 2, spec: spec('^(canary|beta)-') };
step(now + 1_000);
// => Revoking(web-e518df1861 -> web-47cbf9f01d)
reports('web-v1-0');
const waiting = step(now + 2_000);
// => Revoking(web-e518df1861 -> web-47cbf9f01d)
console.log(condition(waiting, 'Progressing')?.message);
// => revision web-47cbf9f01d replaces web-e518df1861: 1 of 2 live pods applied Revoking; waiting for web-v2-0
reports('web-v2-0');
step(now + 3_000);
// => Settled(web-e518df1861 -> web-47cbf9f01d)
app = { ...app, generation: 3, spec: { ...spec('^canary-'), selector: {} } };
const refused = step(now + 4_000);
// => Settled(web-e518df1861 -> web-47cbf9f01d)
console.log(condition(refused, 'Accepted')?.message);
// => generation 3 is not published (revision web-47cbf9f01d stays published): spec.selector: selector must not be empty: it would select every pod in the namespace
