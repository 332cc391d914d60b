import { useEffect, useRef } from 'react';

/** A 28×28 grey image (0–255, row-major) drawn pixel-exact on a canvas, scaled by CSS. */
export function DigitImage({ pixels, label, size = 56 }: { pixels: number[]; label: string; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = pixels[i] ?? 0;
      img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = 255 - v;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels]);
  return <canvas ref={ref} width={28} height={28} className="digit" style={{ width: size, height: size }} role="img" aria-label={label} />;
}
