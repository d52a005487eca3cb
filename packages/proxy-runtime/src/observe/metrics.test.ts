import { describe, expect, it } from 'vitest';
import {
  breakerState,
  faultInjected,
  objectsFiltered,
  policyRejection,
  requestEnd,
  routesApplied,
  upstreamResponse,
  watchCount,
  webhookCertificate,
  webhookFailover,
  webhookReview,
} from './channels.js';
import { createProxyMetrics } from './metrics.js';

describe('createProxyMetrics', () => {
  it('counts policy rejections, breaker states and injected faults', async () => {
    const metrics = createProxyMetrics();
    try {
      policyRejection.publish({ policy: 'ops/protect', rule: 'all', reason: 'RateLimited' });
      policyRejection.publish({ policy: 'ops/protect', rule: 'all', reason: 'RateLimited' });
      breakerState.publish({
        policy: 'ops/protect',
        rule: 'w',
        state: 'Closed',
        reason: 'Created',
      });
      breakerState.publish({
        policy: 'ops/protect',
        rule: 'w',
        state: 'Open',
        reason: 'ErrorRate',
      });
      breakerState.publish({
        policy: 'ops/protect',
        rule: 'gone',
        state: 'Open',
        reason: 'Created',
      });
      breakerState.publish({
        policy: 'ops/protect',
        rule: 'gone',
        state: 'Closed',
        reason: 'Removed',
      });
      faultInjected.publish({ policy: 'ops/chaos', fault: 'conflicts', kind: 'abort', code: 409 });
      const text = await metrics.registry.metrics();
      expect(text).toContain(
        'ctrlmesh_proxy_policy_rejections_total{policy="ops/protect",rule="all",reason="RateLimited"} 2',
      );
      expect(text).toContain(
        'ctrlmesh_proxy_circuit_breaker_state{policy="ops/protect",rule="w",state="Open"} 1',
      );
      expect(text).toContain(
        'ctrlmesh_proxy_circuit_breaker_state{policy="ops/protect",rule="w",state="Closed"} 0',
      );
      expect(text).not.toContain('rule="gone"');
      expect(text).toContain(
        'ctrlmesh_proxy_faults_injected_total{policy="ops/chaos",fault="conflicts",kind="abort",code="409"} 1',
      );
    } finally {
      metrics.close();
    }
  });

  it('counts what the channels report', async () => {
    const metrics = createProxyMetrics();
    try {
      requestEnd.publish({
        id: 'x',
        verb: 'get',
        resource: 'configmaps',
        code: 403,
        decision: 'denied',
        durationMs: 1,
      });
      objectsFiltered.publish({ resource: 'configmaps', source: 'list', kept: 3, dropped: 2 });
      watchCount.publish({ delta: 1 });
      watchCount.publish({ delta: 1 });
      watchCount.publish({ delta: -1 });
      routesApplied.publish({ version: 'abc', generation: 2 });
      upstreamResponse.publish({ verb: 'list', code: 200, durationMs: 4 });
      const text = await metrics.registry.metrics();
      expect(text).toContain(
        'ctrlmesh_proxy_requests_total{verb="get",resource="configmaps",code="403",decision="denied"} 1',
      );
      expect(text).toContain(
        'ctrlmesh_proxy_objects_total{resource="configmaps",source="list",outcome="dropped"} 2',
      );
      expect(text).toContain('ctrlmesh_proxy_open_watches 1');
      expect(text).toContain('ctrlmesh_proxy_route_info{version="abc"} 1');
      expect(text).toContain(
        'ctrlmesh_proxy_upstream_duration_seconds_bucket{le="0.005",verb="list",code="200"} 1',
      );
    } finally {
      metrics.close();
    }
  });

  it('counts webhook decisions, peer failures and certificate loads', async () => {
    const metrics = createProxyMetrics();
    try {
      webhookReview.publish({
        decision: 'forwarded',
        owner: 'v2',
        apiVersion: 'admission.k8s.io/v1beta1',
        code: 200,
        durationMs: 3,
      });
      webhookFailover.publish({
        owner: 'v2',
        peer: 'https://10.0.0.7:5445',
        problem: 'ECONNREFUSED',
      });
      webhookCertificate.publish({ outcome: 'rejected' });
      const text = await metrics.registry.metrics();
      expect(text).toContain(
        'ctrlmesh_proxy_webhook_reviews_total{decision="forwarded",owner="v2",api_version="admission.k8s.io/v1beta1",code="200"} 1',
      );
      expect(text).toContain(
        'ctrlmesh_proxy_webhook_review_duration_seconds_bucket{le="0.005",decision="forwarded"} 1',
      );
      expect(text).toContain('ctrlmesh_proxy_webhook_peer_failures_total{owner="v2"} 1');
      expect(text).toContain(
        'ctrlmesh_proxy_webhook_certificate_loads_total{outcome="rejected"} 1',
      );
    } finally {
      metrics.close();
    }
  });

  it('stops counting once closed', async () => {
    const metrics = createProxyMetrics();
    metrics.close();
    requestEnd.publish({
      id: 'x',
      verb: 'get',
      resource: 'pods',
      code: 200,
      decision: 'owned',
      durationMs: 1,
    });
    expect(await metrics.registry.metrics()).not.toContain('resource="pods"');
  });
});
