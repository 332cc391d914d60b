import { describe, expect, it } from 'vitest';
import { describeDeviceLoss, watchGpuLoss } from './gpuLoss';

/** A WebGPU device whose `lost` promise resolves when destroy() is called, as the spec says. */
function fakeDevice() {
  let resolveLost: (info: { reason: string; message: string }) => void = () => undefined;
  const lost = new Promise<{ reason: string; message: string }>((r) => (resolveLost = r));
  let destroyed = 0;
  return {
    device: {
      lost,
      destroy() {
        destroyed++;
        resolveLost({ reason: 'destroyed', message: '' });
      },
    },
    destroyed: () => destroyed,
    loseFromDriver: () => resolveLost({ reason: 'unknown', message: 'GPU process crashed' }),
  };
}

/** A WebGL context on an event-target canvas, with WEBGL_lose_context. */
function fakeGl(withExtension = true) {
  const canvas = new EventTarget();
  const gl = {
    canvas,
    getExtension: (name: string) => (withExtension && name === 'WEBGL_lose_context' ? { loseContext: () => canvas.dispatchEvent(new Event('webglcontextlost')) } : null),
  };
  return { gpgpu: { gl }, canvas };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('watchGpuLoss', () => {
  it('WebGPU: says once that the device was lost, with the reason the browser gives', async () => {
    const f = fakeDevice();
    const said: string[] = [];
    watchGpuLoss('webgpu', { device: f.device }, (w) => said.push(w));
    await tick();
    expect(said).toEqual([]);
    f.loseFromDriver();
    await tick();
    expect(said).toEqual(['the WebGPU device was lost (unknown: GPU process crashed)']);
  });

  it('WebGPU: lose() destroys the device, which is then said as lost, once', async () => {
    const f = fakeDevice();
    const said: string[] = [];
    const watch = watchGpuLoss('webgpu', { device: f.device }, (w) => said.push(w));
    watch!.lose();
    watch!.lose();
    await tick();
    expect(f.destroyed()).toBe(2);
    expect(said).toEqual(['the WebGPU device was lost (destroyed)']);
  });

  it('WebGL: the canvas’s webglcontextlost is said once; lose() uses WEBGL_lose_context, or announces the loss without it', () => {
    for (const withExtension of [true, false]) {
      const f = fakeGl(withExtension);
      const said: string[] = [];
      const watch = watchGpuLoss('webgl', f, (w) => said.push(w));
      watch!.lose();
      f.canvas.dispatchEvent(new Event('webglcontextlost'));
      expect(said).toEqual(['the WebGL context was lost']);
    }
  });

  it('nothing to watch on WASM and CPU, or on a backend that does not expose its GPU', () => {
    expect(watchGpuLoss('wasm', {}, () => undefined)).toBeNull();
    expect(watchGpuLoss('cpu', {}, () => undefined)).toBeNull();
    expect(watchGpuLoss('webgpu', {}, () => undefined)).toBeNull();
    expect(watchGpuLoss('webgl', { gpgpu: {} }, () => undefined)).toBeNull();
  });

  it('describes a loss without a reason plainly', () => {
    expect(describeDeviceLoss({})).toBe('the WebGPU device was lost');
    expect(describeDeviceLoss({ reason: 'destroyed', message: '' })).toBe('the WebGPU device was lost (destroyed)');
  });
});
