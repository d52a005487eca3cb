import {
  type ProxyError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamUntrustedError,
} from '../status/proxy-error.js';

// undici and Node codes that mean "could not talk to the apiserver" rather than "it said no".
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

// Node's codes for a certificate its TLS client refused: OpenSSL's verification results (without
// their X509_V_ERR_ prefix) and Node's own host name check.
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The `code` of a thrown value, when it has a string one. */
const codeOf = (error: unknown): string | undefined => {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** True when `error` is a TLS client's refusal of the apiserver's certificate. */
export const isUntrustedCertificate = (error: unknown): boolean => {
  const code = codeOf(error);
  return code !== undefined && UNTRUSTED.has(code);
};

// Node 24 appends this to some verification failures. It advises a Node flag that trusts the
// host's CA store; for the proxy the fix is its upstream CA, which the message names instead.
const SYSTEM_CA_HINT =
  /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/;

/** The message of a certificate refusal, without Node's advice on how to start Node. */
export const untrustedDetail = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(SYSTEM_CA_HINT, '');

/**
 * What an error from talking to the kube-apiserver (undici's, or Node's beneath it) means for the
 * controller: unavailable (503), too slow (504), or a certificate this proxy does not trust (503,
 * with its own code and message); undefined for anything else. The forwarder translates its own
 * failures with it, and `statusFor` the ones that surface later, inside a streamed answer (a
 * watch whose apiserver died), so that neither becomes a 500.
 */
export const upstreamFailure = (error: unknown): ProxyError | undefined => {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (UNAVAILABLE.has(code)) return new UpstreamUnavailableError(`${code}: ${message}`);
  if (TIMEOUT.has(code)) return new UpstreamTimeoutError(`${code}: ${message}`);
  if (UNTRUSTED.has(code)) return new UpstreamUntrustedError(code, untrustedDetail(error));
  return undefined;
};
