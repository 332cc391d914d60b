import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from './appStore';
import { connectEngine } from './engineBridge';
import { FakeWorker, WASM_READY } from './fakeWorker';

describe('connectEngine', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('answers a frame request with its id once the page has rendered a frame, and leaves the store alone', async () => {
    vi.useFakeTimers();
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    const store = createAppStore();
    const worker = new FakeWorker();
    connectEngine(store, worker, 'http://x/');
    worker.emit(WASM_READY);
    const before = store.getState();
    worker.emit({ type: 'frame-request', runId: 1, requestId: 5 });
    expect(store.getState()).toBe(before);
    const answers = () => worker.sent.filter((c) => c.type === 'frame-drawn');
    await vi.advanceTimersByTimeAsync(50);
    expect(answers()).toEqual([]); // no frame yet
    frames.shift()!(0); // the frame's animation callbacks; its rendering follows in the same task
    expect(answers()).toEqual([]);
    await vi.advanceTimersByTimeAsync(0); // the task after the frame
    expect(answers()).toEqual([{ type: 'frame-drawn', requestId: 5 }]);
  });

  it('answers at once where no frames are drawn (no requestAnimationFrame)', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', undefined);
    const worker = new FakeWorker();
    connectEngine(createAppStore(), worker, 'http://x/');
    worker.emit({ type: 'frame-request', runId: 1, requestId: 9 });
    await vi.advanceTimersByTimeAsync(0);
    expect(worker.sent.filter((c) => c.type === 'frame-drawn')).toEqual([{ type: 'frame-drawn', requestId: 9 }]);
  });
});
