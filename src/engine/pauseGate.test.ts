import { describe, expect, it } from 'vitest';
import { createPauseGate, pausableYield } from './pauseGate';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('createPauseGate', () => {
  it('hold() passes at once when running, waits while paused, and resume() releases every waiter', async () => {
    const gate = createPauseGate();
    let passed = 0;
    await gate.hold().then(() => passed++);
    expect(passed).toBe(1);
    expect(gate.pause(100)).toBe(true);
    expect(gate.pause(105)).toBe(false); // already paused: the first pause time counts
    void gate.hold().then(() => passed++);
    void gate.hold().then(() => passed++);
    await tick();
    expect(passed).toBe(1);
    expect(gate.resume(160)).toBe(true);
    await tick();
    expect(passed).toBe(3);
    expect(gate.resume(170)).toBe(false);
  });

  it('wake() releases waiters without resuming', async () => {
    const gate = createPauseGate();
    gate.pause(0);
    let woke = false;
    void gate.hold().then(() => (woke = true));
    gate.wake();
    await tick();
    expect(woke).toBe(true);
    expect(gate.paused).toBe(true);
  });

  it('activeMs takes every paused interval out of the clock (hand values)', () => {
    const gate = createPauseGate();
    expect(gate.activeMs(50)).toBe(50);
    gate.pause(100);
    expect(gate.pausedMs(130)).toBe(30); // the current pause counts while it lasts
    expect(gate.activeMs(130)).toBe(100); // the clock stands still while paused
    gate.resume(160);
    expect(gate.activeMs(200)).toBe(140);
    gate.pause(300);
    gate.resume(310);
    expect(gate.pausedMs(1000)).toBe(70);
    expect(gate.activeMs(1000)).toBe(930);
  });
});

describe('pausableYield', () => {
  it('blocks the caller while paused, runs `between` on every wake-up, and lets a cancel through', async () => {
    const gate = createPauseGate();
    let cancelled = false;
    let betweens = 0;
    const checkpoint = pausableYield(gate, () => cancelled, tick, async () => {
      betweens++;
    });
    await checkpoint();
    expect(betweens).toBe(1);

    gate.pause(0);
    let done = false;
    void checkpoint().then(() => (done = true));
    await tick();
    await tick();
    expect(done).toBe(false);
    expect(betweens).toBe(2);
    gate.wake(); // a pad request: `between` runs, the caller stays held
    await tick();
    expect(done).toBe(false);
    expect(betweens).toBe(3);
    gate.resume(10);
    await tick();
    expect(done).toBe(true);

    gate.pause(20);
    done = false;
    void checkpoint().then(() => (done = true));
    await tick();
    await tick();
    expect(done).toBe(false);
    cancelled = true; // a stop while paused: the caller goes on and sees the cancel itself
    gate.wake();
    await tick();
    expect(done).toBe(true);
  });
});
