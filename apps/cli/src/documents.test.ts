import { describe, expect, it } from 'vitest';
import { formatProblem, readObjects } from './documents.js';
import { capturedIo } from './testing/captured-io.js';

const ioWith = (files: Record<string, string>) => ({
  ...capturedIo(),
  readFile: (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return text;
  },
});

describe('readObjects', () => {
  it('skips empty documents but keeps counting them', () => {
    const { objects } = readObjects(ioWith({ f: 'a: 1\n---\n---\nb: 2\n' }), 'f');
    expect(objects.map((o) => [o.document, o.value])).toEqual([
      [1, { a: 1 }],
      [3, { b: 2 }],
    ]);
  });

  it('gives the items of a List, each with its path prefix and lines', () => {
    const text = 'kind: List\nitems:\n  - a: 1\n  - b:\n      c: 2\n';
    const { objects } = readObjects(ioWith({ f: text }), 'f');
    expect(objects.map((o) => o.pathPrefix)).toEqual(['items[0]', 'items[1]']);
    expect(objects[1]?.lineOf('b.c')).toBe(5);
    // A missing field is placed at its nearest parent's value.
    expect(objects[1]?.lineOf('b.missing')).toBe(5);
    expect(objects[0]?.lineOf('a')).toBe(3);
  });

  it('locates a path in a document by its line', () => {
    const { objects } = readObjects(ioWith({ f: 'a:\n  list:\n    - x\n    - y\n' }), 'f');
    expect(objects[0]?.lineOf('a.list[1]')).toBe(4);
    expect(objects[0]?.lineOf('')).toBe(1);
  });

  it('reads JSON', () => {
    const { objects } = readObjects(ioWith({ f: '{"kind": "VirtualApp"}' }), 'f');
    expect(objects[0]?.value).toEqual({ kind: 'VirtualApp' });
  });

  it('throws an InputError naming a file it cannot read', () => {
    expect(() => readObjects(ioWith({}), 'missing.yaml')).toThrow(
      'missing.yaml: cannot read it (ENOENT)',
    );
  });
});

describe('formatProblem', () => {
  it('prints what is known: file, line, document, path', () => {
    expect(formatProblem({ file: 'f', path: '', message: 'm' })).toBe('f: m');
    expect(formatProblem({ file: 'f', document: 2, line: 7, path: 'spec', message: 'm' })).toBe(
      'f:7: document 2: spec: m',
    );
  });
});
