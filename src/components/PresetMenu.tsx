import { useRef, useState } from 'react';
import { parseHash } from '../params/codec';
import { PRESETS, demoPath, presetById } from '../params/presets';
import { fetchRecording } from '../store/demos';
import { REPLAY_SPEEDS, type ReplaySpeed } from '../store/replay';
import { useApp } from './storeContext';

type LoadState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string };

/**
 * The lab's presets: choosing one sets every control to its share link and plays its recorded
 * replay at once (no training); "Run it live" then trains the same run in this browser.
 */
export function PresetMenu() {
  const [chosen, setChosen] = useState('');
  const [speed, setSpeed] = useState<ReplaySpeed>('fast');
  const [load, setLoad] = useState<LoadState>({ kind: 'idle' });
  const request = useRef(0);
  const params = useApp((s) => s.params);
  const replaceParams = useApp((s) => s.replaceParams);
  const playRecording = useApp((s) => s.playRecording);
  const startRun = useApp((s) => s.startRun);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const liveRunning = useApp((s) => s.run.status === 'running' && !s.run.replay);
  const preset = presetById(chosen);

  const choose = (id: string, playAt: ReplaySpeed = speed) => {
    setChosen(id);
    const p = presetById(id);
    if (!p) return;
    const mine = ++request.current;
    // The controls move at once, even if the replay cannot be loaded.
    const { backend, calibrate, theme, view } = params;
    replaceParams({ ...parseHash(p.link).params, backend, calibrate, theme, view });
    setLoad({ kind: 'loading' });
    fetchRecording(new URL(demoPath(p.id), document.baseURI).href, (url) => fetch(url))
      .then((r) => {
        if (mine !== request.current) return;
        if (!r.ok) {
          setLoad({ kind: 'error', message: r.message });
          return;
        }
        playRecording(r.recording, { from: `the preset “${p.title}”`, speed: playAt });
        setLoad({ kind: 'idle' });
      })
      .catch((e: unknown) => {
        if (mine === request.current) setLoad({ kind: 'error', message: `The replay could not be shown: ${e instanceof Error ? e.message : String(e)}.` });
      });
  };

  return (
    <div className="preset-bar" data-testid="preset-bar">
      <div className="preset-pick">
        <label htmlFor="preset-menu">Preset</label>
        <select id="preset-menu" value={chosen} onChange={(e) => choose(e.target.value)} disabled={liveRunning} aria-describedby="preset-look">
          <option value="">Choose a lesson moment…</option>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        <label htmlFor="replay-speed">Replay</label>
        <select id="replay-speed" value={speed} onChange={(e) => setSpeed(e.target.value as ReplaySpeed)}>
          {(Object.keys(REPLAY_SPEEDS) as ReplaySpeed[]).map((k) => (
            <option key={k} value={k}>
              {REPLAY_SPEEDS[k].label}
            </option>
          ))}
        </select>
        {preset && (
          <>
            <button type="button" onClick={() => choose(preset.id)} disabled={liveRunning}>
              Replay again
            </button>
            <button type="button" className="primary" onClick={() => startRun()} disabled={!engineReady || liveRunning} title="Train this preset's run here, in this browser">
              Run it live
            </button>
          </>
        )}
      </div>
      <p id="preset-look" className="preset-look" data-testid="preset-look">
        {preset ? (
          <>
            <strong>What to look for:</strong> {preset.look}
          </>
        ) : (
          'Each preset sets the controls for one teaching moment and plays a run recorded with those settings, so the class sees the curves at once.'
        )}
      </p>
      {load.kind === 'loading' && <p className="hint">Loading the recorded run…</p>}
      {load.kind === 'error' && (
        <p className="error" role="alert" data-testid="preset-error">
          {load.message}
        </p>
      )}
    </div>
  );
}
