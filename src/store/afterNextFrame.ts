/**
 * Calls `fn` once the page has rendered its next frame: a task posted from requestAnimationFrame
 * runs after that frame's style, layout and paint. A hidden page renders no frames, so there (and
 * where there is no requestAnimationFrame, as in Node) it calls `fn` on the next task instead.
 */
export function afterNextFrame(fn: () => void): void {
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
  if (typeof requestAnimationFrame !== 'function' || hidden) {
    setTimeout(fn, 0);
    return;
  }
  requestAnimationFrame(() => setTimeout(fn, 0));
}
