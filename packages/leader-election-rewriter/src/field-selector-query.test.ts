import { describe, expect, it } from 'vitest';
import { appendToSelectedName } from './field-selector-query.js';

const LOCK = 'cafeextcontroller';
const rewrite = (query: string) => appendToSelectedName(query, LOCK, '---ctrlmeshtest');

describe('fieldSelector rewriting', () => {
  it.each([
    // client-go's leader-election watch, exactly as it sends it
    [
      'fieldSelector=metadata.name%3Dcafeextcontroller&resourceVersion=48213&watch=true',
      'fieldSelector=metadata.name%3Dcafeextcontroller---ctrlmeshtest&resourceVersion=48213&watch=true',
    ],
    [
      'fieldSelector=metadata.name=cafeextcontroller',
      'fieldSelector=metadata.name=cafeextcontroller---ctrlmeshtest',
    ],
    [
      'fieldSelector=metadata.name==cafeextcontroller',
      'fieldSelector=metadata.name==cafeextcontroller---ctrlmeshtest',
    ],
    // percent-encoded name and a second term, both kept as spelled
    [
      'pretty&fieldSelector=metadata.name%3D%63afeextcontroller%2Cmetadata.namespace%3Dx&limit=1',
      'pretty&fieldSelector=metadata.name%3D%63afeextcontroller---ctrlmeshtest%2Cmetadata.namespace%3Dx&limit=1',
    ],
    [
      'fieldSelector=metadata.namespace%3Dcafeextcontroller,metadata.name%3Dcafeextcontroller',
      'fieldSelector=metadata.namespace%3Dcafeextcontroller,metadata.name%3Dcafeextcontroller---ctrlmeshtest',
    ],
    // every fieldSelector parameter, whichever one the server reads
    [
      'fieldSelector=metadata.name=cafeextcontroller&fieldSelector=metadata.name=cafeextcontroller',
      'fieldSelector=metadata.name=cafeextcontroller---ctrlmeshtest&fieldSelector=metadata.name=cafeextcontroller---ctrlmeshtest',
    ],
  ])('rewrites %s', (query, expected) => {
    expect(rewrite(query)).toBe(expected);
  });

  it.each([
    'fieldSelector=metadata.name!%3Dcafeextcontroller',
    'fieldSelector=metadata.name%3Dcafeextcontroller---ctrlmeshtest',
    'fieldSelector=metadata.name%3Dcafeextcontroller2',
    'fieldSelector=metadata.name%3Dcafeext',
    'fieldSelector=metadata.namespace%3Dcafeextcontroller',
    'fieldSelector=%20metadata.name%3Dcafeextcontroller',
    'labelSelector=metadata.name%3Dcafeextcontroller',
    'fieldSelector=metadata.name%3Dcafeextcontroller%ZZ',
    'fieldSelector',
    '',
  ])('leaves %j as it is (same string)', (query) => {
    expect(rewrite(query)).toBe(query);
  });

  it('unescapes values as fields.UnescapeValue does', () => {
    const query = 'fieldSelector=metadata.name%3Da%5C%2Cb';
    expect(appendToSelectedName(query, 'a,b', '---s')).toBe(
      'fieldSelector=metadata.name%3Da%5C%2Cb---s',
    );
    expect(appendToSelectedName('fieldSelector=metadata.name=a\\x', 'a\\x', '---s')).toBe(
      'fieldSelector=metadata.name=a\\x',
    );
  });

  it('escapes a suffix that needs it', () => {
    expect(appendToSelectedName('fieldSelector=metadata.name=a', 'a', '---s,t')).toBe(
      'fieldSelector=metadata.name=a---s%5C%2Ct',
    );
  });
});
