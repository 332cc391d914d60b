/**
 * Pretrained defender weights shipped with the site (public/models/), listed in
 * public/models/manifest.json so the app never requests a file that is not there (a 404 would
 * be a console error on every run). A manifest or weights file that fails to load is an error
 * with the file's name, never a silent "no shipped model": the caller says so and trains instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './protocol';
import { defenderKey } from './defenderProvider';

interface ShippedManifest {
  models: { key: string; path: string }[];
}

export function shippedDefenderLoader(assetsBaseUrl: string): (config: ExperimentConfig) => Promise<tf.LayersModel | null> {
  let manifest: Promise<ShippedManifest> | null = null;
  const readManifest = async (): Promise<ShippedManifest> => {
    const r = await fetch(new URL('models/manifest.json', assetsBaseUrl));
    if (!r.ok) throw new Error(`models/manifest.json: HTTP ${r.status}`);
    const json = (await r.json()) as ShippedManifest;
    if (!Array.isArray(json.models)) throw new Error('models/manifest.json has no "models" list');
    return json;
  };
  return async (config) => {
    // A failed manifest is asked for again next time (the server may be back).
    manifest ??= readManifest().catch((e: unknown) => {
      manifest = null;
      throw e;
    });
    const entry = (await manifest).models.find((m) => m.key === defenderKey(config));
    if (!entry) return null;
    const url = new URL(entry.path, new URL('models/', assetsBaseUrl)).href;
    try {
      return await tf.loadLayersModel(url);
    } catch (e) {
      throw new Error(`models/${entry.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}
