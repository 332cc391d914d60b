import * as tf from '@tensorflow/tfjs';

/**
 * When f throws inside a tfjs gradient call, the engine skips the clean-up it does on success
 * and keeps the failed tape, whose nodes hold kept clones of the tensors saved for backprop
 * (docs/tfjs-facts.md: a failing tf.grad call leaks its forward tensors). No tidy reaches
 * them, so free them here the way Engine.gradients does after a successful backward pass.
 * Only when no outer gradient computation is running (its tape must stay intact).
 */
export function releaseFailedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  (state as { activeTape: unknown }).activeTape = null;
}
