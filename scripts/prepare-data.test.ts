import { describe, expect, it } from 'vitest';
import { parseFashionClass, parseIdx, PrepareError } from './prepare-data';

/** An IDX file: big-endian magic, dims, then `payload`. */
function idx(magic: number, dims: number[], payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

describe('parseIdx', () => {
  it('strips a valid header', () => {
    const payload = Uint8Array.from({ length: 2 * 4 }, (_, i) => i);
    expect(parseIdx(idx(0x803, [2, 2, 2], payload), 'x', 0x803, [2, 2, 2])).toEqual(payload);
    expect(parseIdx(idx(0x801, [3], Uint8Array.of(1, 2, 3)), 'x', 0x801, [3])).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('rejects a wrong magic, wrong dims, wrong length or a short file', () => {
    const p = new Uint8Array(3);
    expect(() => parseIdx(idx(0x803, [3], p), 'lbl', 0x801, [3])).toThrow(/lbl: IDX magic 0x00000803, expected 0x00000801/);
    expect(() => parseIdx(idx(0x801, [3], p), 'lbl', 0x801, [4])).toThrow(/dims \[3\], expected \[4\]/);
    expect(() => parseIdx(idx(0x801, [4], p), 'lbl', 0x801, [4])).toThrow(PrepareError);
    expect(() => parseIdx(new Uint8Array(5), 'lbl', 0x801, [4])).toThrow(/shorter than its IDX header/);
  });
});

describe('parseFashionClass', () => {
  const row = (v: number) => new Array<number>(784).fill(v);

  it('keeps 784-long rows and reports dropped ones by source index', () => {
    const r = parseFashionClass(JSON.stringify({ data: [row(1), [], row(2), [1, 2]] }), 'c');
    expect(r.rows).toBe(2);
    expect(r.dropped).toEqual([1, 3]);
    expect(r.pixels.length).toBe(2 * 784);
    expect(r.pixels[0]).toBe(1);
    expect(r.pixels[784]).toBe(2);
  });

  it('rejects out-of-range or non-integer pixels instead of clamping', () => {
    expect(() => parseFashionClass(JSON.stringify({ data: [row(256)] }), 'c')).toThrow(/not an integer in 0\.\.255/);
    expect(() => parseFashionClass(JSON.stringify({ data: [row(0.5)] }), 'c')).toThrow(PrepareError);
    expect(() => parseFashionClass('{"data": 3}', 'c')).toThrow(PrepareError);
    expect(() => parseFashionClass('nope', 'c')).toThrow(/not valid JSON/);
  });
});
