/** "3 min 20 s", "45 s": an ETA a person can read at a glance. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '…';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
