import { UpstreamMalformedError } from '../status/proxy-error.js';
import { statusFor } from '../status/status-for.js';
import type { WatchCodec } from './watch-codec.js';
import type { WatchEvent } from './watch-visibility.js';

const NEWLINE = 0x0a;

const line = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value)}\n`);

/** JSON watch streams: one event per line, as the apiserver's encoder writes them. */
export const jsonWatchCodec: WatchCodec = {
  split: (buffered) => {
    const frames: Buffer[] = [];
    let start = 0;
    for (let nl = buffered.indexOf(NEWLINE); nl >= 0; nl = buffered.indexOf(NEWLINE, start)) {
      if (nl > start) frames.push(buffered.subarray(start, nl + 1));
      start = nl + 1;
    }
    return { frames, rest: buffered.subarray(start) };
  },
  decode: (frame) => {
    try {
      return { event: JSON.parse(frame.toString('utf8')) as WatchEvent, frame };
    } catch {
      throw new UpstreamMalformedError('a watch event from the kube-apiserver is not valid JSON');
    }
  },
  retype: ({ event }, type) => line({ type, object: event.object }),
  bookmark: (_decoded, object) => line({ type: 'BOOKMARK', object }),
  error: (error) => line({ type: 'ERROR', object: statusFor(error).status }),
};
