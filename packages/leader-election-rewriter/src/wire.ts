/**
 * `wire`, exported from the package's entry as a namespace: the byte-level readers under the lock
 * rewriter, for code that reads the same Kubernetes bodies (the proxy's list and watch filters):
 * protobuf fields, the `k8s\0` envelope magic, and JSON's structural bytes. Pure and
 * allocation-light; Uint8Array in.
 */

// All of json-bytes.ts is public: closingQuote and the byte constants (QUOTE, BACKSLASH, COMMA,
// COLON, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET).
export * from './json-bytes.js';
export { hasK8sMagic, K8S_PROTOBUF_MAGIC } from './protobuf-envelope.js';
export {
  encodeVarint,
  LENGTH_DELIMITED,
  type WireField,
  WireFieldCursor,
} from './protobuf-wire.js';
