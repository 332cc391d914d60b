import { useEffect, useRef } from 'react';
import { parseHash } from '../params/codec';
import { PRESETS } from '../params/presets';
import { changedRunSettings } from '../params/runSettings';
import { ThiefChart, ThiefChartCaption } from './ThiefChart';
import { useApp } from './storeContext';
import { usePresetPlayer } from './usePresetPlayer';

/**
 * `#embed=1`: only the thief chart and its caption, for a slide or an iframe. A link whose
 * settings are a preset's plays that preset's recorded replay (no waiting); any other link is
 * trained live once the engine is ready, and the caption says which.
 */
export function EmbedView() {
  const params = useApp((s) => s.params);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const status = useApp((s) => s.run.status);
  const startRun = useApp((s) => s.startRun);
  const { load, play } = usePresetPlayer();
  const started = useRef(false);
  const preset = PRESETS.find((p) => changedRunSettings(parseHash(p.link).params, params).length === 0);

  useEffect(() => {
    if (started.current) return;
    if (preset) {
      started.current = true;
      play(preset, 'fast');
    } else if (engineReady && status === 'idle') {
      started.current = true;
      startRun();
    }
  }, [preset, play, engineReady, status, startRun]);

  return (
    <main className="embed-view">
      <ThiefChart />
      <ThiefChartCaption />
      {load.kind === 'error' && (
        <p className="error" role="alert">
          {load.message}
        </p>
      )}
    </main>
  );
}
