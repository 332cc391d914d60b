import { describe, expect, it } from 'vitest';
import { crc32 } from './checksum';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('matches other known values', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(1))).toBe(0xd202ef8d);
  });

  it('chains over chunks', () => {
    const all = ascii('123456789');
    expect(crc32(all.subarray(4), crc32(all.subarray(0, 4)))).toBe(0xcbf43926);
  });

  it('detects a single flipped bit', () => {
    const a = ascii('123456789');
    a[3] ^= 1;
    expect(crc32(a)).not.toBe(0xcbf43926);
  });
});
