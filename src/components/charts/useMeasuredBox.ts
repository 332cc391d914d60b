/**
 * The size of a chart's box, for charts drawn as plain SVG at the box's own pixel size: measured
 * before the browser paints (a layout effect), so the first frame already has the right size, and
 * again whenever the box resizes. `fallback` stands in before the first measurement and where
 * there is no layout (tests).
 */
import { useLayoutEffect, useRef, useState } from 'react';

export interface BoxSize {
  width: number;
  height: number;
}

export function useMeasuredBox(fallback: BoxSize) {
  const box = useRef<HTMLDivElement | null>(null);
  const [size, setSize] = useState(fallback);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => {
      const { width, height } = el.getBoundingClientRect();
      if (width > 0 && height > 0) setSize((s) => (Math.abs(s.width - width) < 0.5 && Math.abs(s.height - height) < 0.5 ? s : { width, height }));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { box, size };
}
