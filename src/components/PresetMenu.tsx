import { useState } from 'react';
import { PRESETS, presetById } from '../params/presets';
import { REPLAY_SPEEDS, type ReplaySpeed } from '../store/replay';
import { useApp } from './storeContext';
import { usePresetPlayer } from './usePresetPlayer';

/**
 * The lab's presets: choosing one sets every control to its share link and plays its recorded
 * replay at once (no training); "Run it live" then trains the same run in this browser.
 */
export function PresetMenu() {
  const [chosen, setChosen] = useState('');
  const [speed, setSpeed] = useState<ReplaySpeed>('fast');
  const { load, play } = usePresetPlayer();
  const setNumber = useApp((s) => s.setNumber);
  const startRun = useApp((s) => s.startRun);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const liveRunning = useApp((s) => s.run.status === 'running' && !s.run.replay);
  const preset = presetById(chosen);

  const choose = (id: string) => {
    setChosen(id);
    const p = presetById(id);
    if (p) play(p, speed);
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
        <label htmlFor="replay-speed">Replay speed</label>
        <select id="replay-speed" value={speed} onChange={(e) => setSpeed(e.target.value as ReplaySpeed)}>
          {(Object.keys(REPLAY_SPEEDS) as ReplaySpeed[]).map((k) => (
            <option key={k} value={k}>
              {REPLAY_SPEEDS[k].label}
            </option>
          ))}
        </select>
        <button type="button" className="link-button" onClick={() => setNumber('lesson', 1)} disabled={liveRunning}>
          Start the guided lesson
        </button>
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
