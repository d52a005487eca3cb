/** The only AdmissionReview version the manager's webhook configurations ask for. */
export const ADMISSION_REVIEW_API_VERSION = 'admission.k8s.io/v1';

/** A group/version/kind or group/version/resource, as an AdmissionRequest carries them. */
export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** The AdmissionRequest of an `admission.k8s.io/v1` AdmissionReview, as handlers read it. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersion & { readonly kind: string };
  readonly resource: GroupVersion & { readonly resource: string };
  readonly subResource?: string;
  readonly name?: string;
  /** Empty or absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly userInfo?: { readonly username?: string; readonly groups?: readonly string[] };
  /** The object as it would be stored (absent on DELETE). */
  readonly object?: unknown;
  /** The stored object (UPDATE and DELETE). */
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
}

/** One RFC 6902 operation of a mutating handler's patch. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

/** A `metav1.Status` as a denial carries it: kubectl prints its message. */
export interface DenialStatus {
  readonly code: number;
  readonly reason?: string;
  readonly message: string;
}

/** What a handler decides; the server adds the uid, the version and the patch encoding. */
export interface AdmissionDecision {
  readonly allowed: boolean;
  /** Why it is denied (used when `allowed` is false). */
  readonly status?: DenialStatus;
  /** A mutating handler's changes; sent base64-encoded as `patchType: JSONPatch`. */
  readonly patch?: readonly JsonPatchOperation[];
  /** Shown to the client (kubectl prints them as `Warning: ...`). */
  readonly warnings?: readonly string[];
}

/** The outcome of reading a request body: a request, or why it is not a v1 AdmissionReview. */
export type ReviewRead =
  | { readonly ok: true; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly problem: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/**
 * Reads an `admission.k8s.io/v1` AdmissionReview. Checks the fields every handler relies on (uid,
 * kind, resource, operation) and leaves the objects to the handler that knows their shape.
 */
export const readAdmissionReview = (body: Buffer): ReviewRead => {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { ok: false, problem: `body is not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(doc)) return { ok: false, problem: 'body is not a JSON object' };
  if (doc.apiVersion !== ADMISSION_REVIEW_API_VERSION || doc.kind !== 'AdmissionReview') {
    return {
      ok: false,
      problem: `expected an ${ADMISSION_REVIEW_API_VERSION} AdmissionReview, got ${JSON.stringify(doc.apiVersion)} ${JSON.stringify(doc.kind)}`,
    };
  }
  const { request } = doc;
  if (!isRecord(request)) return { ok: false, problem: 'request is missing' };
  if (typeof request.uid !== 'string' || request.uid === '') {
    return { ok: false, problem: 'request.uid is missing' };
  }
  if (!isRecord(request.kind) || typeof request.kind.kind !== 'string') {
    return { ok: false, problem: 'request.kind is missing' };
  }
  if (!isRecord(request.resource) || typeof request.resource.resource !== 'string') {
    return { ok: false, problem: 'request.resource is missing' };
  }
  if (typeof request.operation !== 'string' || !OPERATIONS.has(request.operation)) {
    return {
      ok: false,
      problem: `request.operation ${JSON.stringify(request.operation)} is unknown`,
    };
  }
  return { ok: true, request: request as unknown as AdmissionRequest };
};

/** The AdmissionReview a decision is sent back as. */
export const admissionResponse = (uid: string, decision: AdmissionDecision) => ({
  apiVersion: ADMISSION_REVIEW_API_VERSION,
  kind: 'AdmissionReview',
  response: {
    uid,
    allowed: decision.allowed,
    ...(decision.allowed || decision.status === undefined
      ? {}
      : {
          status: {
            metadata: {},
            status: 'Failure',
            code: decision.status.code,
            ...(decision.status.reason === undefined ? {} : { reason: decision.status.reason }),
            message: decision.status.message,
          },
        }),
    ...(decision.allowed && decision.patch !== undefined && decision.patch.length > 0
      ? {
          patchType: 'JSONPatch',
          patch: Buffer.from(JSON.stringify(decision.patch)).toString('base64'),
        }
      : {}),
    ...(decision.warnings !== undefined && decision.warnings.length > 0
      ? { warnings: decision.warnings }
      : {}),
  },
});
