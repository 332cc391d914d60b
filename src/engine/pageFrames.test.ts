import { describe, expect, it, vi } from 'vitest';
import { createFrameGate } from './pageFrames';

describe('createFrameGate', () => {
  it('posts one request per wait, each with its own id, and resolves on the answer to that id', async () => {
    const posted: { runId: number; requestId: number }[] = [];
    const gate = createFrameGate((e) => posted.push(e), 10_000);
    let first = false;
    let second = false;
    const waits = [gate.waitForPage(7).then(() => (first = true)), gate.waitForPage(7).then(() => (second = true))];
    expect(posted).toEqual([
      { type: 'frame-request', runId: 7, requestId: 1 },
      { type: 'frame-request', runId: 7, requestId: 2 },
    ]);
    gate.drawn(2);
    await Promise.resolve();
    expect([first, second]).toEqual([false, true]);
    gate.drawn(2); // a repeated answer changes nothing
    gate.drawn(99); // nor does one nobody asked for
    gate.drawn(1);
    await Promise.resolve();
    expect([first, second]).toEqual([true, true]);
    await Promise.all(waits);
  });

  it('gives up waiting after the cap (a hidden tab draws no frames)', async () => {
    vi.useFakeTimers();
    try {
      const gate = createFrameGate(() => undefined, 250);
      let done = false;
      const wait = gate.waitForPage(1).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(249);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      gate.drawn(1); // the late answer is ignored
      await wait;
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears the cap timer when the page answers in time', async () => {
    const cleared: unknown[] = [];
    const gate = createFrameGate(() => undefined, 250, { set: () => 'timer-1', clear: (h) => cleared.push(h) });
    const wait = gate.waitForPage(1);
    gate.drawn(1);
    expect(cleared).toEqual(['timer-1']);
    await wait;
  });
});
