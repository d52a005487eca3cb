import { describe, expect, it } from 'vitest';
import { queryBool } from './query-bool.js';

describe('queryBool', () => {
  it.each([
    [undefined, false],
    ['0', false],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['falſe', false],
    ['true', true],
    ['True', true],
    ['1', true],
    ['', true],
    ['yes', true],
    ['no', true],
    ['00', true],
    [' false', true],
  ])('reads %j as %s, as the apiserver converts a query bool', (value, expected) => {
    expect(queryBool(value)).toBe(expected);
  });
});
