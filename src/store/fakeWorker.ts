/** A scripted stand-in for the engine worker in unit tests: records commands, replays events on demand. */
import type { Command, EngineEvent } from '../engine/protocol';
import type { WorkerLike } from './engineBridge';

export class FakeWorker implements WorkerLike {
  sent: Command[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<EngineEvent>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  postMessage(command: Command) {
    this.sent.push(command);
  }
  terminate() {
    this.terminated = true;
  }
  emit(event: EngineEvent) {
    this.onmessage?.({ data: event } as MessageEvent<EngineEvent>);
  }
}

/** The 'ready' event of a WASM engine, as the unit tests' engine sends it first. */
export const WASM_READY: Extract<EngineEvent, { type: 'ready' }> = {
  type: 'ready',
  backend: 'wasm',
  device: 'CPU via WebAssembly',
  attempts: [],
  tfVersion: '4.22.0',
  numTensors: 0,
  calibration: { how: 'only', record: null },
};
