import { X509Certificate } from 'node:crypto';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../observe/log.js';
import type { KeyPair } from './certificate-authority.js';
import { splitPem } from './certificate-bundle.js';
import {
  type CaBundleTarget,
  type CertificateSecretStore,
  SecretConflict,
  type StoredSecret,
} from './certificate-ports.js';
import type { RotationOptions } from './plan-rotation.js';
import { createWebhookCertificates } from './webhook-certificates.js';

const second = 1000;
const rotation: RotationOptions = {
  hosts: ['ctrlmesh-manager.ctrlmesh-system.svc', '127.0.0.1'],
  validityMs: 100 * second,
  renewBeforeMs: 40 * second,
  overlapMs: 10 * second,
};

/** A Secret in memory, with writes counted and guarded by resourceVersion like the apiserver's. */
class MemoryStore implements CertificateSecretStore {
  secret: StoredSecret | undefined;
  writes = 0;
  current() {
    return this.secret;
  }
  async write(data: Record<string, string>, resourceVersion: string | undefined) {
    if (resourceVersion !== this.secret?.resourceVersion) throw new SecretConflict('certs');
    this.writes += 1;
    this.secret = { data, resourceVersion: String(this.writes) };
    return this.secret;
  }
}

/** The caBundle of the webhook configurations; `failing` makes writes fail. */
class MemoryCaBundles implements CaBundleTarget {
  pem = '';
  failing = false;
  async ensure(pem: string) {
    if (this.failing) throw new Error('apiserver away');
    if (pem === this.pem) return [];
    this.pem = pem;
    return ['ValidatingWebhookConfiguration/ctrlmesh'];
  }
}

const trusts = (bundlePem: string, served: KeyPair | undefined) => {
  if (served === undefined) return false;
  const cert = new X509Certificate(served.certPem);
  return splitPem(bundlePem).some((pem) => {
    const ca = new X509Certificate(pem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  });
};

const replica = (
  store: CertificateSecretStore,
  caBundles: CaBundleTarget,
  clock: ManualClock,
  leader: { value: boolean },
) => {
  const state: { served?: KeyPair; loads: number } = { loads: 0 };
  const certificates = createWebhookCertificates({
    store,
    caBundles,
    rotation,
    tickMs: 5 * second,
    clock,
    log: silentLogger,
    isLeader: () => leader.value,
    serve: (pair) => {
      state.served = pair;
      state.loads += 1;
    },
  });
  return { certificates, state };
};

describe('createWebhookCertificates', () => {
  it('lets only the leader write, and every replica serve what the Secret holds', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const store = new MemoryStore();
    const caBundles = new MemoryCaBundles();
    const follower = replica(store, caBundles, clock, { value: false });
    await follower.certificates.sync();
    expect(store.writes).toBe(0);
    expect(follower.state.served).toBeUndefined();

    const leader = replica(store, caBundles, clock, { value: true });
    await leader.certificates.sync();
    expect(store.writes).toBe(1);
    expect(trusts(caBundles.pem, leader.state.served)).toBe(true);

    await follower.certificates.sync();
    expect(follower.state.served).toEqual(leader.state.served);
    await follower.certificates.sync();
    expect(follower.state.loads).toBe(1);
  });

  it('keeps every replica trusted by the caBundle through rotations, step by step', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const store = new MemoryStore();
    const caBundles = new MemoryCaBundles();
    const isLeader = { value: true };
    const leader = replica(store, caBundles, clock, isLeader);
    const follower = replica(store, caBundles, clock, { value: false });
    const stop = new AbortController();
    const running = Promise.all([
      leader.certificates.run(stop.signal),
      follower.certificates.run(stop.signal),
    ]);
    const servings = new Set<string>();
    for (let t = 0; t < 190; t += 1) {
      await clock.advance(second);
      // The follower watches the Secret: a change wakes it.
      follower.certificates.notify();
      await clock.advance(0);
      expect(trusts(caBundles.pem, leader.state.served), `leader at ${t}s`).toBe(true);
      expect(trusts(caBundles.pem, follower.state.served), `follower at ${t}s`).toBe(true);
      if (leader.state.served) servings.add(leader.state.served.certPem);
    }
    // Created at 0, renewed at about 70 and 140 (staged 60 and 130): three certificates served.
    expect(servings.size).toBe(3);
    expect(store.writes).toBe(7);
    stop.abort();
    await running;
  });

  it('does not move to a staged CA while the caBundle cannot be written', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const store = new MemoryStore();
    const caBundles = new MemoryCaBundles();
    const leader = replica(store, caBundles, clock, { value: true });
    await leader.certificates.sync();
    await clock.advance(60 * second);
    await leader.certificates.sync(); // stages a new CA and trusts it
    expect(splitPem(caBundles.pem)).toHaveLength(2);
    const servedBefore = leader.state.served;
    caBundles.failing = true;
    caBundles.pem = '';
    await clock.advance(20 * second);
    await expect(leader.certificates.sync()).rejects.toThrow('apiserver away');
    expect(leader.state.served).toBe(servedBefore);
    caBundles.failing = false;
    await leader.certificates.sync();
    expect(leader.state.served).not.toBe(servedBefore);
    expect(trusts(caBundles.pem, leader.state.served)).toBe(true);
  });

  it('reuses the stored Secret after a restart', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const store = new MemoryStore();
    const caBundles = new MemoryCaBundles();
    const first = replica(store, caBundles, clock, { value: true });
    await first.certificates.sync();
    await clock.advance(30 * second);
    const restarted = replica(store, caBundles, clock, { value: true });
    await restarted.certificates.sync();
    expect(store.writes).toBe(1);
    expect(restarted.state.served).toEqual(first.state.served);
  });

  it('replaces a Secret whose parts do not belong together', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const store = new MemoryStore();
    store.secret = { data: { 'tls.crt': 'garbage' }, resourceVersion: '0' };
    const caBundles = new MemoryCaBundles();
    const leader = replica(store, caBundles, clock, { value: true });
    await leader.certificates.sync();
    expect(store.writes).toBe(1);
    expect(trusts(caBundles.pem, leader.state.served)).toBe(true);
  });
});
