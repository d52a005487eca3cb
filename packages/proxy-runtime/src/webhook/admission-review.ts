/** The AdmissionReview versions the apiserver may send; a reply must use the version it was asked in. */
export const ADMISSION_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;

/** `admission.k8s.io/v1` or `admission.k8s.io/v1beta1`. */
export type AdmissionApiVersion = (typeof ADMISSION_API_VERSIONS)[number];

/** What a reply needs to be accepted: the version asked in and the request's uid. */
export interface ReviewIdentity {
  readonly apiVersion: AdmissionApiVersion;
  readonly uid: string;
}

/** An object in a review, as far as routing reads it. */
export interface ReviewObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
}

/** The part of an AdmissionRequest the router reads (v1 and v1beta1 share this shape). */
export interface AdmissionRequest {
  readonly uid: string;
  readonly resource: {
    readonly group: string;
    readonly version: string;
    readonly resource: string;
  };
  readonly subResource?: string;
  readonly name?: string;
  /** Empty or absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly operation: string;
  readonly object?: ReviewObject | null;
  readonly oldObject?: ReviewObject | null;
}

/** A decoded AdmissionReview: its version and request. */
export interface AdmissionReview extends ReviewIdentity {
  readonly request: AdmissionRequest;
}

/** The outcome of decoding a body: a review, or why it is not one. */
export type ReviewParse =
  | { readonly ok: true; readonly value: AdmissionReview }
  | { readonly ok: false; readonly problem: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Decodes an AdmissionReview of either version. The original proxy knew only v1, so every v1beta1
 * review failed to decode (reference §10.2 item 5); both are read here, and the version is kept so
 * the reply can answer in it.
 */
export const parseAdmissionReview = (body: Uint8Array): ReviewParse => {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    return { ok: false, problem: `body is not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(doc)) return { ok: false, problem: 'body is not a JSON object' };
  const { apiVersion, kind, request } = doc;
  if (!ADMISSION_API_VERSIONS.includes(apiVersion as AdmissionApiVersion)) {
    return {
      ok: false,
      problem: `apiVersion ${JSON.stringify(apiVersion)} is not one of ${ADMISSION_API_VERSIONS.join(', ')}`,
    };
  }
  if (kind !== 'AdmissionReview') {
    return { ok: false, problem: `kind ${JSON.stringify(kind)} is not AdmissionReview` };
  }
  if (!isRecord(request)) return { ok: false, problem: 'request is missing' };
  if (typeof request.uid !== 'string' || request.uid === '') {
    return { ok: false, problem: 'request.uid is missing' };
  }
  const resource = request.resource;
  if (!isRecord(resource) || typeof resource.resource !== 'string') {
    return { ok: false, problem: 'request.resource is missing' };
  }
  if (typeof request.operation !== 'string') {
    return { ok: false, problem: 'request.operation is missing' };
  }
  return {
    ok: true,
    value: {
      apiVersion: apiVersion as AdmissionApiVersion,
      uid: request.uid,
      request: {
        ...(request as unknown as AdmissionRequest),
        resource: {
          group: typeof resource.group === 'string' ? resource.group : '',
          version: typeof resource.version === 'string' ? resource.version : '',
          resource: resource.resource,
        },
      },
    },
  };
};

/**
 * Reads only the identity of a review (version and uid) from a body that may not be a whole valid
 * review, so that even a malformed request gets a reply the apiserver can match.
 */
export const reviewIdentity = (body: Uint8Array): ReviewIdentity | undefined => {
  try {
    const doc = JSON.parse(Buffer.from(body).toString('utf8')) as {
      apiVersion?: unknown;
      request?: { uid?: unknown };
    };
    const uid = doc?.request?.uid;
    if (typeof uid !== 'string' || uid === '') return undefined;
    const apiVersion = ADMISSION_API_VERSIONS.includes(doc.apiVersion as AdmissionApiVersion)
      ? (doc.apiVersion as AdmissionApiVersion)
      : 'admission.k8s.io/v1';
    return { apiVersion, uid };
  } catch {
    return undefined;
  }
};
