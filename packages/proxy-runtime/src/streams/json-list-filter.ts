import { wire } from '@ctrlmesh/leader-election-rewriter';
import { FrameTooLargeError, UpstreamMalformedError } from '../status/proxy-error.js';
import { type KubeObject, type ObjectVerdict, objectKey } from './kube-object.js';

const { CLOSE_BRACE, CLOSE_BRACKET, closingQuote, OPEN_BRACE, OPEN_BRACKET, QUOTE } = wire;

/** How a list filter ended: what it kept and dropped, and which keys it showed. */
export interface ListFilterSummary {
  kept: number;
  dropped: number;
  /** `namespace/name` of every kept item, so a following watch knows what the client has. */
  readonly shownKeys: string[];
  /** The list's `metadata.resourceVersion`, when the list had one. */
  resourceVersion: string | undefined;
}

/** Options of {@link filterJsonList}. */
export interface JsonListFilterOptions {
  readonly keep: ObjectVerdict;
  /** The largest single item the filter will hold (bounded memory; a clear error above it). */
  readonly maxItemBytes: number;
  /** Filled in as the list streams; complete when the output iterable ends. */
  readonly summary: ListFilterSummary;
}

const COMMA = Buffer.from(',');
const MANAGED_FIELDS_KEY = Buffer.from(',"managedFields":');

// Table rows carry their object under `object` (kubectl's `as=Table`); plain lists under `items`.
const ELEMENT_KEYS = new Set(['items', 'rows']);

const objectOf = (element: unknown, key: string): KubeObject =>
  (key === 'rows' ? (element as { object?: KubeObject }).object : (element as KubeObject)) ?? {};

/** Removes `metadata.remainingItemCount` from a list prefix that ends with `"<key>":[`. */
const prefixWithoutRemaining = (prefix: Buffer, key: string): Buffer => {
  const head = JSON.parse(`${prefix.toString('utf8')}]}`) as { metadata?: Record<string, unknown> };
  if (head.metadata) delete head.metadata.remainingItemCount;
  const text = JSON.stringify({ ...head, [key]: [] });
  return Buffer.from(text.slice(0, -2));
};

/**
 * Filters a JSON list (`{"kind":"...List","metadata":{...},"items":[...]}`) as it streams: finds item
 * boundaries with a byte scanner, parses only each item's own `metadata` to decide (the whole item for
 * Table rows, whose object sits deeper), and copies kept items' original bytes (never re-serialising
 * them; performance notes). The scanner jumps over string contents with `indexOf`: strings are most of
 * a list's bytes and only their closing quote matters. Memory stays bounded by the largest item,
 * except for a paginated chunk carrying `remainingItemCount`: that one is held whole so the count can
 * be dropped when items were removed (a count of hidden objects would leak, and be wrong). A body
 * without a top-level `items`/`rows` array (a Status) passes unchanged.
 */
