/**
 * Whether the results on screen still belong to the settings on screen. A class that moves β after
 * a run sees the old curves under the new slider; this says which settings made them, so nobody
 * reads β = 0.8's curves as β = 1's.
 */
import { changedRunSettings } from '../params/runSettings';
import { PARAMS, type EnumParamSpec, type NumberParamSpec, type ParamKey, type Params } from '../params/schema';
import type { RunState } from './appStore';

export interface SettingChange {
  key: ParamKey;
  /** "β = 0.8", "Defense: Reverse sigmoid (β, γ)". */
  made: string;
  now: string;
}

export interface StaleRunView {
  /** The run is still going (its settings were locked when it started; the change applies next time). */
  running: boolean;
  changes: SettingChange[];
  /** The live settings with the changed ones put back to the run's. */
  restored: Params;
}

export function formatSetting(key: ParamKey, p: Params): string {
  const spec = PARAMS[key] as NumberParamSpec | EnumParamSpec;
  const value = p[key];
  if (spec.kind === 'number') return `${spec.symbol} = ${(value as number).toLocaleString('en-US')}`;
  return `${spec.word}: ${(spec.optionLabels as Record<string, string>)[value as string] ?? String(value)}`;
}

export function selectStaleRun(run: Pick<RunState, 'status' | 'config'>, live: Params): StaleRunView | null {
  if (!run.config || run.status === 'idle') return null;
  const made = run.config;
  const keys = changedRunSettings(made, live);
  if (keys.length === 0) return null;
  const restored: Params = { ...live };
  for (const k of keys) (restored as Record<ParamKey, unknown>)[k] = made[k];
  return {
    running: run.status === 'running',
    changes: keys.map((key) => ({ key, made: formatSetting(key, made), now: formatSetting(key, live) })),
    restored,
  };
}
