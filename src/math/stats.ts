/**
 * Mean and sample standard deviation over repeated seeds, as the counter-attack paper reports
 * them ("mean and one standard deviation over 10 repetitions").
 */
export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); null with fewer than two values. */
  std: number | null;
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, std: null, n: 0 };
  const mean = finite.reduce((a, v) => a + v, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const ss = finite.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}
