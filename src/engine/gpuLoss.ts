/**
 * A GPU can go away under a running page: a driver reset, another tab taking the memory, the
 * laptop switching graphics chips. WebGPU then resolves the device's `lost` promise and WebGL
 * fires `webglcontextlost` on its canvas; tfjs listens to neither, so its next operations fail
 * or return nothing useful. This watches the backend's own device or context and says so once,
 * in words, so the engine can end the run with its points kept and start afresh.
 */

/** What the WebGPU backend exposes (tfjs-backend-webgpu keeps its GPUDevice on `device`). */
interface WebGpuBackendLike {
  device?: { lost: Promise<{ reason?: string; message?: string }>; destroy(): void };
}

/** What the WebGL backend exposes (its GPGPU context keeps the rendering context on `gl`). */
interface WebGlBackendLike {
  gpgpu?: { gl?: { canvas: unknown; getExtension(name: string): unknown } };
}

export interface GpuWatch {
  /** Ends the GPU's device or context as a real loss would: fault injection for tests. */
  lose(): void;
}

/** The words for a lost WebGPU device: `reason` is 'destroyed' or 'unknown' in the spec. */
export function describeDeviceLoss(info: { reason?: string; message?: string }): string {
  const why = [info.reason, info.message].filter((s) => typeof s === 'string' && s.length > 0).join(': ');
  return `the WebGPU device was lost${why ? ` (${why})` : ''}`;
}

/**
 * Calls `onLost` once when the backend's GPU goes away. Null when the backend has no GPU (WASM,
 * CPU) or does not expose it.
 */
export function watchGpuLoss(backendName: string, backend: unknown, onLost: (what: string) => void): GpuWatch | null {
  let said = false;
  const once = (what: string) => {
    if (said) return;
    said = true;
    onLost(what);
  };
  if (backendName === 'webgpu') {
    const device = (backend as WebGpuBackendLike).device;
    if (!device) return null;
    device.lost.then(
      (info) => once(describeDeviceLoss(info)),
      (e: unknown) => once(`the WebGPU device was lost (${e instanceof Error ? e.message : String(e)})`),
    );
    return { lose: () => device.destroy() };
  }
  if (backendName === 'webgl') {
    const gl = (backend as WebGlBackendLike).gpgpu?.gl;
    const canvas = gl?.canvas as EventTarget | undefined;
    if (!gl || !canvas || typeof canvas.addEventListener !== 'function') return null;
    canvas.addEventListener('webglcontextlost', () => once('the WebGL context was lost'));
    return {
      lose: () => {
        const ext = gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null;
        if (ext) ext.loseContext();
        // Without the extension the loss can only be announced, as the browser would.
        else canvas.dispatchEvent(new Event('webglcontextlost'));
      },
    };
  }
  return null;
}
