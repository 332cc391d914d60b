import { describe, expect, it } from 'vitest';
import { createMemo } from './memo';

describe('createMemo', () => {
  it('computes once per key object and stamp, again when the stamp changes, and keeps keys apart', () => {
    const memo = createMemo<object, { n: number }>();
    let calls = 0;
    const compute = () => ({ n: ++calls });
    const a = {};
    const b = {};
    const first = memo(a, 'x', compute);
    expect(memo(a, 'x', compute)).toBe(first);
    expect(calls).toBe(1);
    const other = memo(b, 'x', compute); // another key object: its own entry
    expect(other).not.toBe(first);
    expect(calls).toBe(2);
    const restamped = memo(a, 'y', compute); // same key, new stamp: recomputed, replaces the entry
    expect(restamped.n).toBe(3);
    expect(memo(a, 'x', compute).n).toBe(4); // only the latest stamp is kept per key
    expect(memo(b, 'x', compute)).toBe(other);
    // Stamps compare by identity: an equal-looking new array is a new stamp.
    const names = ['0', '1'];
    const byNames = memo(b, names, compute);
    expect(memo(b, names, compute)).toBe(byNames);
    expect(memo(b, [...names], compute)).not.toBe(byNames);
  });
});