export async function* filterJsonList(
  source: AsyncIterable<Uint8Array>,
  options: JsonListFilterOptions,
): AsyncGenerator<Buffer> {
  const { summary } = options;
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0; // next byte to scan in buf
  let depth = 0;
  let inString = false;
  let stringStart = -1;
  let lastKey = ''; // the last string closed at the list's top level: the key of what opens next
  let itemKey = ''; // the same at an item's top level
  let phase = 'prefix' as 'prefix' | 'items' | 'suffix';
  let elementKey = '';
  let elementStart = -1;
  let metadataStart = -1;
  let metadataEnd = -1;
  // The last array opened and closed at the top level of an item's metadata, to leave managedFields
  // out of what is parsed (see metadataText).
  let metadataArrayOpen = -1;
  let metadataArrayClose = -1;
  let held: Buffer[] | undefined; // output held back while remainingItemCount may need to go
  let prefix: Buffer = Buffer.alloc(0);
  let emitted = 0; // items written so far (for commas)
  const out: Buffer[] = [];
  const inMetadata = () => metadataStart >= 0 && metadataEnd < metadataStart;
  const emit = (bytes: Buffer) => {
    if (held) held.push(bytes);
    else out.push(bytes);
  };
  const parseText = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamMalformedError('a list item from the kube-apiserver is not valid JSON');
    }
  };
  const parse = (bytes: Buffer): unknown => parseText(bytes.toString('utf8'));
  // Only `metadata` decides (object-verdict.ts reads nothing else), so only it is parsed, and
  // without managedFields, often its largest part, when it is the last field (as the apiserver
  // writes it): `,"managedFields":[...]` then closes the metadata, and the text before it is
  // the metadata without it. The bytes sent to the client are untouched.
  const metadataText = (): string => {
    const keyStart = metadataArrayOpen - MANAGED_FIELDS_KEY.length;
    const last =
      metadataArrayOpen >= 0 &&
      metadataArrayClose === metadataEnd - 2 &&
      keyStart > metadataStart &&
      buf.subarray(keyStart, metadataArrayOpen).equals(MANAGED_FIELDS_KEY);
    return last
      ? `${buf.toString('utf8', metadataStart, keyStart)}}`
      : buf.toString('utf8', metadataStart, metadataEnd);
  };
  const objectToDecide = (item: Buffer): KubeObject =>
    metadataStart >= 0 && elementKey === 'items'
      ? { metadata: parseText(metadataText()) as KubeObject['metadata'] }
      : objectOf(parse(item), elementKey);
  const decideElement = async (bytes: Buffer) => {
    const object = objectToDecide(bytes);
    const verdict = options.keep(object);
    if (verdict === true || (verdict !== false && (await verdict))) {
      if (emitted > 0) emit(COMMA);
      emit(bytes);
      emitted++;
      summary.kept++;
      summary.shownKeys.push(objectKey(object));
    } else {
      summary.dropped++;
    }
  };

  for await (const chunk of source) {
    // A view, not a copy, when nothing is left over: every byte of a list passes through here.
    buf =
      buf.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([buf, chunk]);
    while (pos < buf.length) {
      if (inString) {
        const end = closingQuote(buf, pos, stringStart);
        if (end < 0) {
          pos = buf.length; // the string goes on in the next chunk
          break;
        }
        inString = false;
        pos = end + 1;
        if (depth === 1 && phase === 'prefix') lastKey = buf.toString('utf8', stringStart + 1, end);
        else if (depth === 3 && phase === 'items')
          itemKey = buf.toString('utf8', stringStart + 1, end);
        continue;
      }
      const byte = buf[pos]!;
      if (byte === QUOTE) {
        inString = true;
        stringStart = pos;
        pos++;
        continue;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth++;
        if (
          phase === 'prefix' &&
          depth === 2 &&
          byte === OPEN_BRACKET &&
          ELEMENT_KEYS.has(lastKey)
        ) {
          phase = 'items';
          elementKey = lastKey;
          prefix = buf.subarray(0, pos + 1);
          summary.resourceVersion = readResourceVersion(prefix);
          if (prefix.includes('"remainingItemCount"')) held = [];
          else emit(prefix);
          buf = buf.subarray(pos + 1);
          pos = 0;
          continue;
        }
        if (phase === 'items' && depth === 3) {
          elementStart = pos;
          metadataStart = -1;
          metadataEnd = -1;
          metadataArrayOpen = -1;
          metadataArrayClose = -1;
        } else if (
          phase === 'items' &&
          depth === 4 &&
          itemKey === 'metadata' &&
          byte === OPEN_BRACE
        ) {
          metadataStart = pos;
        } else if (phase === 'items' && depth === 5 && byte === OPEN_BRACKET && inMetadata()) {
          metadataArrayOpen = pos;
        }
        pos++;
        continue;
      }
      if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (phase === 'items' && depth === 4 && byte === CLOSE_BRACKET && inMetadata()) {
          metadataArrayClose = pos;
        } else if (phase === 'items' && depth === 3 && inMetadata()) {
          metadataEnd = pos + 1;
        } else if (phase === 'items' && depth === 2 && elementStart >= 0) {
          await decideElement(buf.subarray(elementStart, pos + 1));
          buf = buf.subarray(pos + 1);
          pos = 0;
          elementStart = -1;
          continue;
        } else if (phase === 'items' && depth === 1) {
          phase = 'suffix';
          buf = buf.subarray(pos);
          pos = 0;
        }
      }
      pos++;
    }
    if (phase === 'items' && elementStart < 0 && !inString) {
      // Only whitespace and commas between items remain: nothing to keep.
      buf = buf.subarray(pos);
      pos = 0;
    }
    // What is held now is one unfinished item (a string is never cut: its escapes look back).
    if (phase === 'items' && buf.length - Math.max(elementStart, 0) > options.maxItemBytes) {
      throw new FrameTooLargeError(options.maxItemBytes);
    }
    if (phase === 'suffix' && held === undefined && !inString) {
      emit(buf);
      buf = Buffer.alloc(0);
      pos = 0;
    }
    if (phase === 'prefix' && buf.length > options.maxItemBytes)
      throw new FrameTooLargeError(options.maxItemBytes);
    if (out.length > 0) yield Buffer.concat(out.splice(0));
  }
  if (phase === 'items')
    throw new UpstreamMalformedError('a list from the kube-apiserver ended inside its items');
  if (phase === 'prefix') {
    // Not a list (a Status, or `"items":null`): nothing to filter.
    yield buf;
    return;
  }
  if (held !== undefined) {
    const head = summary.dropped > 0 ? prefixWithoutRemaining(prefix, elementKey) : prefix;
    yield Buffer.concat([head, ...held, buf]);
    return;
  }
  if (buf.length > 0) yield buf;
}

const readResourceVersion = (prefix: Buffer): string | undefined =>
  /"resourceVersion"\s*:\s*"([^"]*)"/.exec(prefix.toString('utf8'))?.[1];
