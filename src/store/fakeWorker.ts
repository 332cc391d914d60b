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
