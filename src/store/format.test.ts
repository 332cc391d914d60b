import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration } from './format';

describe('formatDuration', () => {
  it('formats ETAs for people', () => {
    expect(formatDuration(null)).toBe('…');
    expect(formatDuration(4400)).toBe('4 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
  });
});

describe('formatCount', () => {
  it('writes counts with thousands separators, as en-US does', () => {
    expect([0, 150, 1200, 19200, 1234567].map(formatCount)).toEqual(['0', '150', '1,200', '19,200', '1,234,567']);
  });
});
