import { describe, expect, it } from 'vitest';
import { readListOptions } from './list-options.js';
import { MAX_QUERY_PARAMETERS, parseQueryString } from './query-string.js';

const read = (raw: string) => readListOptions(parseQueryString(raw));

describe('readListOptions', () => {
  it('has the default options for an empty query', () => {
    expect(read('')).toEqual({
      watch: false,
      allowWatchBookmarks: false,
      sendInitialEvents: undefined,
      resourceVersion: '',
      resourceVersionMatch: '',
      labelSelector: '',
      fieldSelector: '',
      continue: '',
    });
  });

  it('reads bools as the apiserver converts them, not as JavaScript compares strings (issue 13)', () => {
    expect(read('watch=True&allowWatchBookmarks=True&sendInitialEvents=True')).toMatchObject({
      watch: true,
      allowWatchBookmarks: true,
      sendInitialEvents: true,
    });
    expect(read('watch=&allowWatchBookmarks&sendInitialEvents=')).toMatchObject({
      watch: true,
      allowWatchBookmarks: true,
      sendInitialEvents: true,
    });
    expect(read('watch=FALSE&allowWatchBookmarks=0&sendInitialEvents=false')).toMatchObject({
      watch: false,
      allowWatchBookmarks: false,
      sendInitialEvents: false,
    });
  });

  it('takes the first value the apiserver decodes for each key', () => {
    expect(
      read(
        'resourceVersion;=9&resourceVersion=5&resourceVersion=7&labelSelector=a%3Db+c&w%61tch=0',
      ),
    ).toMatchObject({ resourceVersion: '5', labelSelector: 'a=b c', watch: false });
    expect(read('continue=&continue=x').continue).toBe('');
  });

  it('reads nothing from a query the apiserver cannot read', () => {
    const raw = ['watch=1', ...Array(MAX_QUERY_PARAMETERS).fill('pretty')].join('&');
    expect(read(raw).watch).toBe(false);
  });
});
