import { describe, expect, it } from 'vitest';
import { answerBarsGeometry, padBarsGeometry } from './answerBars';

describe('answer glyph geometry', () => {
  it('places the answer glyph\'s bars by hand-derived geometry (200 × 56 box, top 2)', () => {
    // Two classes: slot 100, gap 7.5 on each side, bars 42.5 wide; y(v) = 2 + (1 − v) · 54 on [0, 1].
    const g = answerBarsGeometry(
      [
        { label: '0', original: 1, defended: 0.5 },
        { label: '1', original: 0, defended: 0.25 },
      ],
      [0, 1],
    );
    expect(g.zeroY).toBe(56);
    expect(g.labels).toEqual(['0', '1']);
    expect(g.bars).toEqual([
      { kind: 'original', x: 7.5, y: 2, width: 42.5, height: 54 },
      { kind: 'defended', x: 50, y: 29, width: 42.5, height: 27 },
      { kind: 'original', x: 107.5, y: 56, width: 42.5, height: 0 },
      { kind: 'defended', x: 150, y: 42.5, width: 42.5, height: 13.5 },
    ]);
    // A raw ε answer below 0: on [−0.1, 1] zero sits at 2 + (1 − 0.1/1.1) · 54 and −0.1 hangs down to 56.
    const raw = answerBarsGeometry([{ label: '0', original: 0.5, defended: -0.1 }], [-0.1, 1]);
    expect(raw.zeroY).toBeCloseTo(2 + (1 - 0.1 / 1.1) * 54, 12);
    const hanging = raw.bars[1];
    expect(hanging.y).toBeCloseTo(raw.zeroY, 12);
    expect(hanging.y + hanging.height).toBeCloseTo(56, 12);
    // Values outside the domain are clipped to it, never drawn outside the box.
    const clipped = answerBarsGeometry([{ label: '0', original: 1.5, defended: -1 }], [0, 1]);
    expect(clipped.bars[0]).toMatchObject({ y: 2, height: 54 });
    expect(clipped.bars[1]).toMatchObject({ y: 56, height: 0 });
  });

  it('places the drawing pad\'s bars by hand-derived geometry (200 × 106 box, top 2, top class solid)', () => {
    // Four classes: slot 50, gap 4.5 on each side, bars 41 wide; y(v) = 2 + (1 − v) · 104 on [0, 1].
    const rows = [0.5, 0.25, 0, 0.25].map((p, j) => ({ label: String(j), p, top: j === 0 }));
    const g = padBarsGeometry(rows, [0, 1], 'defended');
    expect(g.box).toEqual({ width: 200, height: 106, top: 2 });
    expect(g.zeroY).toBe(106);
    expect(g.labels).toEqual(['0', '1', '2', '3']);
    expect(g.bars).toEqual([
      { kind: 'defended', x: 4.5, y: 54, width: 41, height: 52, faded: false },
      { kind: 'defended', x: 54.5, y: 80, width: 41, height: 26, faded: true },
      { kind: 'defended', x: 104.5, y: 106, width: 41, height: 0, faded: true },
      { kind: 'defended', x: 154.5, y: 80, width: 41, height: 26, faded: true },
    ]);
  });
});
