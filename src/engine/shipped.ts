/**
 * Pretrained defender weights shipped with the site (public/models/), listed in
 * public/models/manifest.json so the app never requests a file that is not there (a 404 would
 * be a console error on every run).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './protocol';
import { defenderKey } from './defenderProvider';

interface ShippedManifest {
  models: { key: string; path: string }[];
}

export function shippedDefenderLoader(assetsBaseUrl: string): (config: ExperimentConfig) => Promise<tf.LayersModel | null> {
  let manifest: Promise<ShippedManifest | null> | null = null;
  return async (config) => {
    manifest ??= fetch(new URL('models/manifest.json', assetsBaseUrl))
      .then((r) => (r.ok ? (r.json() as Promise<ShippedManifest>) : null))
      .catch(() => null);
    const entry = (await manifest)?.models.find((m) => m.key === defenderKey(config));
    return entry ? tf.loadLayersModel(new URL(entry.path, new URL('models/', assetsBaseUrl)).href) : null;
  };
}
