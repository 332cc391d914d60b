import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';

describe('formatDuration', () => {
  it('formats ETAs for people', () => {
    expect(formatDuration(null)).toBe('…');
    expect(formatDuration(4400)).toBe('4 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
  });
});
