import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import {
  StaticNamespaceLabels,
  UnavailableNamespaceLabels,
} from '../namespaces/namespace-labels.js';
import { makeSnapshot } from '../routes/route-snapshot.js';
import { type ReviewFixture, reviewBytes } from '../test-support/admission-reviews.js';
import {
  canarySnapshot,
  fixtureApp,
  handoverSnapshot,
  REVISION_AFTER,
  REVISION_BEFORE,
} from '../test-support/exchanges.js';
import { type AdmissionRequest, parseAdmissionReview } from './admission-review.js';
import { routeReview } from './review-route.js';

const request = (name: ReviewFixture, edit: Partial<AdmissionRequest> = {}): AdmissionRequest => {
  const parsed = parseAdmissionReview(reviewBytes(name));
  if (!parsed.ok) throw new Error(parsed.problem);
  return { ...parsed.value.request, ...edit };
};

const namespaces = new StaticNamespaceLabels({
  'canary-a': {},
  'team-b': {},
  'team-c': { 'ns-type': 'canary' },
  'kube-system': { 'ns-type': 'system' },
});
const v1 = canarySnapshot({ version: 'v1' });
const v2 = canarySnapshot({ version: 'v2' });

describe('routeReview', () => {
  it('keeps a review local when this subset owns the object, forwards it when another does', async () => {
    const canary = request('v1-create-configmap');
    expect(await routeReview(v2, namespaces, canary)).toEqual({ kind: 'local', owner: 'v2' });
    expect(await routeReview(v1, namespaces, canary)).toEqual({ kind: 'forward', owner: 'v2' });
    const plain = request('v1beta1-update-configmap');
    expect(await routeReview(v1, namespaces, plain)).toEqual({
      kind: 'local',
      owner: DEFAULT_SUBSET,
    });
    expect(await routeReview(v2, namespaces, plain)).toEqual({
      kind: 'forward',
      owner: DEFAULT_SUBSET,
    });
  });

  it('decides on namespace labels from the namespace source', async () => {
    const labelled = request('v1beta1-update-configmap', { namespace: 'team-c' });
    expect(await routeReview(v1, namespaces, labelled)).toEqual({ kind: 'forward', owner: 'v2' });
  });

  it('excludes objects the global limits fence off', async () => {
    const system = request('v1-delete-configmap', { namespace: 'kube-system' });
    expect(await routeReview(v1, namespaces, system)).toEqual({ kind: 'excluded' });
    expect(await routeReview(v2, namespaces, system)).toEqual({ kind: 'excluded' });
  });

  it('decides a DELETE on oldObject, the only object it carries', async () => {
    const sharded = makeSnapshot(fixtureApp('sharding-vapp'), {}, 1);
    const review = request('v1-delete-configmap');
    expect(review.object).toBeNull();
    expect(await routeReview(sharded, namespaces, review)).toEqual({
      kind: 'local',
      owner: DEFAULT_SUBSET,
    });
    const shardA = request('v1-delete-configmap', {
      oldObject: { metadata: { name: 'settings', labels: { shard: 'a' } } },
    });
    expect(await routeReview(sharded, namespaces, shardA)).toEqual({
      kind: 'forward',
      owner: 'a',
    });
  });

  it('gives cluster-scoped objects to the default subset', async () => {
    const role = request('v1-create-clusterrole');
    expect(await routeReview(v2, namespaces, role)).toEqual({
      kind: 'forward',
      owner: DEFAULT_SUBSET,
    });
  });

  it('treats a Namespace as living in itself, with the labels of the object', async () => {
    const ns = request('v1beta1-create-namespace');
    expect(await routeReview(v1, namespaces, ns)).toEqual({ kind: 'forward', owner: 'v2' });
  });

  it('fails (for the failure policy) without routes or namespace labels', async () => {
    const review = request('v1-create-configmap');
    expect(await routeReview(undefined, namespaces, review)).toMatchObject({
      kind: 'failed',
      failure: { code: 503, message: expect.stringContaining('no routes yet') },
    });
    expect(
      await routeReview(v1, namespaces, request('v1-create-configmap', { namespace: 'gone' })),
    ).toMatchObject({
      kind: 'failed',
      failure: { message: expect.stringContaining('does not know namespace "gone"') },
    });
    expect(await routeReview(v1, new UnavailableNamespaceLabels(), review)).toMatchObject({
      kind: 'failed',
      failure: { message: expect.stringContaining('--token-file') },
    });
  });

  it('leaves a review of an object handed over between revisions to the failure policy, naming both', async () => {
    const moving = request('v1-create-configmap', { namespace: 'moving' });
    const handoverNamespaces = new StaticNamespaceLabels({ moving: {} });
    for (const podLabels of [{}, { version: 'v2' }] as Record<string, string>[]) {
      const route = await routeReview(handoverSnapshot(podLabels), handoverNamespaces, moving);
      expect(route.kind).toBe('failed');
      if (route.kind !== 'failed') return;
      expect(route.failure.code).toBe(503);
      expect(route.failure.message).toContain(
        `handed over between revisions ${REVISION_BEFORE} and ${REVISION_AFTER}`,
      );
    }
    expect(await routeReview(handoverSnapshot({}, 'Settled'), handoverNamespaces, moving)).toEqual({
      kind: 'forward',
      owner: 'v2',
    });
  });
});
