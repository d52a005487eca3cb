import { parse } from 'yaml';
import { UnreadableBodyError } from '../status/proxy-error.js';
import type { KubeObject } from '../streams/kube-object.js';
import { objectOf, openEnvelope } from '../streams/kube-protobuf.js';

const mediaType = (contentType: string | string[] | undefined): string =>
  String(contentType ?? 'application/json')
    .split(';')[0]
    ?.trim()
    .toLowerCase() ?? '';

const asObject = (value: unknown, what: string): KubeObject => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  throw new UnreadableBodyError(
    `ctrlmesh-proxy must read this ${what} body's labels: it holds no object`,
  );
};

const fromJson = (bytes: Buffer, what: string): KubeObject => {
  try {
    return asObject(JSON.parse(bytes.toString('utf8')), what);
  } catch (error) {
    if (error instanceof UnreadableBodyError) throw error;
    throw new UnreadableBodyError(
      `ctrlmesh-proxy must read this ${what} body's labels and could not parse it as JSON`,
    );
  }
};

// The apiserver reads YAML as go-yaml does, YAML 1.1 (`yes` is a boolean, `0o17` a string); the
// proxy must see the same labels the apiserver will store.
const fromYaml = (bytes: Buffer, what: string): KubeObject => {
  try {
    return asObject(parse(bytes.toString('utf8'), { version: '1.1' }), what);
  } catch (error) {
    if (error instanceof UnreadableBodyError) throw error;
    throw new UnreadableBodyError(
      `ctrlmesh-proxy must read this ${what} body's labels and could not parse it as YAML`,
    );
  }
};

/** The patch types the apiserver accepts, by Content-Type. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Which patch a PATCH request carries; refuses a type the proxy cannot read (CBOR apply, say). */
export const patchTypeOf = (contentType: string | string[] | undefined): PatchType => {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (type !== undefined) return type;
  throw new UnreadableBodyError(
    `ctrlmesh-proxy must read the labels of this ${String(contentType)} patch; send a JSON, merge, strategic merge or YAML apply patch`,
  );
};

/**
 * The object a create or update carries, read as the apiserver reads it: JSON, YAML or Kubernetes
 * protobuf by Content-Type. Anything else is refused (415): the proxy decides on these labels.
 */
export const objectBody = (
  contentType: string | string[] | undefined,
  bytes: Buffer,
): KubeObject => {
  const type = mediaType(contentType);
  if (type === 'application/json') return fromJson(bytes, type);
  if (type === 'application/yaml') return fromYaml(bytes, type);
  if (type === 'application/vnd.kubernetes.protobuf') return objectOf(openEnvelope(bytes).raw);
  throw new UnreadableBodyError(
    `ctrlmesh-proxy must read the labels of this ${String(contentType)} body; send JSON, YAML or protobuf`,
  );
};

/** A patch document: the JSON of JSON, merge and strategic patches, the YAML (or JSON) of an apply. */
export const patchBody = (type: PatchType, bytes: Buffer): unknown => {
  if (type === 'apply') return fromYaml(bytes, 'apply patch');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UnreadableBodyError(
      `ctrlmesh-proxy must read this ${type} patch and could not parse it as JSON`,
    );
  }
};
