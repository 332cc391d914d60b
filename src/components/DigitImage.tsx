import { useMemo } from 'react';
import { greyBmpDataUrl } from '../math/greyBitmap';

const SIDE = 28;

/**
 * A 28×28 grey image (0–255 ink, row-major) shown pixel-exact, dark ink on white, scaled by CSS.
 * An `<img>` of a small BMP rather than a canvas: a canvas is a compositor layer of its own (and
 * lifts what overlaps it into more), which every frame of a run then updates.
 */
export function DigitImage({ pixels, label, size = 56 }: { pixels: ArrayLike<number>; label: string; size?: number }) {
  const src = useMemo(() => {
    const grey = new Uint8ClampedArray(SIDE * SIDE);
    for (let i = 0; i < grey.length; i++) grey[i] = 255 - (pixels[i] ?? 0);
    return greyBmpDataUrl(grey, SIDE, SIDE);
  }, [pixels]);
  return <img src={src} width={SIDE} height={SIDE} className="digit" style={{ width: size, height: size }} alt={label} draggable={false} />;
}
