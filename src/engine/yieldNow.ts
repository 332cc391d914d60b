/**
 * Resolves on the next turn of the event loop, so a `stop` message queued behind a long training
 * loop is delivered. MessageChannel, not setTimeout(0): nested timers are clamped to ≥ 4 ms,
 * which would cost more than a small model's whole training step.
 */
export function createYield(): () => Promise<void> {
  if (typeof MessageChannel === 'undefined') return () => new Promise((resolve) => setTimeout(resolve, 0));
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
}
