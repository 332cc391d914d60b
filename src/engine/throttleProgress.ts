/**
 * Progress reports at most every `intervalMs`: the first and the final one (done ≥ total) always
 * pass. The data loader reports once per network chunk (hundreds per data set), and each report
 * the page receives costs it a store update and a render.
 */
export function throttleProgress(
  report: (done: number, total: number) => void,
  intervalMs: number,
  now: () => number,
): (done: number, total: number) => void {
  let last = -Infinity;
  return (done, total) => {
    const t = now();
    if (done < total && t - last < intervalMs) return;
    last = t;
    report(done, total);
  };
}
