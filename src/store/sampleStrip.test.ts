import { describe, expect, it } from 'vitest';
import { placeholderSampleStrip, selectSampleStrip } from './sampleStrip';

describe('sample strip selector', () => {
  it('before a run: 8 blank cards built like the real ones (20 zero-height bars on the zero line, 10 labels, one-line texts)', () => {
    const cards = placeholderSampleStrip();
    expect(cards).toHaveLength(8);
    expect(placeholderSampleStrip()).toBe(cards);
    const [card] = cards;
    expect(card.geometry.bars).toHaveLength(20);
    // The zero line sits at the bottom of the 56-unit box; every bar has zero height there.
    expect(card.geometry.zeroY).toBe(56);
    for (const bar of card.geometry.bars) expect(bar).toMatchObject({ y: 56, height: 0 });
    expect(card.geometry.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Never an empty string: an empty line would collapse and move the card when real text arrives.
    expect(card.caption).toBe('\u00a0');
    expect(card.stats).toBe('\u00a0');
    expect(card.pixels.every((v) => v === 0)).toBe(true);
  });

  it('shapes one bar row per class, captions from class names, and a domain that shows negative ε entries', () => {
    const samples = [
      { pixels: new Array(784).fill(0), label: 3, original: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0], defended: [0.1, -0.003, 0.1, 0.4, 0.1, 0.1, 0.1, 0.003, 0, 0.1], defendedSum: 1, defendedMin: -0.003, centeringRounds: 3 },
      { pixels: new Array(784).fill(0), label: -1, original: new Array(10).fill(0.1), defended: new Array(10).fill(0.1), defendedSum: 1, defendedMin: 0.1, centeringRounds: null },
    ];
    const names = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const cards = selectSampleStrip(samples, names);
    expect(cards[0].caption).toBe('true: 3');
    expect(cards[1].caption).toBe('random noise');
    expect(cards[0].rows[3]).toEqual({ label: '3', original: 1, defended: 0.4 });
    expect(cards[0].domain).toEqual([-0.003, 1]);
    expect(cards[1].domain).toEqual([0, 1]);
    expect(cards[0].stats).toBe('Σ 1.000 · min -0.003 · 3 rounds');
    expect(cards[0].offSimplex).toBe(true);
    expect(cards[1].stats).toBe('Σ 1.000 · min 0.100');
    expect(cards[1].offSimplex).toBe(false);
    expect(selectSampleStrip(samples, names)).toBe(cards);
    expect(cards[0].summary).toBe("The defender's answer: 3 at 100%; the thief gets: 3 at 40%");
    expect(cards[0].geometry.bars).toHaveLength(20);
  });
});
