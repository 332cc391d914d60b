/**
 * The engine's Web Worker entry: all tfjs work happens here so the page never freezes.
 * Messages are the typed unions of protocol.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, errorText } from './backend';
import { assertNever, type Command, type EngineEvent } from './protocol';

const scope = self as unknown as {
  postMessage(event: EngineEvent): void;
  onmessage: ((e: MessageEvent<Command>) => void) | null;
};

function post(event: EngineEvent): void {
  scope.postMessage(event);
}

let initialised = false;

async function handle(cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'init': {
      // The backend is picked once per worker; a different choice means a fresh worker.
      if (initialised) return;
      initialised = true;
      try {
        const choice = await chooseBackend(cmd.backend, cmd.assetsBaseUrl);
        post({
          type: 'ready',
          backend: choice.backend,
          device: choice.device,
          attempts: choice.attempts,
          tfVersion: tf.version.tfjs,
          numTensors: tf.memory().numTensors,
        });
      } catch (e) {
        post({
          type: 'error',
          phase: 'init',
          message: errorText(e),
          hint: 'Try another browser, or force a backend with the Backend menu (CPU always works).',
        });
      }
      return;
    }
    case 'ping':
      post({ type: 'pong', sentAt: cmd.sentAt });
      return;
    default:
      assertNever(cmd);
  }
}

scope.onmessage = (e) => {
  void handle(e.data);
};
