import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BMP_PIXEL_OFFSET, bmpRowStride, greyBmp, greyBmpDataUrl } from './greyBitmap';

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer).getUint32(at, true);
const i32 = (b: Uint8Array, at: number) => new DataView(b.buffer).getInt32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer).getUint16(at, true);

describe('greyBmp', () => {
  it('writes the headers of an 8-bit, 256-grey, uncompressed 28 × 28 file', () => {
    const b = greyBmp(new Array(784).fill(0), 28, 28);
    // 14 + 40 + 1024 = 1078 bytes before the pixels; 28 px rows need no padding: 1078 + 784.
    expect(BMP_PIXEL_OFFSET).toBe(1078);
    expect(b.length).toBe(1862);
    expect(String.fromCharCode(b[0], b[1])).toBe('BM');
    expect(u32(b, 2)).toBe(1862);
    expect(u32(b, 10)).toBe(1078);
    expect(u32(b, 14)).toBe(40);
    expect([i32(b, 18), i32(b, 22)]).toEqual([28, 28]);
    expect([u16(b, 26), u16(b, 28), u32(b, 30), u32(b, 34), u32(b, 46)]).toEqual([1, 8, 0, 784, 256]);
    // Palette entry 200 is grey 200 in blue, green, red.
    expect([...b.subarray(54 + 800, 54 + 804)]).toEqual([200, 200, 200, 0]);
  });

  it('stores rows bottom-up, padded to 4 bytes, and rounds and clamps the levels', () => {
    // 3 × 2, top row 0, 127.6, 300; bottom row -5, NaN, 255.
    const b = greyBmp([0, 127.6, 300, -5, Number.NaN, 255], 3, 2);
    expect(bmpRowStride(3)).toBe(4);
    expect(b.length).toBe(1078 + 8);
    expect([...b.subarray(1078, 1082)]).toEqual([0, 0, 255, 0]); // the bottom row first, then a pad byte
    expect([...b.subarray(1082, 1086)]).toEqual([0, 128, 255, 0]);
  });

  it('puts every level where a reader of the format finds it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 81, maxLength: 81 }), (w, h, levels) => {
        const grey = levels.slice(0, w * h);
        const b = greyBmp(grey, w, h);
        expect(b.length).toBe(u32(b, 2));
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) expect(b[u32(b, 10) + (h - 1 - y) * bmpRowStride(w) + x]).toBe(grey[y * w + x]);
      }),
    );
  });

  it('refuses a size that does not match the levels', () => {
    expect(() => greyBmp([1, 2, 3], 2, 2)).toThrow(/needs 4 levels, got 3/);
    expect(() => greyBmp([], 0, 0)).toThrow(/positive whole numbers/);
  });

  it('encodes the file as a base64 data URL', () => {
    const url = greyBmpDataUrl([10, 20, 30, 40], 2, 2);
    expect(url.startsWith('data:image/bmp;base64,Qk')).toBe(true); // "BM"
    const bytes = Uint8Array.from(atob(url.slice('data:image/bmp;base64,'.length)), (c) => c.charCodeAt(0));
    expect([...bytes]).toEqual([...greyBmp([10, 20, 30, 40], 2, 2)]);
  });
});
