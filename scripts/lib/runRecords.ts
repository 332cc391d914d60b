/**
 * Finished runs kept on disk: the reproduction's own partial file and the committed run files
 * under reports/runs/ (made by scripts/run-runs.ts). A run is keyed by its share link, which
 * is relative to the defaults of its time, so every record is re-keyed from its stored config
 * when it is read: a run made before a default changed is still found under today's link. A
 * parameter added since the run was made takes its default, which by rule is the behaviour the
 * engine had before the parameter existed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PARAMS } from '../../src/params/schema';
import { runKey } from '../../src/reproduction/configs';
import type { RunRecord } from '../../src/reproduction/report';

export function readRunRecords(path: string): Record<string, RunRecord> {
  if (!existsSync(path)) return {};
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, RunRecord>;
  return Object.fromEntries(
    Object.values(raw).map((r) => {
      const config = { ...DEFAULT_PARAMS, ...r.config };
      return [runKey(config), { ...r, config, key: runKey(config) }];
    }),
  );
}

/** Every record of every `*.json` file in a folder (none when it does not exist). */
export function readRunFolder(dir: string): Record<string, RunRecord> {
  if (!existsSync(dir)) return {};
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return Object.assign({}, ...files.map((f) => readRunRecords(join(dir, f))));
}
