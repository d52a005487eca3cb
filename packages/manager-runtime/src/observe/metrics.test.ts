import { describe, expect, it } from 'vitest';
import { createManagerMetrics } from './metrics.js';

describe('createManagerMetrics', () => {
  it('records leadership, reconciles and handovers in its registry', async () => {
    const metrics = createManagerMetrics();
    metrics.leading(true);
    metrics.reconciled('success');
    metrics.handover(1500);
    const text = await metrics.registry.metrics();
    expect(text).toContain('ctrlmesh_manager_leader 1');
    expect(text).toContain('ctrlmesh_manager_reconciles_total{result="success"} 1');
    expect(text).toContain('ctrlmesh_manager_handover_duration_seconds_sum 1.5');
  });
});
