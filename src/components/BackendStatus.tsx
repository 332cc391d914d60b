import { useApp } from './storeContext';
import { PARAMS, type BackendPreference } from '../params/schema';

const LABEL = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' } as const;

const CALIBRATION_NOTE = {
  forced: 'chosen in the Backend menu or the link',
  only: 'the only fast candidate here',
  cached: 'fastest in this browser’s earlier calibration',
  measured: 'fastest in a calibration just now (a few timed training steps)',
} as const;

/** Which tfjs backend runs, on what, and why the others were not used. */
export function BackendStatus() {
  const engine = useApp((s) => s.engine);
  const preference = useApp((s) => s.params.backend);
  const setEnum = useApp((s) => s.setEnum);

  return (
    <div className="backend" data-testid="backend-status" data-state={engine.state}>
      <span className="backend-badge" data-backend={engine.state === 'ready' ? engine.backend : ''}>
        {engine.state === 'starting' && 'Starting TensorFlow.js…'}
        {engine.state === 'ready' && (
          <>
            Backend: <strong data-testid="backend-name">{LABEL[engine.backend]}</strong>
          </>
        )}
        {engine.state === 'failed' && <strong>No backend</strong>}
      </span>
      <label className="backend-select">
        <span className="visually-hidden">Backend</span>
        <select
          aria-label="Backend"
          value={preference}
          onChange={(e) => setEnum('backend', e.target.value as BackendPreference)}
        >
          {PARAMS.backend.options.map((b) => (
            <option key={b} value={b}>
              {PARAMS.backend.optionLabels[b]}
            </option>
          ))}
        </select>
      </label>
      {engine.state === 'ready' && (
        <details className="backend-details">
          <summary>why?</summary>
          <p>
            Running on {engine.device} · TensorFlow.js {engine.tfVersion} ·{' '}
            {CALIBRATION_NOTE[engine.calibration]}
          </p>
          <ul>
            {engine.attempts.map((a) => (
              <li key={a.backend} data-outcome={a.outcome}>
                <strong>{LABEL[a.backend]}</strong>: {a.outcome}
                {a.reason ? ` — ${a.reason}` : ''}
                {a.initMs > 0 ? ` (${Math.round(a.initMs)} ms)` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
      {engine.state === 'failed' && (
        <p className="error" role="alert">
          {engine.message} {engine.hint}
        </p>
      )}
    </div>
  );
}
