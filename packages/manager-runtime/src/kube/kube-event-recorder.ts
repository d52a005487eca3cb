import { randomBytes } from 'node:crypto';
import type { Clock } from '@ctrlmesh/runtime-support';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { EventRecorder } from '../controller/ports.js';

/** What the apiserver keeps of an Event's message at most. */
const MAX_MESSAGE = 1024;

/**
 * Events through the core `v1` API, which `kubectl describe` and `kubectl events` read: its
 * timestamps are plain RFC 3339 times (events.k8s.io wants microseconds, which client-node does
 * not write). Each event is its own object; the manager records only transitions, so there is
 * nothing to aggregate.
 */
export const kubeEventRecorder = (
  core: CoreV1Api,
  identity: string,
  clock: Clock,
): EventRecorder => ({
  async record(object, event) {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    const now = new Date(clock.now());
    await core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: 'VirtualApp',
          name,
          namespace,
          uid: object.metadata?.uid,
          resourceVersion: object.metadata?.resourceVersion,
        },
        type: event.type,
        reason: event.reason,
        message:
          event.message.length > MAX_MESSAGE
            ? `${event.message.slice(0, MAX_MESSAGE - 3)}...`
            : event.message,
        source: { component: 'ctrlmesh-manager' },
        reportingComponent: 'ctrlmesh.io/manager',
        reportingInstance: identity,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  },
});
