import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  CircuitOpenError,
  DefaultOnlyUserAgentError,
  ExcludedError,
  FrameTooLargeError,
  InjectedFaultError,
  isProxyError,
  MixedSliceError,
  NoRoutesYetError,
  OutsideSliceError,
  type ProxyError,
  RateLimitedError,
  UnreadableBodyError,
  UpstreamMalformedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamUntrustedError,
  WatchExpiredError,
} from './proxy-error.js';
import { statusFor } from './status-for.js';

const cm = { group: '', resource: 'configmaps', namespace: 'canary-a', name: 'foo' };

const cases: [ProxyError, number, string][] = [
  [new OutsideSliceError(cm, 'v2', DEFAULT_SUBSET), 403, 'Forbidden'],
  [new ExcludedError(cm), 403, 'Forbidden'],
  [new DefaultOnlyUserAgentError('warmer', 'v2'), 403, 'Forbidden'],
  [new NoRoutesYetError(), 503, 'ServiceUnavailable'],
  [new BadRequestError('bad path'), 400, 'BadRequest'],
  [new UpstreamUnavailableError('ECONNREFUSED'), 503, 'ServiceUnavailable'],
  [
    new UpstreamUntrustedError('CERT_HAS_EXPIRED', 'certificate has expired'),
    503,
    'ServiceUnavailable',
  ],
  [new UpstreamTimeoutError('headers'), 504, 'Timeout'],
  [new UpstreamMalformedError('bad json'), 502, 'InternalError'],
  [new FrameTooLargeError(1024), 500, 'InternalError'],
  [new WatchExpiredError('routes changed'), 410, 'Expired'],
  [new MixedSliceError(cm), 403, 'Forbidden'],
  [new UnreadableBodyError('protobuf'), 415, 'UnsupportedMediaType'],
  [new RateLimitedError('ops/protect', 'all', 'RateLimited', 2), 429, 'TooManyRequests'],
  [new CircuitOpenError('ops/protect', 'writes', 'Open', 30), 503, 'ServiceUnavailable'],
  [
    new InjectedFaultError({ code: 409, reason: 'Conflict', message: 'injected by ops/chaos' }),
    409,
    'Conflict',
  ],
];

describe('statusFor', () => {
  it.each(cases)('maps %s to its code and reason', (error, code, reason) => {
    const { status, unexpected } = statusFor(error);
    expect(unexpected).toBe(false);
    expect(status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code,
      reason,
    });
    expect(status.message).toBe(error.message);
  });

  it("names the owning subset and this pod's subset in a 403", () => {
    const { status } = statusFor(new OutsideSliceError(cm, 'v2', DEFAULT_SUBSET));
    expect(status.message).toBe(
      'configmaps "foo" in namespace "canary-a" belongs to subset "v2"; this pod serves the default subset (ctrlmesh)',
    );
  });

  it('tells clients when to retry past a rate limit, an open breaker or an injected 429', () => {
    expect(
      statusFor(new RateLimitedError('a/b', 'c', 'TooManyInFlight', 1)).status.details,
    ).toEqual({
      retryAfterSeconds: 1,
    });
    expect(statusFor(new CircuitOpenError('a/b', 'c', 'HalfOpen', 7)).status.details).toEqual({
      retryAfterSeconds: 7,
    });
    const throttled = new InjectedFaultError({
      code: 429,
      reason: 'TooManyRequests',
      message: 'injected',
      details: { retryAfterSeconds: 2 },
    });
    expect(statusFor(throttled).status).toMatchObject({
      code: 429,
      details: { retryAfterSeconds: 2 },
    });
  });

  it('tells clients when to retry a 503', () => {
    expect(statusFor(new NoRoutesYetError()).status.details).toEqual({ retryAfterSeconds: 1 });
  });

  it('answers 503, not 500, when the apiserver went away in the middle of a watch (issue 9)', () => {
    // What undici's body stream fails with when the apiserver's side of the connection closes.
    const { status, unexpected } = statusFor(new errors.SocketError('other side closed'));
    expect(unexpected).toBe(false);
    expect(status).toMatchObject({ code: 503, reason: 'ServiceUnavailable' });
    expect(status.message).toBe(
      'the kube-apiserver is unavailable through ctrlmesh-proxy: UND_ERR_SOCKET: other side closed',
    );
    expect(
      statusFor(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    ).toMatchObject({
      unexpected: false,
      status: { code: 503 },
    });
  });

  it('answers 504 when the apiserver stalls in the middle of an answer', () => {
    const { status, unexpected } = statusFor(new errors.BodyTimeoutError());
    expect(unexpected).toBe(false);
    expect(status).toMatchObject({ code: 504, reason: 'Timeout' });
  });

  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"],
  ])(
    'answers 503 naming the cause when the apiserver certificate fails verification with %s (issue 9)',
    (code, message) => {
      const { status, unexpected } = statusFor(Object.assign(new Error(message), { code }));
      expect(unexpected).toBe(false);
      expect(status).toMatchObject({
        code: 503,
        reason: 'ServiceUnavailable',
        details: { retryAfterSeconds: 1 },
      });
      expect(status.message).toBe(
        `ctrlmesh-proxy does not trust the kube-apiserver's certificate (${code}: ${message}); check the proxy's upstream CA (--upstream-ca-file or --kubeconfig)`,
      );
    },
  );

  it("leaves out Node 24's --use-system-ca hint, which points away from the proxy's upstream CA (issue 13)", () => {
    const refusal = Object.assign(
      new Error(
        'self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
      ),
      { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    );
    expect(statusFor(refusal).status.message).toBe(
      "ctrlmesh-proxy does not trust the kube-apiserver's certificate (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate); check the proxy's upstream CA (--upstream-ca-file or --kubeconfig)",
    );
  });

  it('turns anything unknown into 500 InternalError without leaking its message', () => {
    const { status, unexpected } = statusFor(new TypeError('secret token abc'));
    expect(unexpected).toBe(true);
    expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(status.message).not.toContain('abc');
  });

  it('recognises proxy errors by brand, not by class identity', () => {
    const foreign = { [Symbol.for('ctrlmesh.proxy-runtime.ProxyError')]: true };
    expect(isProxyError(foreign)).toBe(true);
    expect(isProxyError(new Error('x'))).toBe(false);
  });
});

describe('statusFor with a foreign copy', () => {
  it('treats an unknown code from another copy as unexpected', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('ctrlmesh.proxy-runtime.ProxyError')]: true,
      code: 'SOMETHING_NEW',
    });
    expect(statusFor(foreign)).toMatchObject({ unexpected: true, status: { code: 500 } });
  });
});
