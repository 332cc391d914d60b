/**
 * A small grey image as a BMP file (8 bits per pixel, a 256-grey palette), for an `<img>`.
 *
 * The lab shows its 28×28 digits as images rather than canvases: a browser composites each canvas
 * as a layer of its own, and in the sample strip each one also lifted the answer bars beside it into
 * a layer, so eight cards made 16 layers that every frame of a run had to update and commit. An
 * `<img>` paints into its parent. BMP is the simplest format every browser decodes: no compression,
 * no checksum, so the file is built byte by byte here, pure and testable.
 */

const FILE_HEADER = 14;
const INFO_HEADER = 40;
const PALETTE = 256 * 4;
/** Where the pixel rows start: after both headers and the palette. */
export const BMP_PIXEL_OFFSET = FILE_HEADER + INFO_HEADER + PALETTE;

/** Bytes per stored row: BMP pads each row to a multiple of 4 bytes. */
export function bmpRowStride(width: number): number {
  return Math.ceil(width / 4) * 4;
}

/**
 * `grey` holds width × height levels, row-major from the top, 0 = black … 255 = white (rounded and
 * clamped; NaN is black). Returns the whole file.
 */
export function greyBmp(grey: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`greyBmp: the size must be positive whole numbers, got ${width} × ${height}`);
  }
  if (grey.length !== width * height) {
    throw new RangeError(`greyBmp: ${width} × ${height} needs ${width * height} levels, got ${grey.length}`);
  }
  const stride = bmpRowStride(width);
  const imageBytes = stride * height;
  const bytes = new Uint8Array(BMP_PIXEL_OFFSET + imageBytes);
  const view = new DataView(bytes.buffer);
  // BITMAPFILEHEADER
  bytes[0] = 0x42; // 'B'
  bytes[1] = 0x4d; // 'M'
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, BMP_PIXEL_OFFSET, true);
  // BITMAPINFOHEADER: a positive height stores the rows bottom-up, the form every decoder reads.
  view.setUint32(14, INFO_HEADER, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 8, true); // bits per pixel
  view.setUint32(30, 0, true); // no compression
  view.setUint32(34, imageBytes, true);
  view.setInt32(38, 2835, true); // 72 dpi, both ways
  view.setInt32(42, 2835, true);
  view.setUint32(46, 256, true); // colours in the palette
  // The palette: entry i is grey level i (blue, green, red, reserved).
  for (let i = 0; i < 256; i++) {
    const at = FILE_HEADER + INFO_HEADER + 4 * i;
    bytes[at] = bytes[at + 1] = bytes[at + 2] = i;
  }
  for (let y = 0; y < height; y++) {
    const row = BMP_PIXEL_OFFSET + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const v = Math.round(grey[y * width + x]);
      bytes[row + x] = v > 255 ? 255 : v >= 0 ? v : 0;
    }
  }
  return bytes;
}

/** The file as a `data:` URL. */
export function greyBmpDataUrl(grey: ArrayLike<number>, width: number, height: number): string {
  const bytes = greyBmp(grey, width, height);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return `data:image/bmp;base64,${btoa(binary)}`;
}
