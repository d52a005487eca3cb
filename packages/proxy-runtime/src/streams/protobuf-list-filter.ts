import { wire } from '@ctrlmesh/leader-election-rewriter';
import { FrameTooLargeError } from '../status/proxy-error.js';
import type { ListFilterSummary } from './json-list-filter.js';
import { type ObjectVerdict, objectKey } from './kube-object.js';
import { objectOf, openEnvelope, sealEnvelope } from './kube-protobuf.js';
import { firstBytes, lengthDelimited, nextField, withoutFields } from './protobuf-wire.js';

const { LENGTH_DELIMITED, WireFieldCursor } = wire;

/** Options of {@link filterProtobufList}. */
export interface ProtobufListFilterOptions {
  readonly keep: ObjectVerdict;
  /** The largest list the filter will hold: a protobuf list must be held whole. */
  readonly maxListBytes: number;
  readonly summary: ListFilterSummary;
}

// Every Kubernetes list message: 1 ListMeta (1 selfLink, 2 resourceVersion, 3 continue,
// 4 remainingItemCount), 2 items.
const LIST_META = 1;
const ITEMS = 2;
const REMAINING_ITEM_COUNT = 4;

/**
 * Filters a Kubernetes protobuf list. Length prefixes make streaming impossible (the envelope's size
 * depends on what is kept), so the list is held whole, within `maxListBytes`; kept items are copied as
 * their original bytes; `remainingItemCount` goes when items were removed. The proxy asks for protobuf
 * lists only from clients that accept nothing else. A body that is not a list passes unchanged.
 */
export async function* filterProtobufList(
  source: AsyncIterable<Uint8Array>,
  options: ProtobufListFilterOptions,
): AsyncGenerator<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > options.maxListBytes) throw new FrameTooLargeError(options.maxListBytes);
    parts.push(Buffer.from(chunk));
  }
  const body = Buffer.concat(parts);
  const envelope = openEnvelope(body);
  if (!envelope.kind.endsWith('List')) {
    yield body;
    return;
  }
  const { summary } = options;
  let listMeta: Buffer | undefined;
  const kept: Buffer[] = [];
  const others: Buffer[] = [];
  const { raw } = envelope;
  const field = new WireFieldCursor(raw);
  while (nextField(field)) {
    const { number, start, payloadStart, end } = field;
    const lengthDelimitedField = field.wireType === LENGTH_DELIMITED;
    if (number === LIST_META && lengthDelimitedField) {
      listMeta = raw.subarray(payloadStart, end);
      summary.resourceVersion = firstBytes(listMeta, 2)?.toString('utf8');
      continue;
    }
    if (number !== ITEMS || !lengthDelimitedField) {
      others.push(raw.subarray(start, end));
      continue;
    }
    const object = objectOf(raw.subarray(payloadStart, end));
    const verdict = options.keep(object);
    if (verdict === true || (verdict !== false && (await verdict))) {
      kept.push(raw.subarray(start, end));
      summary.kept++;
      summary.shownKeys.push(objectKey(object));
    } else {
      summary.dropped++;
    }
  }
  const metaOut =
    listMeta === undefined
      ? []
      : [
          lengthDelimited(
            LIST_META,
            summary.dropped > 0 ? withoutFields(listMeta, [REMAINING_ITEM_COUNT]) : listMeta,
          ),
        ];
  yield sealEnvelope(
    envelope.typeMeta,
    Buffer.concat([...metaOut, ...kept, ...others]),
    envelope.rest,
  );
}
