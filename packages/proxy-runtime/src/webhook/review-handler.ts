import type { Agent } from 'node:https';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { webhookFailover, webhookReview } from '../observe/channels.js';
import type { Policies } from '../policies/policy-store.js';
import type { Routes } from '../routes/route-store.js';
import { admissionFaults } from './admission-faults.js';
import {
  type AdmissionReviewReply,
  allowed,
  denied,
  failed,
  type WebhookFailure,
  type WebhookFailurePolicy,
} from './admission-response.js';
import { type AdmissionReview, parseAdmissionReview, reviewIdentity } from './admission-review.js';
import type { PeerRotation } from './peer-rotation.js';
import { type PostOutcome, postReview, type ReviewAnswer } from './post-review.js';
import { routeReview } from './review-route.js';
import type { WebhookPeers } from './webhook-peers.js';

/**
 * Marks a review one proxy already forwarded: the receiving front serves it locally and never
 * forwards it again, so two proxies whose routes briefly disagree cannot bounce it between them.
 */
export const FORWARDED_BY_HEADER = 'x-ctrlmesh-forwarded-by';

/** What the review handler needs. */
export interface ReviewHandlerDeps {
  readonly routes: Routes;
  readonly namespaces: NamespaceLabels;
  readonly peers: WebhookPeers;
  readonly rotation: PeerRotation;
  readonly agent: Agent;
  /** The CA that verifies the controller's webhook and the peers' fronts. */
  readonly ca: () => string;
  /** `https://127.0.0.1:<port>` of this pod's controller webhook. */
  readonly controllerOrigin: string;
  readonly podName: string;
  readonly failurePolicy: WebhookFailurePolicy;
  readonly attemptTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxBytes: number;
  /** FaultInjections' admission faults (DESIGN §8); none when absent. */
  readonly policies?: Policies | undefined;
}

/** One review as the front received it. */
export interface IncomingReview {
  readonly body: Buffer;
  /** Path and query as sent (the proxy does not route on the path; it keeps it when forwarding). */
  readonly path: string;
  /** The host the apiserver called, without the port: the name the webhook's certificate carries. */
  readonly serverName: string;
  readonly forwardedBy: string | undefined;
  readonly signal?: AbortSignal;
}

const json = (reply: AdmissionReviewReply): ReviewAnswer => ({
  status: 200,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(reply)),
});

/**
 * Answers one review: decides who owns its object, then answers at once (excluded), asks this pod's
 * controller (owned here), or asks a pod of the owning subset, round robin with failover. Whatever
 * goes wrong in the proxy becomes a well-formed reply under the failure policy; the apiserver never
 * sees a reply without the request's uid.
 */
export const reviewHandler = (deps: ReviewHandlerDeps) => {
  const faults =
    deps.policies === undefined
      ? undefined
      : admissionFaults({ policies: deps.policies, namespaces: deps.namespaces });
  return async (incoming: IncomingReview): Promise<ReviewAnswer> => {
    const started = performance.now();
    const deadline = started + deps.totalTimeoutMs;
    const parsed = parseAdmissionReview(incoming.body);
    const publish = (decision: string, owner: string, answer: ReviewAnswer, apiVersion: string) => {
      webhookReview.publish({
        decision,
        owner,
        apiVersion,
        code: answer.status,
        durationMs: performance.now() - started,
      });
      return answer;
    };
    if (!parsed.ok) {
      // Without a uid no reply can be matched: a 400 lets the apiserver apply the webhook's own policy.
      const identity = reviewIdentity(incoming.body);
      const failure: WebhookFailure = {
        code: 400,
        reason: 'BadRequest',
        message: `ctrlmesh-proxy cannot read this AdmissionReview: ${parsed.problem}`,
      };
      const answer =
        identity === undefined
          ? { status: 400, contentType: 'text/plain', body: Buffer.from(failure.message) }
          : json(failed(identity, deps.failurePolicy, failure));
      return publish('invalid', '', answer, identity?.apiVersion ?? '');
    }
    const review = parsed.value;
    const fail = (owner: string, failure: WebhookFailure) =>
      publish(
        'failed',
        owner,
        incoming.forwardedBy === undefined
          ? json(failed(review, deps.failurePolicy, failure))
          : // A 503 lets the forwarding proxy fail over to another pod; it applies the policy at the end.
            { status: 503, contentType: 'text/plain', body: Buffer.from(failure.message) },
        review.apiVersion,
      );
    // Only where the apiserver called: a review forwarded by another front met its faults there.
    if (faults !== undefined && incoming.forwardedBy === undefined) {
      const denial = await faults(review.request, incoming.signal);
      if (denial !== undefined)
        return publish('fault', '', json(denied(review, denial)), review.apiVersion);
    }
    const route = await routeReview(deps.routes.current(), deps.namespaces, review.request);
    if (route.kind === 'excluded') {
      return publish('excluded', '', json(allowed(review)), review.apiVersion);
    }
    if (route.kind === 'failed') return fail('', route.failure);
    const attempt = (origin: string, headers: Record<string, string> = {}): Promise<PostOutcome> =>
      postReview(
        { origin, path: incoming.path, ca: deps.ca(), serverName: incoming.serverName },
        incoming.body,
        {
          agent: deps.agent,
          timeoutMs: Math.max(1, Math.min(deps.attemptTimeoutMs, deadline - performance.now())),
          maxBytes: deps.maxBytes,
          signal: incoming.signal,
          headers,
        },
      );
    if (route.kind === 'local' || incoming.forwardedBy !== undefined) {
      const outcome = await attempt(deps.controllerOrigin);
      if (outcome.ok) return publish('local', route.owner, outcome.answer, review.apiVersion);
      return fail(route.owner, {
        code: 503,
        reason: 'ServiceUnavailable',
        message: `the webhook of controller pod ${deps.podName} failed: ${outcome.problem}`,
      });
    }
    return forward(review, route.owner, attempt, deadline, deps, (answer) =>
      publish('forwarded', route.owner, answer, review.apiVersion),
    ).then((result) => (result.ok ? result.answer : fail(route.owner, result.failure)));
  };
};

const forward = async (
  review: AdmissionReview,
  owner: string,
  attempt: (origin: string, headers: Record<string, string>) => Promise<PostOutcome>,
  deadline: number,
  deps: ReviewHandlerDeps,
  done: (answer: ReviewAnswer) => ReviewAnswer,
): Promise<{ ok: true; answer: ReviewAnswer } | { ok: false; failure: WebhookFailure }> => {
  const order = deps.rotation.order(owner, deps.peers.peers(owner));
  const subsetName = owner.startsWith('(')
    ? `the ${owner.slice(1, -1)} subset`
    : `subset "${owner}"`;
  if (order.length === 0) {
    return {
      ok: false,
      failure: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: `${review.request.resource.resource} belongs to ${subsetName}, which has no ready webhook pod known to ctrlmesh-proxy ${deps.podName}`,
      },
    };
  }
  const problems: string[] = [];
  for (const origin of order) {
    if (performance.now() >= deadline) break;
    const outcome = await attempt(origin, { [FORWARDED_BY_HEADER]: deps.podName });
    if (outcome.ok) return { ok: true, answer: done(outcome.answer) };
    problems.push(outcome.problem);
    webhookFailover.publish({ owner, peer: origin, problem: outcome.problem });
    if (!outcome.retryable) break;
  }
  return {
    ok: false,
    failure: {
      code: 503,
      reason: 'ServiceUnavailable',
      message: `no webhook pod of ${subsetName} answered: ${problems.join('; ') || 'out of time'}`,
    },
  };
};
