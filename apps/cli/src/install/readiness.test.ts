import { describe, expect, it } from 'vitest';
import {
  caBundleReadiness,
  crdReadiness,
  deploymentReadiness,
  webhooksAwaitingCa,
} from './readiness.js';

const deployment = (generation: number, replicas: number, status: Record<string, unknown>) => ({
  metadata: { generation },
  spec: { replicas },
  status,
});

describe('judging a Deployment as kubectl rollout status does', () => {
  it('waits until the controller has seen the latest generation', () => {
    expect(
      deploymentReadiness(
        deployment(3, 2, {
          observedGeneration: 2,
          updatedReplicas: 2,
          availableReplicas: 2,
          replicas: 2,
        }),
      ),
    ).toEqual({
      state: 'waiting',
      message: 'the deployment controller has not seen generation 3 yet',
    });
  });

  it('waits for updated replicas, then old ones to go, then updated ones to be available', () => {
    const at = (status: Record<string, unknown>) =>
      deploymentReadiness(deployment(2, 3, { observedGeneration: 2, ...status })).message;
    expect(at({ replicas: 3, updatedReplicas: 1, availableReplicas: 3 })).toBe(
      '1 of 3 replicas updated',
    );
    expect(at({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 })).toBe(
      '1 old replica pending termination',
    );
    expect(at({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 })).toBe(
      '2 of 3 replicas available',
    );
    expect(
      deploymentReadiness(
        deployment(2, 3, {
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 3,
          availableReplicas: 3,
        }),
      ),
    ).toEqual({
      state: 'ready',
      message: 'rolled out, 3 of 3 replicas available',
    });
  });

  it('reads a missing replicas as 1 and a missing status as nothing running', () => {
    expect(deploymentReadiness({ metadata: { generation: 1 }, spec: {} }).message).toBe(
      'the deployment controller has not seen generation 1 yet',
    );
    expect(deploymentReadiness({ metadata: {}, spec: {} }).message).toBe('0 of 1 replicas updated');
  });

  it('gives up on a rollout past its progress deadline', () => {
    const stuck = deployment(1, 2, {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "x" has timed out progressing.',
        },
      ],
    });
    expect(deploymentReadiness(stuck)).toEqual({
      state: 'failed',
      message: 'exceeded its progress deadline: ReplicaSet "x" has timed out progressing.',
    });
  });
});

describe('judging CRDs and webhook configurations', () => {
  it('calls a CRD ready once Established, and failed when its names are refused', () => {
    expect(crdReadiness({}).state).toBe('waiting');
    expect(
      crdReadiness({ status: { conditions: [{ type: 'Established', status: 'True' }] } }).state,
    ).toBe('ready');
    expect(
      crdReadiness({
        status: { conditions: [{ type: 'NamesAccepted', status: 'False', message: 'taken' }] },
      }),
    ).toEqual({ state: 'failed', message: 'names not accepted: taken' });
  });

  it('waits only for the webhooks that call a Service without a caBundle', () => {
    const manifest = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'w' },
      webhooks: [
        { name: 'a', clientConfig: { service: { name: 's' } } },
        { name: 'b', clientConfig: { service: { name: 's' }, caBundle: 'Q0E=' } },
        { name: 'c', clientConfig: { url: 'https://x' } },
      ],
    };
    expect(webhooksAwaitingCa(manifest)).toEqual(['a']);
    expect(caBundleReadiness({ webhooks: [{ name: 'a', clientConfig: {} }] }, ['a']).message).toBe(
      'no caBundle yet for a (the manager writes it once it runs)',
    );
    expect(
      caBundleReadiness({ webhooks: [{ name: 'a', clientConfig: { caBundle: 'Q0E=' } }] }, ['a'])
        .state,
    ).toBe('ready');
  });
});
