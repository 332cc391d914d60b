import { useCallback, useContext, useRef, useState } from 'react';
import { parseHash } from '../params/codec';
import { demoPath, type Preset } from '../params/presets';
import { withPresentationOf } from '../params/runSettings';
import { fetchRecording } from '../store/demos';
import type { ReplaySpeed } from '../store/replay';
import { StoreContext } from './storeContext';

export type PresetLoad = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string };

/**
 * Puts a preset on screen: its settings into the controls at once, then its recorded replay
 * (fetched from demos/ on this site) into the charts. Used by the preset menu and by the lesson,
 * which walks through presets. A later choice wins over a replay still loading.
 */
export function usePresetPlayer(): { load: PresetLoad; play(preset: Preset, speed: ReplaySpeed): void } {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePresetPlayer needs a <StoreContext.Provider>');
  const [load, setLoad] = useState<PresetLoad>({ kind: 'idle' });
  const request = useRef(0);
  const play = useCallback(
    (preset: Preset, speed: ReplaySpeed) => {
      const mine = ++request.current;
      const { replaceParams, params } = store.getState();
      // The controls move at once, even if the replay cannot be loaded.
      replaceParams(withPresentationOf(parseHash(preset.link).params, params));
      setLoad({ kind: 'loading' });
      fetchRecording(new URL(demoPath(preset.id), document.baseURI).href, (url) => fetch(url))
        .then((r) => {
          if (mine !== request.current) return;
          if (!r.ok) {
            setLoad({ kind: 'error', message: r.message });
            return;
          }
          store.getState().playRecording(r.recording, { from: `the preset “${preset.title}”`, speed });
          setLoad({ kind: 'idle' });
        })
        .catch((e: unknown) => {
          if (mine === request.current) setLoad({ kind: 'error', message: `The replay could not be shown: ${e instanceof Error ? e.message : String(e)}.` });
        });
    },
    [store],
  );
  return { load, play };
}
