import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatApiPath, methodForVerb, parseApiPath } from './api-path.js';
import { arbResourceRequest } from './testing/index.js';

describe('API path invariants', () => {
  it('round-trips: parsing a formatted request gives the request back', () => {
    fc.assert(
      fc.property(arbResourceRequest(), (request) => {
        expect(parseApiPath(methodForVerb(request.verb)!, formatApiPath(request))).toEqual(request);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws, and formatting what it parsed reads back the same', () => {
    const segment = fc.constantFrom(
      'api',
      'apis',
      'v1',
      'namespaces',
      'ns',
      'pods',
      'watch',
      'status',
      'x',
      '%2F',
      '%',
      '',
    );
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.array(segment, { maxLength: 7 }),
        fc.constantFrom('', 'watch=1', 'watch=false'),
        (method, segments, query) => {
          const parsed = parseApiPath(method, `/${segments.join('/')}${query ? `?${query}` : ''}`);
          if (parsed.kind === 'resource') {
            // A path read with the legacy /watch/ prefix keeps its verb whatever the method.
            const methodBack = methodForVerb(parsed.verb) ?? method;
            expect(parseApiPath(methodBack, formatApiPath(parsed))).toEqual(parsed);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
