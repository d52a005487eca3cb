export { LOCK_NAME_SEPARATOR, subsetLockName } from './lock-name.js';
export {
  createLockRewriter,
  type LockRequest,
  type LockRewriter,
  type LockRewriterOptions,
  type RewrittenLockRequest,
} from './lock-rewriter.js';
export { type LockIdentity, type LockTarget, lockTarget } from './lock-target.js';
export type { LockResponseMapper } from './response-mapper.js';
// The byte-level readers under the rewriter, as one namespace: `wire.WireFieldCursor`, `wire.QUOTE`.
export * as wire from './wire.js';
