import { describe, expect, it } from 'vitest';
import { readRequestInfo } from '../http/request-info.js';
import type { Exchange, ProxyResponse } from './exchange.js';
import { chain, compose, type Handler, type Stage } from './stage.js';

const anExchange = (): Exchange => ({
  request: {
    method: 'GET',
    path: '/api/v1/pods',
    query: '',
    headers: {},
    body: null,
    info: readRequestInfo('GET', '/api/v1/pods', ''),
  },
  signal: new AbortController().signal,
  id: 't1',
  report: { verb: 'get', resource: 'pods', decision: 'unknown' },
});

const ok = (body: string): ProxyResponse => ({
  status: 200,
  headers: {},
  body: new TextEncoder().encode(body),
});

const recording =
  (name: string, log: string[]): Stage =>
  (next) =>
  async (exchange) => {
    log.push(`${name} request`);
    const response = await next(exchange);
    log.push(`${name} response`);
    return response;
  };

describe('compose', () => {
  it('lets the first stage in the list see the request first and the response last', async () => {
    const log: string[] = [];
    const terminal: Handler = async () => {
      log.push('terminal');
      return ok('done');
    };
    const handler = compose([recording('a', log), recording('b', log)], terminal);
    await handler(anExchange());
    expect(log).toEqual(['a request', 'b request', 'terminal', 'b response', 'a response']);
  });

  it('returns the terminal itself when there are no stages', async () => {
    const terminal: Handler = async () => ok('alone');
    expect(compose([], terminal)).toBe(terminal);
  });

  it('lets a stage answer without calling the next one', async () => {
    let reached = false;
    const refuse: Stage = () => async () => ({ status: 403, headers: {}, body: null });
    const handler = compose([refuse], async () => {
      reached = true;
      return ok('never');
    });
    expect((await handler(anExchange())).status).toBe(403);
    expect(reached).toBe(false);
  });
});

describe('chain', () => {
  it('hands what a stage learned to the stages after it', async () => {
    type Tagged = Exchange & { readonly tag: string };
    const tag: Stage<Exchange, Tagged> = (next) => (exchange) => next({ ...exchange, tag: 'seen' });
    const handler = chain<Exchange>()
      .use(tag)
      .to(async (exchange) => ok(exchange.tag));
    const response = await handler(anExchange());
    expect(new TextDecoder().decode(response.body as Uint8Array)).toBe('seen');
  });
});
