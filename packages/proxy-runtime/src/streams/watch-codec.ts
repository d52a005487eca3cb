import type { KubeObject } from './kube-object.js';
import type { WatchEvent } from './watch-visibility.js';

/** One decoded watch frame: the event, and the frame's own bytes for forwarding unchanged. */
export interface DecodedFrame {
  readonly event: WatchEvent;
  readonly frame: Buffer;
}

/**
 * How a watch stream is framed and encoded (JSON lines, or Kubernetes protobuf `;stream=watch`
 * frames). The filter in `watch-filter.ts` is the same for both.
 */
export interface WatchCodec {
  /** Cuts the complete frames off the front of `buffered`; `rest` is what is still incomplete. */
  split(buffered: Buffer): { readonly frames: Buffer[]; readonly rest: Buffer };
  decode(frame: Buffer): DecodedFrame;
  /**
   * The event with another type (an object moving into or out of the slice), from `decoded.event`
   * where the codec can encode it (JSON: so a Table can gain its columns) or else from its bytes.
   */
  retype(decoded: DecodedFrame, type: WatchEvent['type']): Buffer;
  /** A BOOKMARK whose object carries only `object`'s kind and resourceVersion. */
  bookmark(decoded: DecodedFrame, object: KubeObject): Buffer;
  /** An ERROR event carrying the metav1.Status for `error`. */
  error(error: unknown): Buffer;
}
