import { describe, expect, it } from 'vitest';
import { withoutHopByHop } from './hop-by-hop.js';

describe('withoutHopByHop', () => {
  it('drops connection-specific headers and those named in Connection', () => {
    expect(
      withoutHopByHop({
        connection: 'keep-alive, x-trace',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        host: '127.0.0.1:5443',
        'x-trace': '1',
        accept: 'application/json',
      }),
    ).toEqual({ accept: 'application/json' });
  });

  it('drops Connection itself whatever its usual value', () => {
    for (const connection of ['keep-alive', 'Keep-Alive', 'close'])
      expect(withoutHopByHop({ connection, accept: 'application/json' })).toEqual({
        accept: 'application/json',
      });
  });

  it("forwards the client's own Authorization unchanged", () => {
    expect(withoutHopByHop({ authorization: 'Bearer abc' })).toEqual({
      authorization: 'Bearer abc',
    });
  });
});
