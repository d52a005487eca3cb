import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { type HandoverPhase, parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { parse } from 'yaml';
import { readRequestInfo } from '../http/request-info.js';
import type { Exchange, ProxyResponse } from '../pipeline/exchange.js';
import type { Handler } from '../pipeline/stage.js';
import { makeSnapshot, makeStateSnapshot, type RouteSnapshot } from '../routes/route-snapshot.js';
import { SMALL_ANSWER_BYTES } from '../upstream/short-answer.js';

/** A VirtualApp from `routes/fixtures/<name>.yaml`. */
export const fixtureApp = (name: string): VirtualApp => {
  const text = readFileSync(new URL(`../routes/fixtures/${name}.yaml`, import.meta.url), 'utf8');
  const result = parseVirtualApp(parse(text));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};

/** The canary VirtualApp of the issue: v2 owns `ns-type=canary` or `^canary-`; system excluded. */
export const canaryApp = (): VirtualApp => fixtureApp('canary-vapp');

/** A snapshot of the canary app for a pod with these labels. */
export const canarySnapshot = (podLabels: Record<string, string>): RouteSnapshot =>
  makeSnapshot(canaryApp(), podLabels, 1);

/** The names the handover helpers give the canary app's two revisions. */
export const REVISION_BEFORE = 'sample-1111111111';
export const REVISION_AFTER = 'sample-2222222222';

/** The canary app widened to namespace `moving` as well (v2 takes it over from the default subset). */
export const widenedCanaryApp = (): VirtualApp => {
  const app = canaryApp();
  const rules = app.spec.route?.subRules ?? [];
  return {
    ...app,
    spec: {
      ...app.spec,
      route: {
        ...app.spec.route,
        subRules: rules.map((rule) => ({
          ...rule,
          match: [...rule.match, { namespaceRegex: '^moving$' }],
        })),
      },
    },
  };
};

/** The canary app with its subset `v2` renamed to `v3` (its pods change subset). */
export const renamedCanaryApp = (): VirtualApp => {
  const app = canaryApp();
  return {
    ...app,
    spec: {
      ...app.spec,
      subsets: (app.spec.subsets ?? []).map((subset) => ({ ...subset, name: 'v3' })),
    },
  };
};

/**
 * A snapshot of a handover from the canary app ({@link REVISION_BEFORE}) to `after` (the widened
 * app by default, {@link REVISION_AFTER}) in `phase`, for a pod with these labels.
 */
export const handoverSnapshot = (
  podLabels: Record<string, string>,
  phase: HandoverPhase = 'Revoking',
  after: VirtualApp = widenedCanaryApp(),
): RouteSnapshot =>
  makeStateSnapshot(
    {
      phase,
      previous: { app: canaryApp(), name: REVISION_BEFORE },
      current: { app: after, name: REVISION_AFTER },
    },
    podLabels,
    1,
  );

/** An exchange for `method url` with optional headers. */
export const anExchange = (
  method: string,
  url: string,
  headers: Record<string, string> = {},
): Exchange => {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const query = mark < 0 ? '' : url.slice(mark + 1);
  return {
    request: {
      method,
      path,
      query,
      headers,
      body: null,
      info: readRequestInfo(method, path, query),
    },
    signal: new AbortController().signal,
    id: 'test',
    report: { verb: method.toLowerCase(), resource: '', decision: 'unknown' },
  };
};

/** A terminal handler that answers with `body` (streamed in small chunks) and records what it got. */
export const cannedTerminal = (
  body: string | Buffer,
  status = 200,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Handler & { readonly seen: Exchange[] } => {
  const seen: Exchange[] = [];
  const handler = async (exchange: Exchange): Promise<ProxyResponse> => {
    seen.push(exchange);
    const bytes = Buffer.from(body);
    // As forward-upstream answers: a short request's small answer whole, anything else streamed.
    if (!exchange.request.info.longRunning && bytes.length <= SMALL_ANSWER_BYTES)
      return { status, headers, body: bytes };
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 50) chunks.push(bytes.subarray(i, i + 50));
    return { status, headers, body: Readable.from(chunks) };
  };
  return Object.assign(handler, { seen });
};

/** Reads a response body to text (`latin1` keeps binary bodies byte for byte). */
export const bodyText = async (
  response: ProxyResponse,
  encoding: BufferEncoding = 'utf8',
): Promise<string> => {
  const { body } = response;
  if (body === null) return '';
  if (body instanceof Uint8Array) return Buffer.from(body).toString(encoding);
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString(encoding);
};
