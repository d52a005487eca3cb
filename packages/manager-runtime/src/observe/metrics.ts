import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The manager's Prometheus metrics. */
export interface ManagerMetrics {
  readonly registry: Registry;
  /** A reconcile ended: `success`, `error` or `skipped` (not the leader). */
  reconciled(result: 'success' | 'error' | 'skipped'): void;
  /** A write or read failed, by what was attempted (`createRevision`, `writeStatus`, ...). */
  failed(operation: string): void;
  /** This replica started or stopped leading. */
  leading(isLeader: boolean): void;
  /** A handover completed (`Revoking` -> `Settled`) after `ms`. */
  handover(ms: number): void;
  /** A routing state was published, by phase. */
  published(phase: 'Revoking' | 'Settled'): void;
  /** An admission review was answered, by webhook path and outcome. */
  reviewed(path: string, outcome: string): void;
}

/** Creates the registry with the manager's metrics. */
export const createManagerMetrics = (): ManagerMetrics => {
  const registry = new Registry();
  const reconciles = new Counter({
    name: 'ctrlmesh_manager_reconciles_total',
    help: 'VirtualApp reconciles, by result (success, error, skipped when not the leader).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'ctrlmesh_manager_errors_total',
    help: 'Failed apiserver calls, by operation.',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const leader = new Gauge({
    name: 'ctrlmesh_manager_leader',
    help: '1 while this replica holds the leader Lease and writes, else 0.',
    registers: [registry],
  });
  const handovers = new Histogram({
    name: 'ctrlmesh_manager_handover_duration_seconds',
    help: 'Time from publishing Revoking to publishing Settled.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const publications = new Counter({
    name: 'ctrlmesh_manager_published_total',
    help: 'Routing states published, by phase.',
    labelNames: ['phase'] as const,
    registers: [registry],
  });
  const reviews = new Counter({
    name: 'ctrlmesh_manager_admission_reviews_total',
    help: 'Admission reviews answered, by path and outcome (allowed, denied, malformed, error).',
    labelNames: ['path', 'outcome'] as const,
    registers: [registry],
  });
  leader.set(0);
  return {
    registry,
    reconciled: (result) => reconciles.inc({ result }),
    failed: (operation) => errors.inc({ operation }),
    leading: (isLeader) => leader.set(isLeader ? 1 : 0),
    handover: (ms) => handovers.observe(ms / 1000),
    published: (phase) => publications.inc({ phase }),
    reviewed: (path, outcome) => reviews.inc({ path, outcome }),
  };
};
