import { canonicalJson, parseVirtualApp } from '@ctrlmesh/route-engine';
import type { AdmissionHandler } from './admission-handlers.js';
import type { AdmissionDecision } from './admission-review.js';

/** The path the ValidatingWebhookConfiguration calls (deploy/webhooks). */
export const VALIDATE_VIRTUAL_APP_PATH = '/validate-virtualapp';

type Loose = {
  apiVersion?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: unknown;
};

const ALLOWED: AdmissionDecision = { allowed: true };

/**
 * Validates a VirtualApp's spec on CREATE and UPDATE with route-engine's `parseVirtualApp`, the
 * same check the manager makes before it publishes: a denial lists every problem with its path,
 * which kubectl prints after `admission webhook "..." denied the request:`. The status
 * subresource is not its business, and neither is an update that leaves the spec as it was (a
 * label or a finalizer on an object stored before the webhook existed must stay editable).
 */
export const validateVirtualApp: AdmissionHandler = (request) => {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOWED;
  if (request.subResource !== undefined && request.subResource !== '') return ALLOWED;
  const object = (request.object ?? {}) as Loose;
  if (request.operation === 'UPDATE') {
    const old = (request.oldObject ?? {}) as Loose;
    if (canonicalJson(old.spec) === canonicalJson(object.spec)) return ALLOWED;
  }
  // Only what the manager would publish is checked: status belongs to the manager.
  const parsed = parseVirtualApp({
    apiVersion: object.apiVersion,
    kind: 'VirtualApp',
    metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace },
    spec: object.spec,
  });
  if (parsed.ok) return ALLOWED;
  const name = request.name ?? (object.metadata?.name as string | undefined) ?? '';
  return {
    allowed: false,
    status: {
      code: 422,
      reason: 'Invalid',
      message: `VirtualApp "${name}" is invalid: ${parsed.problems
        .map((problem) => `${problem.path}: ${problem.message}`)
        .join('; ')}`,
    },
  };
};
