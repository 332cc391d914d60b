import { useContext, useEffect, useRef, useState } from 'react';
import { parseHash } from '../params/codec';
import { PLAYGROUND_PRESETS, PRESETS, presetById } from '../params/presets';
import { choosePlaygroundPreset } from './playground/PlaygroundPresets';
import { PresetLook } from './PresetLook';
import { changedRunSettings } from '../params/runSettings';
import type { DemoChoice } from '../params/schema';
import { REPLAY_SPEEDS, type ReplaySpeed } from '../store/replay';
import { StoreContext, useApp } from './storeContext';
import { usePresetPlayer } from './usePresetPlayer';
import { useAppAfterNextFrame } from './useAppAfterNextFrame';
import { selectLiveRunning } from '../store/runStatus';

/**
 * The lab's presets: choosing one sets every control to its share link and plays its recorded
 * replay at once (no training); "Run it live" then trains the same run in this browser. The
 * chosen preset is in the link (`demo=works`), so a shared link opens on the same replay; once
 * a setting moves away from the preset's, the link stops naming it.
 */
export function PresetMenu() {
  const store = useContext(StoreContext);
  const [speed, setSpeed] = useState<ReplaySpeed>('fast');
  const { load, play } = usePresetPlayer();
  const demo = useApp((s) => s.params.demo);
  const params = useApp((s) => s.params);
  const setNumber = useApp((s) => s.setNumber);
  const setEnum = useApp((s) => s.setEnum);
  const startRun = useApp((s) => s.startRun);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const liveRunning = useAppAfterNextFrame(selectLiveRunning);
  const preset = presetById(demo);
  const opened = useRef(false);

  const choose = (id: string) => {
    const p = presetById(id);
    if (p) play(p, speed);
    setEnum('demo', (p ? p.id : 'none') as DemoChoice);
  };

  // A link that names a preset replays it when the page opens.
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    const p = presetById(store?.getState().params.demo ?? 'none');
    if (p) play(p, 'fast');
  }, [store, play]);

  // Settings moved away from the preset's: the link no longer names it (read from the store, not this render).
  useEffect(() => {
    const now = store?.getState().params;
    const p = now && presetById(now.demo);
    if (p && changedRunSettings(parseHash(p.link).params, now).length > 0) setEnum('demo', 'none');
  }, [params, store, setEnum]);

  return (
    <div className="preset-bar" data-testid="preset-bar">
      <div className="preset-pick">
        <label htmlFor="preset-menu">Preset</label>
        <select id="preset-menu" value={preset ? preset.id : ''} onChange={(e) => choose(e.target.value)} disabled={liveRunning} aria-describedby="preset-look">
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
        {store && (
          <button type="button" className="link-button" onClick={() => choosePlaygroundPreset(store, PLAYGROUND_PRESETS[0], false)} disabled={liveRunning}>
            See it in 2-D first
          </button>
        )}
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
      <PresetLook
        id="preset-look"
        look={preset?.look ?? null}
        none="Each preset sets the controls for one teaching moment and plays a run recorded with those settings, so the class sees the curves at once."
      />
      {load.kind === 'loading' && <p className="hint">Loading the recorded run…</p>}
      {load.kind === 'error' && (
        <p className="error" role="alert" data-testid="preset-error">
          {load.message}
        </p>
      )}
    </div>
  );
}
