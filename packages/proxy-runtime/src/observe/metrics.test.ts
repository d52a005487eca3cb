import { describe, expect, it } from 'vitest';
import {
  objectsFiltered,
  requestEnd,
  routesApplied,
  upstreamResponse,
  watchCount,
} from './channels.js';
import { createProxyMetrics } from './metrics.js';

describe('createProxyMetrics', () => {
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
