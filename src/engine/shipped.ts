/**
 * Pretrained defender weights shipped with the site (public/models/), listed in
 * public/models/manifest.json so the app never requests a file that is not there (a 404 would
 * be a console error on every run). Each entry records the SHA-256 of its files: weights with a
 * flipped byte load without an error and answer like a broken model, so the bytes are checked
 * before tfjs reads them. A file that fails to load or to match is an error with the file's
 * name, never a silent "no shipped model": the caller says so and trains instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from './protocol';
import { defenderKey } from './defenderProvider';
import { stampCheckAccuracy } from './defenderCheck';

interface ShippedManifest {
  models: { key: string; path: string; sha256?: Record<string, string>; checkAccuracy?: number }[];
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Lower-case hex SHA-256 of `bytes` (Web Crypto: the page, the worker and Node 20 all have it). */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchChecked(url: URL, name: string, expected: string | undefined): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`models/${name}: HTTP ${r.status}`);
  const bytes = await r.arrayBuffer();
  if (expected !== undefined) {
    const got = await sha256Hex(bytes);
    if (got !== expected) throw new Error(`models/${name}: its SHA-256 is ${got.slice(0, 12)}…, the manifest says ${expected.slice(0, 12)}… (a damaged or replaced file)`);
  }
  return bytes;
}

export function shippedDefenderLoader(assetsBaseUrl: string): (config: ExperimentConfig) => Promise<tf.LayersModel | null> {
  let manifest: Promise<ShippedManifest> | null = null;
  const modelsBase = new URL('models/', assetsBaseUrl);
  const readManifest = async (): Promise<ShippedManifest> => {
    const r = await fetch(new URL('manifest.json', modelsBase));
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
    const dir = entry.path.slice(0, entry.path.lastIndexOf('/') + 1);
    const jsonName = entry.path.slice(dir.length);
    const modelUrl = new URL(entry.path, modelsBase);
    const modelJson = JSON.parse(new TextDecoder().decode(await fetchChecked(modelUrl, entry.path, entry.sha256?.[jsonName]))) as ModelJson;
    const group = modelJson.weightsManifest[0];
    if (!group || group.paths.length !== 1) throw new Error(`models/${entry.path}: expected one weights file`);
    const weightData = await fetchChecked(new URL(group.paths[0], modelUrl), `${dir}${group.paths[0]}`, entry.sha256?.[group.paths[0]]);
    try {
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: group.weights, weightData }));
      // The manifest's slice accuracy, recorded when the weights were made, is what the check holds them to.
      if (typeof entry.checkAccuracy === 'number') stampCheckAccuracy(model, entry.checkAccuracy);
      return model;
    } catch (e) {
      throw new Error(`models/${entry.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}
