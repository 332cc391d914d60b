/**
 * Share links: the whole parameter set lives in the URL hash, e.g. `#v=1&beta=0.5&seed=7`.
 * Only non-default values are written (short links); keys are sorted (stable links).
 * Parsing never throws: every bad value falls back to its default and is reported, so a
 * hand-edited link shows a clear message instead of a blank page or a silent wrong result.
 */
import { DEFAULT_PARAMS, PARAMS, coerceNumberParam, type NumberParamKey, type ParamKey, type Params } from './schema';

/**
 * The link format's version, written as `v=`. A link holds only the values that differ from the
 * defaults of its time, so whenever a default changes the version goes up and the defaults of
 * every earlier version are kept below: an old link then still replays the run it was made for.
 */
export const LINK_VERSION = 2;

/** Per earlier version, every value whose default has changed since (a link without `v=` is read as the current version). */
export const EARLIER_DEFAULTS: Readonly<Record<number, Partial<Params>>> = {
  // v1 → v2: the reverse sigmoid's defaults became the grid search's chosen cell.
  1: { beta: 0.8 },
};

/** The defaults a link of version `v` was written against. */
export function defaultsOfVersion(v: number): Params {
  return { ...DEFAULT_PARAMS, ...(EARLIER_DEFAULTS[v] ?? {}) };
}

export interface LinkIssue {
  key: string;
  message: string;
}

export interface ParsedLink {
  params: Params;
  issues: LinkIssue[];
}

const KEY_BY_URL: ReadonlyMap<string, ParamKey> = new Map(
  (Object.keys(PARAMS) as ParamKey[]).map((k) => [PARAMS[k].urlKey, k]),
);

function label(key: ParamKey): string {
  const spec = PARAMS[key];
  return spec.kind === 'number' && spec.symbol !== spec.word ? `${spec.symbol} (${spec.word})` : spec.word;
}

export function parseHash(hash: string): ParsedLink {
  const issues: LinkIssue[] = [];
  const search = new URLSearchParams(hash.replace(/^#/, ''));
  const v = search.get('v');
  const known = v === null || v === String(LINK_VERSION) || Object.hasOwn(EARLIER_DEFAULTS, v);
  if (!known) issues.push({ key: 'v', message: `This link was made by another version (v=${v}); values were read as v=${LINK_VERSION}.` });
  const params: Record<string, unknown> = known && v !== null ? defaultsOfVersion(Number(v)) : { ...DEFAULT_PARAMS };
  for (const [urlKey, raw] of search) {
    if (urlKey === 'v') continue;
    const key = KEY_BY_URL.get(urlKey);
    if (!key) {
      issues.push({ key: urlKey, message: `Unknown setting "${urlKey}" in the link was ignored.` });
      continue;
    }
    const spec = PARAMS[key];
    if (spec.kind === 'enum') {
      if ((spec.options as readonly string[]).includes(raw)) params[key] = raw;
      else
        issues.push({
          key,
          message: `${label(key)}: "${raw}" is not one of ${spec.options.join(', ')}; using ${String(params[key])}.`,
        });
      continue;
    }
    const num = raw.trim() === '' ? Number.NaN : Number(raw);
    const coerced = coerceNumberParam(key as NumberParamKey, num);
    if (coerced === null) {
      issues.push({ key, message: `${label(key)}: "${raw}" is not a number; using the default ${String(params[key])}.` });
    } else {
      if (coerced !== num) {
        issues.push({
          key,
          message: `${label(key)}: ${raw} is outside ${spec.min}–${spec.max} (or off its step); using ${coerced}.`,
        });
      }
      params[key] = coerced;
    }
  }
  return { params: params as Params, issues };
}

/** `#v=1&…` with only the values that differ from the defaults; `''` when all are default. */
export function toHash(params: Params): string {
  const entries: [string, string][] = [];
  for (const key of Object.keys(PARAMS) as ParamKey[]) {
    // A record saved before a setting existed lacks it: that is its default, not "undefined".
    if (params[key] !== undefined && params[key] !== DEFAULT_PARAMS[key]) entries.push([PARAMS[key].urlKey, String(params[key])]);
  }
  if (entries.length === 0) return '';
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `#${new URLSearchParams([['v', String(LINK_VERSION)], ...entries]).toString()}`;
}
