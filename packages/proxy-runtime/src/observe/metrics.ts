import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  breakerState,
  faultInjected,
  objectsFiltered,
  policyRejection,
  requestCode,
  requestEnd,
  routesApplied,
  upstreamResponse,
  watchCount,
  webhookCertificate,
  webhookFailover,
  webhookReview,
} from './channels.js';

/** The proxy's Prometheus registry, fed only by the channels in `channels.ts`. */
export interface ProxyMetrics {
  readonly registry: Registry;
  /** Stops listening to the channels. */
  close(): void;
}

/**
 * prom-client hashes the label object (sorting its keys) on every `inc` and `observe`, which every
 * request pays twice; the child of each label combination is looked up once and kept instead.
 */
const childrenOf = <Child>(make: (values: string[]) => Child) => {
  const children = new Map<string, Child>();
  return (...values: string[]): Child => {
    const key = values.join('\0');
    let child = children.get(key);
    if (child === undefined) {
      child = make(values);
      children.set(key, child);
    }
    return child;
  };
};

const BREAKER_STATES = ['Closed', 'Open', 'HalfOpen'] as const;

/** Creates the registry and subscribes it to the proxy's channels. */
export const createProxyMetrics = (): ProxyMetrics => {
  const registry = new Registry();
  const requests = new Counter({
    name: 'ctrlmesh_proxy_requests_total',
    help: 'Requests handled, by verb, resource, response code and ownership decision.',
    labelNames: ['verb', 'resource', 'code', 'decision'] as const,
    registers: [registry],
  });
  const filtered = new Counter({
    name: 'ctrlmesh_proxy_objects_total',
    help: 'List items and watch events seen by the filters, by resource, source and outcome (kept or dropped).',
    labelNames: ['resource', 'source', 'outcome'] as const,
    registers: [registry],
  });
  const watches = new Gauge({
    name: 'ctrlmesh_proxy_open_watches',
    help: 'Filtered watches open now.',
    registers: [registry],
  });
  const routes = new Gauge({
    name: 'ctrlmesh_proxy_route_info',
    help: 'The routes version in use (value 1) and how many swaps this process made.',
    labelNames: ['version'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ctrlmesh_proxy_upstream_duration_seconds',
    help: 'Time from sending a request to the kube-apiserver to its response head.',
    labelNames: ['verb', 'code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const reviews = new Counter({
    name: 'ctrlmesh_proxy_webhook_reviews_total',
    help: 'AdmissionReviews answered by the webhook front, by decision (local, forwarded, excluded, failed, invalid), owning subset, review version and HTTP code.',
    labelNames: ['decision', 'owner', 'api_version', 'code'] as const,
    registers: [registry],
  });
  const reviewDuration = new Histogram({
    name: 'ctrlmesh_proxy_webhook_review_duration_seconds',
    help: 'Time the webhook front took to answer an AdmissionReview, by decision.',
    labelNames: ['decision'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'ctrlmesh_proxy_webhook_peer_failures_total',
    help: 'Forwarded AdmissionReviews a peer of the owning subset failed (the next peer is tried), by subset.',
    labelNames: ['owner'] as const,
    registers: [registry],
  });
  const certificates = new Counter({
    name: 'ctrlmesh_proxy_webhook_certificate_loads_total',
    help: "Loads of the controller's webhook certificate by the webhook front, by outcome (loaded, rejected).",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'ctrlmesh_proxy_policy_rejections_total',
    help: 'Requests refused by a TrafficPolicy, by policy (namespace/name), rule and reason (RateLimited, TooManyInFlight, CircuitOpen).',
    labelNames: ['policy', 'rule', 'reason'] as const,
    registers: [registry],
  });
  const breakers = new Gauge({
    name: 'ctrlmesh_proxy_circuit_breaker_state',
    help: "A TrafficPolicy's circuit breakers in this proxy: 1 for the state each is in (Closed, Open, HalfOpen), 0 for the others.",
    labelNames: ['policy', 'rule', 'state'] as const,
    registers: [registry],
  });
  const faults = new Counter({
    name: 'ctrlmesh_proxy_faults_injected_total',
    help: 'Faults a FaultInjection injected, by policy, fault, kind (delay, abort, watch, slowList, admission) and the status code answered (0 for delays and silent watch ends).',
    labelNames: ['policy', 'fault', 'kind', 'code'] as const,
    registers: [registry],
  });
  const requestsBy = childrenOf((values) => requests.labels(...values));
  const latencyBy = childrenOf((values) => latency.labels(...values));
  const unsubscribe = [
    webhookReview.subscribe((m) => {
      reviews.inc({
        decision: m.decision,
        owner: m.owner,
        api_version: m.apiVersion,
        code: String(m.code),
      });
      reviewDuration.observe({ decision: m.decision }, m.durationMs / 1000);
    }),
    webhookFailover.subscribe((m) => failovers.inc({ owner: m.owner })),
    policyRejection.subscribe((m) =>
      rejections.inc({ policy: m.policy, rule: m.rule, reason: m.reason }),
    ),
    breakerState.subscribe((m) => {
      for (const state of BREAKER_STATES) {
        const labels = { policy: m.policy, rule: m.rule, state };
        if (m.reason === 'Removed') breakers.remove(labels);
        else breakers.set(labels, state === m.state ? 1 : 0);
      }
    }),
    faultInjected.subscribe((m) =>
      faults.inc({ policy: m.policy, fault: m.fault, kind: m.kind, code: String(m.code) }),
    ),
    webhookCertificate.subscribe((m) => certificates.inc({ outcome: m.outcome })),
    // Label values in labelNames order.
    requestEnd.subscribe((m) => requestsBy(m.verb, m.resource, requestCode(m), m.decision).inc()),
    objectsFiltered.subscribe((m) => {
      filtered.inc({ resource: m.resource, source: m.source, outcome: 'kept' }, m.kept);
      filtered.inc({ resource: m.resource, source: m.source, outcome: 'dropped' }, m.dropped);
    }),
    watchCount.subscribe((m) => watches.inc(m.delta)),
    routesApplied.subscribe((m) => {
      routes.reset();
      routes.set({ version: m.version }, 1);
    }),
    upstreamResponse.subscribe((m) =>
      latencyBy(m.verb, String(m.code)).observe(m.durationMs / 1000),
    ),
  ];
  const close = () => {
    for (const stop of unsubscribe) stop();
  };
  return { registry, close };
};
