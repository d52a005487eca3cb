import { wire } from '@ctrlmesh/leader-election-rewriter';
import { UpstreamMalformedError } from '../status/proxy-error.js';
import type { Status } from '../status/status.js';
import type { KubeObject } from './kube-object.js';
import { firstBytes, lengthDelimited, nextField, withoutFields } from './protobuf-wire.js';

const { encodeVarint, hasK8sMagic, K8S_PROTOBUF_MAGIC, LENGTH_DELIMITED, WireFieldCursor } = wire;

// Kubernetes' protobuf serializer: the magic `k8s\0`, then a runtime.Unknown message
// (1: TypeMeta{1: apiVersion, 2: kind}, 2: raw object bytes, 3: contentEncoding, 4: contentType).

/** A decoded `runtime.Unknown` envelope. */
export interface Envelope {
  readonly apiVersion: string;
  readonly kind: string;
  /** The TypeMeta message as sent. */
  readonly typeMeta: Buffer;
  /** The object (or list) message. */
  readonly raw: Buffer;
  /** The envelope's other fields (content encoding and type), as sent. */
  readonly rest: Buffer;
}

/** Opens the envelope of a Kubernetes protobuf body. */
export const openEnvelope = (buf: Buffer): Envelope => {
  if (!hasK8sMagic(buf))
    throw new UpstreamMalformedError('a protobuf body from the kube-apiserver lacks the k8s magic');
  const body = buf.subarray(K8S_PROTOBUF_MAGIC.length);
  const typeMeta = firstBytes(body, 1) ?? Buffer.alloc(0);
  const rest = withoutFields(body, [1, 2]);
  return {
    rest,
    typeMeta,
    apiVersion: (firstBytes(typeMeta, 1) ?? Buffer.alloc(0)).toString('utf8'),
    kind: (firstBytes(typeMeta, 2) ?? Buffer.alloc(0)).toString('utf8'),
    raw: firstBytes(body, 2) ?? Buffer.alloc(0),
  };
};

/** Seals an object message in an envelope; `rest` carries the other envelope fields unchanged. */
export const sealEnvelope = (
  typeMeta: Buffer,
  raw: Buffer,
  rest: Buffer = Buffer.alloc(0),
): Buffer =>
  Buffer.concat([K8S_PROTOBUF_MAGIC, lengthDelimited(1, typeMeta), lengthDelimited(2, raw), rest]);

/** A TypeMeta message. */
export const typeMetaOf = (apiVersion: string, kind: string): Buffer =>
  Buffer.concat([
    lengthDelimited(1, Buffer.from(apiVersion)),
    lengthDelimited(2, Buffer.from(kind)),
  ]);

const text = (value: Buffer): string => value.toString('utf8');

/**
 * Reads what decisions need from an object message: field 1 is ObjectMeta in every Kubernetes type,
 * where name is 1, namespace 3, resourceVersion 6, labels 11 and annotations 12 (map entries
 * {1: key, 2: value}).
 */
export const objectOf = (
  raw: Buffer,
  envelope?: Pick<Envelope, 'apiVersion' | 'kind'>,
): KubeObject => {
  const meta = firstBytes(raw, 1) ?? Buffer.alloc(0);
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const metadata: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  } = { labels, annotations };
  const entry = (map: Record<string, string>, value: Buffer) => {
    map[text(firstBytes(value, 1) ?? Buffer.alloc(0))] = text(
      firstBytes(value, 2) ?? Buffer.alloc(0),
    );
  };
  // Runs for every object of a list or watch: the cursor and toString(start, end) slice nothing.
  const field = new WireFieldCursor(meta);
  while (nextField(field)) {
    if (field.wireType !== LENGTH_DELIMITED) continue;
    const { number, payloadStart, end } = field;
    if (number === 1) metadata.name = meta.toString('utf8', payloadStart, end);
    else if (number === 3) metadata.namespace = meta.toString('utf8', payloadStart, end);
    else if (number === 6) metadata.resourceVersion = meta.toString('utf8', payloadStart, end);
    else if (number === 11) entry(labels, meta.subarray(payloadStart, end));
    else if (number === 12) entry(annotations, meta.subarray(payloadStart, end));
  }
  return {
    ...(envelope ? { apiVersion: envelope.apiVersion, kind: envelope.kind } : {}),
    metadata,
  };
};

/** An object message carrying only `metadata.resourceVersion` (a bookmark's object). */
export const resourceVersionOnly = (resourceVersion: string): Buffer =>
  lengthDelimited(1, lengthDelimited(6, Buffer.from(resourceVersion)));

/** A metav1.Status as a protobuf envelope (1 ListMeta, 2 status, 3 message, 4 reason, 6 code). */
export const statusEnvelope = (status: Status): Buffer =>
  sealEnvelope(
    typeMetaOf('v1', 'Status'),
    Buffer.concat([
      lengthDelimited(1, Buffer.alloc(0)),
      lengthDelimited(2, Buffer.from(status.status)),
      lengthDelimited(3, Buffer.from(status.message)),
      lengthDelimited(4, Buffer.from(status.reason)),
      encodeVarint(6 * 8),
      encodeVarint(status.code),
    ]),
  );
