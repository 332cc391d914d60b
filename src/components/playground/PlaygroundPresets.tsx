import { useContext, useEffect, useRef } from 'react';
import { parseHash } from '../../params/codec';
import { PLAYGROUND_PRESETS, playgroundPresetById, type PlaygroundPreset } from '../../params/presets';
import { changedRunSettings, withPresentationOf } from '../../params/runSettings';
import type { DemoChoice } from '../../params/schema';
import type { AppStore } from '../../store/appStore';
import { PresetLook } from '../PresetLook';
import { StoreContext, useApp } from '../storeContext';

/**
 * Puts a playground preset on screen: its settings into the controls, its id into the link, and a
 * live run of it (a 2-D theft takes seconds, so nothing is recorded). The lab's menu and the
 * lesson open the playground through this too.
 */
export function choosePlaygroundPreset(store: AppStore, preset: PlaygroundPreset, run: boolean): void {
  const { replaceParams, params } = store.getState();
  // The lesson step stays in the link: back in the lab the lesson goes on where it was.
  replaceParams({ ...withPresentationOf(parseHash(preset.link).params, params), view: 'playground', demo: preset.id as DemoChoice });
  if (run && store.getState().engine.state === 'ready') store.getState().startRun();
}

/** The playground's moments: a menu of presets, what to look for in the chosen one, and "Run it again". */
export function PlaygroundPresets() {
  const store = useContext(StoreContext);
  const demo = useApp((s) => s.params.demo);
  const params = useApp((s) => s.params);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const running = useApp((s) => s.run.status === 'running');
  const startRun = useApp((s) => s.startRun);
  const setEnum = useApp((s) => s.setEnum);
  const preset = playgroundPresetById(demo);
  // A link (or the lab's button) that names a preset runs it once, as soon as the engine is ready.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !engineReady || !store) return;
    const named = playgroundPresetById(store.getState().params.demo);
    if (!named) return;
    started.current = true;
    if (store.getState().run.status !== 'running') startRun();
  }, [engineReady, store, startRun]);

  // Settings moved away from the preset's: the link stops naming it.
  useEffect(() => {
    const now = store?.getState().params;
    const p = now && playgroundPresetById(now.demo);
    if (p && changedRunSettings(parseHash(p.link).params, now).length > 0) setEnum('demo', 'none');
  }, [params, store, setEnum]);

  if (!store) return null;
  const choose = (id: string) => {
    const p = playgroundPresetById(id);
    if (!p) {
      setEnum('demo', 'none');
      return;
    }
    // Before the engine is ready the effect above starts it instead.
    started.current = engineReady;
    choosePlaygroundPreset(store, p, engineReady);
  };
  return (
    <div className="preset-bar" data-testid="playground-presets">
      <div className="preset-pick">
        <label htmlFor="pg-preset-menu">Preset</label>
        <select id="pg-preset-menu" value={preset ? preset.id : ''} onChange={(e) => choose(e.target.value)} aria-describedby="pg-preset-look">
          <option value="">Choose a moment…</option>
          {PLAYGROUND_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
        {preset && (
          <button type="button" onClick={() => choose(preset.id)} disabled={!engineReady || running}>
            Run it again
          </button>
        )}
      </div>
      <PresetLook
        id="pg-preset-look"
        look={preset?.look ?? null}
        none="Each preset sets the controls for one moment of the theft and runs it here, live: a 2-D theft takes seconds."
      />
    </div>
  );
}
