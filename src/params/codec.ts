/**
 * Share links: the whole parameter set lives in the URL hash, e.g. `#v=1&beta=0.5&seed=7`.
 * Only non-default values are written (short links); keys are sorted (stable links).
 * Parsing never throws: every bad value falls back to its default and is reported, so a
 * hand-edited link shows a clear message instead of a blank page or a silent wrong result.
 */
import { DEFAULT_PARAMS, PARAMS, coerceNumberParam, isToyDataset, type NumberParamKey, type ParamKey, type Params } from './schema';
import { coherentParams, PLAYGROUND_DEFAULTS } from './playground';

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

/** A value as the page repeats it back: a hand-edited link can hold a megabyte in one value. */
export const MAX_ECHO = 40;
export function echo(raw: string): string {
  return raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}… (${raw.length.toLocaleString('en-US')} characters)` : raw;
}

/** Plain decimal numbers only: `Number()` would also read 0x10, 0b1, 1e3 and " 7 ", which no link of ours contains. */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

export function parseHash(hash: string): ParsedLink {
  const issues: LinkIssue[] = [];
  const search = new URLSearchParams(hash.replace(/^#/, ''));
  const v = search.get('v');
  const known = v === null || v === String(LINK_VERSION) || Object.hasOwn(EARLIER_DEFAULTS, v);
  if (!known) issues.push({ key: 'v', message: `This link was made by another version (v=${echo(v)}); values were read as v=${LINK_VERSION}.` });
  const params: Record<string, unknown> = known && v !== null ? defaultsOfVersion(Number(v)) : { ...DEFAULT_PARAMS };
  const unknown: string[] = [];
  const seen = new Map<string, number>();
  for (const [urlKey] of search) seen.set(urlKey, (seen.get(urlKey) ?? 0) + 1);
  for (const [urlKey, count] of seen) {
    if (urlKey === 'v') continue;
    const key = KEY_BY_URL.get(urlKey);
    if (!key) {
      unknown.push(urlKey);
      continue;
    }
    // A key given twice: the last one counts, as in any query string, and the page says so.
    const all = search.getAll(urlKey);
    const raw = all[all.length - 1];
    if (count > 1) issues.push({ key, message: `${label(key)} is given ${count} times in the link; the last one (${echo(raw)}) was used.` });
    const spec = PARAMS[key];
    if (spec.kind === 'enum') {
      if ((spec.options as readonly string[]).includes(raw)) params[key] = raw;
      else
        issues.push({
          key,
          message: `${label(key)}: "${echo(raw)}" is not one of ${spec.options.join(', ')}; using ${String(params[key])}.`,
        });
      continue;
    }
    const num = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
    const coerced = coerceNumberParam(key as NumberParamKey, num);
    if (coerced === null) {
      issues.push({ key, message: `${label(key)}: "${echo(raw)}" is not a plain decimal number; using the default ${String(params[key])}.` });
    } else {
      if (coerced !== num) {
        issues.push({
          key,
          message: `${label(key)}: ${echo(raw)} is outside ${spec.min}–${spec.max} (or off its step); using ${coerced}.`,
        });
      }
      params[key] = coerced;
    }
  }
  // Unknown keys in one message, not one each: a pasted link can carry thousands.
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((k) => `"${echo(k)}"`).join(', ');
    const more = unknown.length > 5 ? ` and ${(unknown.length - 5).toLocaleString('en-US')} more` : '';
    issues.push({ key: unknown[0], message: `${unknown.length === 1 ? 'Unknown setting' : `${unknown.length.toLocaleString('en-US')} unknown settings`} ${shown}${more} in the link ${unknown.length === 1 ? 'was' : 'were'} ignored.` });
  }
  // A link can name a mix that cannot run (a convnet thief on 2-D points): repaired, and said.
  const coherent = coherentParams(params as Params);
  for (const message of coherent.repairs) issues.push({ key: PARAMS.dataset.urlKey, message });
  // The playground has defaults of its own (its thieves train longer): a playground link that
  // does not name such a setting means the playground's default, as toHash leaves it out.
  if (isToyDataset(coherent.params.dataset)) {
    for (const key of Object.keys(PLAYGROUND_DEFAULTS) as (keyof typeof PLAYGROUND_DEFAULTS)[]) {
      if (!seen.has(PARAMS[key].urlKey)) Object.assign(coherent.params, { [key]: PLAYGROUND_DEFAULTS[key] });
    }
  }
  return { params: coherent.params, issues };
}

/** `#v=1&…` with only the values that differ from the defaults; `''` when all are default. */
export function toHash(params: Params): string {
  const entries: [string, string][] = [];
  // The mode the link will open in (a playground view on image data opens on 2-D data) picks the defaults.
  const toy = isToyDataset(params.dataset) || params.view === 'playground';
  const defaults: Params = toy ? { ...DEFAULT_PARAMS, ...PLAYGROUND_DEFAULTS } : DEFAULT_PARAMS;
  for (const key of Object.keys(PARAMS) as ParamKey[]) {
    // A record saved before a setting existed lacks it: that is its default, not "undefined".
    if (params[key] !== undefined && params[key] !== defaults[key]) entries.push([PARAMS[key].urlKey, String(params[key])]);
  }
  if (entries.length === 0) return '';
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `#${new URLSearchParams([['v', String(LINK_VERSION)], ...entries]).toString()}`;
}
