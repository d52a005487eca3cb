import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineProxyConfig, ProxyConfigSchema } from './config.js';

const minimal = {
  pod: { name: 'ctrl-0', namespace: 'system' },
  upstream: { url: 'https://10.0.0.1:6443' },
};

describe('ProxyConfigSchema', () => {
  it('fills in every default from a minimal config', () => {
    expect(defineProxyConfig(minimal)).toEqual({
      pod: { name: 'ctrl-0', namespace: 'system', labels: {} },
      listen: { host: '127.0.0.1', port: 5443, tls: { mode: 'none' } },
      admin: { host: '127.0.0.1', port: 5441 },
      upstream: {
        url: 'https://10.0.0.1:6443',
        insecureSkipTlsVerify: false,
        connections: 64,
        longRunningConnections: 1024,
        http2: false,
        keepAliveTimeoutMs: 30_000,
        headersTimeoutMs: 60_000,
        bodyTimeoutMs: 60_000,
      },
      credentials: {},
      routes: { maxFileBytes: 1024 * 1024 },
      policies: {},
      limits: { maxFrameBytes: 16 * 1024 * 1024, maxListBytes: 256 * 1024 * 1024 },
      shutdown: { drainTimeoutMs: 30_000 },
      log: { level: 'info' },
    });
  });

  it('reports every problem with its path', () => {
    const result = ProxyConfigSchema.safeParse({
      pod: { name: '' },
      upstream: { url: 'ftp://x' },
      listen: { tls: { mode: 'files', certFile: 'c' } },
    });
    expect(result.success).toBe(false);
    const text = z.prettifyError(result.error!);
    expect(text).toContain('pod.name');
    expect(text).toContain('pod.namespace');
    expect(text).toContain('upstream.url');
    expect(text).toContain('listen.tls.keyFile');
  });
});
