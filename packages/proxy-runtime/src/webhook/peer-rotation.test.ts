import { describe, expect, it } from 'vitest';
import { PeerRotation } from './peer-rotation.js';

describe('PeerRotation', () => {
  it('starts each call one peer further and keeps the rest to fail over to', () => {
    const rotation = new PeerRotation();
    const peers = ['https://a:1', 'https://b:1', 'https://c:1'];
    expect(rotation.order('v2', peers)).toEqual(['https://a:1', 'https://b:1', 'https://c:1']);
    expect(rotation.order('v2', peers)).toEqual(['https://b:1', 'https://c:1', 'https://a:1']);
    expect(rotation.order('v3', peers)[0]).toBe('https://a:1');
    expect(rotation.order('v2', peers)).toEqual(['https://c:1', 'https://a:1', 'https://b:1']);
    expect(rotation.order('v2', peers)[0]).toBe('https://a:1');
    expect(rotation.order('v2', [])).toEqual([]);
  });
});
