import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultsOfVersion, EARLIER_DEFAULTS, parseHash, toHash } from './codec';
import { coherentParams } from './playground';
import {
  DEFAULT_PARAMS,
  PARAMS,
  accessibleName,
  coerceNumberParam,
  paramsSchema,
  type EnumParamSpec,
  type NumberParamKey,
  type NumberParamSpec,
  type ParamKey,
  type Params,
} from './schema';

/** Every parameter from the table: enums by option, numbers on their slider grid. */
function arbitraryFor(key: ParamKey): fc.Arbitrary<unknown> {
  const spec = PARAMS[key] as EnumParamSpec | NumberParamSpec;
  if (spec.kind === 'enum') return fc.constantFrom(...spec.options);
  if (spec.integer) return fc.integer({ min: spec.min, max: spec.max });
  const steps = Math.round((spec.max - spec.min) / spec.step);
  return fc.integer({ min: 0, max: steps }).map((i) => coerceNumberParam(key as NumberParamKey, spec.min + i * spec.step));
}

const arbAnyParams = fc.record(
  Object.fromEntries((Object.keys(PARAMS) as ParamKey[]).map((k) => [k, arbitraryFor(k)])),
) as unknown as fc.Arbitrary<Params>;

/** Parameter sets that can run: a 2-D data set comes with the playground's thief, shifts and budget. */
const arbParams = arbAnyParams.map((p) => coherentParams(p).params);

describe('share-link codec', () => {
  it('round-trips every valid parameter set', () => {
    fc.assert(
      fc.property(arbParams, (p) => {
        const parsed = parseHash(toHash(p));
        expect(parsed.issues).toEqual([]);
        expect(parsed.params).toEqual(p);
      }),
    );
  });

  it('repairs a link that mixes the playground and the lab, and says so for every value somebody chose', () => {
    fc.assert(
      fc.property(arbAnyParams, (p) => {
        const parsed = parseHash(toHash(p));
        const { params, repairs } = coherentParams(p);
        expect(parsed.params).toEqual(params);
        expect(parsed.issues.map((i) => i.message)).toEqual(repairs);
        expect(coherentParams(params).repairs).toEqual([]);
      }),
    );
    const mixed = parseHash('#v=2&data=spiral&sub=X&budget=3000');
    expect(mixed.params).toMatchObject({ view: 'playground', dataset: 'spiral', substitute: 'mlp', budget: 1200 });
    expect(mixed.issues).toHaveLength(2);
    // The lab's own defaults (a convnet thief, 600 queries) are not choices: they change silently.
    expect(parseHash('#v=2&data=moons').issues).toEqual([]);
    // The playground without a data set opens on two moons, without a word; a named image set is said.
    expect(parseHash('#v=2&view=playground')).toMatchObject({ params: { view: 'playground', dataset: 'moons' }, issues: [] });
    // The playground's own defaults: its thieves train 20 epochs a step unless the link says otherwise.
    expect(parseHash('#v=2&data=moons').params.thiefEpochs).toBe(20);
    expect(parseHash('#v=2&data=moons&tep=3').params.thiefEpochs).toBe(3);
    const three = parseHash('#v=2&data=moons&tep=3').params;
    // A playground link names the mode and what differs from the playground's defaults (MLP thief, no shifts, 1,200 queries).
    expect(toHash(three)).toBe('#v=2&data=moons&tep=3&view=playground');
    expect(toHash({ ...three, thiefEpochs: 20 })).toBe('#v=2&data=moons&view=playground');
    expect(toHash({ ...three, thiefEpochs: 20, budget: 600 })).toBe('#v=2&budget=600&data=moons&view=playground');
    expect(parseHash('#v=2&data=moons&tep=20').params).toEqual(parseHash('#v=2&data=moons').params);
    expect(parseHash('#v=2&view=playground&data=fashion-mnist').issues.map((i) => i.message)).toEqual(['The 2-D playground draws 2-D data, not Fashion-MNIST: it opened on Two moons.']);
  });

  it('writes nothing for the defaults and only the changed keys otherwise, sorted', () => {
    expect(toHash(DEFAULT_PARAMS)).toBe('');
    expect(toHash({ ...DEFAULT_PARAMS, seed: 7, beta: 0.25 })).toBe('#v=2&beta=0.25&seed=7');
  });

  it('reads an old link against the defaults of its version, so it replays the same run', () => {
    // v1 links were written when β = 0.8 was the default: '#v=1&seed=7' meant it.
    const old = parseHash('#v=1&seed=7');
    expect(old.issues).toEqual([]);
    expect(old.params).toEqual({ ...DEFAULT_PARAMS, beta: 0.8, seed: 7 });
    expect(defaultsOfVersion(1)).toEqual({ ...DEFAULT_PARAMS, ...EARLIER_DEFAULTS[1] });
    // Written again today it names them, and it reads back to the same run.
    expect(toHash(old.params)).toBe('#v=2&beta=0.8&seed=7');
    expect(parseHash(toHash(old.params)).params).toEqual(old.params);
    // Today's links, and links without a version, use today's defaults.
    expect(parseHash('#v=2&seed=7').params).toEqual({ ...DEFAULT_PARAMS, seed: 7 });
    expect(parseHash('#seed=7').params).toEqual({ ...DEFAULT_PARAMS, seed: 7 });
    // A bad value in an old link falls back to that version's default, and says which.
    const bad = parseHash('#v=1&beta=banana');
    expect(bad.params.beta).toBe(0.8);
    expect(bad.issues[0].message).toMatch(/using the default 0\.8/);
  });

  it('every earlier version lists only real parameters whose default did change', () => {
    for (const changed of Object.values(EARLIER_DEFAULTS))
      for (const [key, value] of Object.entries(changed)) {
        expect(key in DEFAULT_PARAMS).toBe(true);
        expect(DEFAULT_PARAMS[key as keyof typeof DEFAULT_PARAMS]).not.toBe(value);
      }
  });

  it('the defaults satisfy the strict schema', () => {
    expect(paramsSchema.parse(DEFAULT_PARAMS)).toEqual(DEFAULT_PARAMS);
  });

  it('falls back to defaults with a message for garbage, NaN and unknown keys', () => {
    const { params, issues } = parseHash('#v=2&beta=abc&gamma=NaN&seed=&data=cifar&zzz=1');
    expect(params).toEqual(DEFAULT_PARAMS);
    expect(issues.map((i) => i.key).sort()).toEqual(['dataset', 'gamma', 'seed', 'beta', 'zzz'].sort());
    expect(issues.find((i) => i.key === 'beta')?.message).toMatch(/β \(beta\).*"abc" is not a plain decimal number.*using the default 1\./);
    expect(issues.find((i) => i.key === 'dataset')?.message).toMatch(/"cifar" is not one of mnist, fashion-mnist/);
  });

  it('says what it did with a key given twice, a non-decimal number, thousands of unknown keys and a huge value', () => {
    const twice = parseHash('#beta=0.3&beta=0.5');
    expect(twice.params.beta).toBe(0.5);
    expect(twice.issues.map((i) => i.message)).toEqual(['β (beta) is given 2 times in the link; the last one (0.5) was used.']);
    // Number() would read these as 16, 1 and 1000; a link of ours never holds them.
    for (const raw of ['0x10', '0b1', '1e3', ' 7']) {
      const r = parseHash(`#seed=${encodeURIComponent(raw)}`);
      expect(r.params.seed, raw).toBe(DEFAULT_PARAMS.seed);
      expect(r.issues[0].message, raw).toContain('is not a plain decimal number');
    }
    const many = parseHash(`#${Array.from({ length: 12_000 }, (_, i) => `k${i}=1`).join('&')}`);
    expect(many.issues).toHaveLength(1);
    expect(many.issues[0].message).toBe('12,000 unknown settings "k0", "k1", "k2", "k3", "k4" and 11,995 more in the link were ignored.');
    const huge = parseHash(`#data=${'x'.repeat(1_000_000)}`);
    expect(huge.issues[0].message.length).toBeLessThan(200);
    expect(huge.issues[0].message).toContain('… (1,000,000 characters)');
  });

  it('clamps out-of-range numbers to the range and says so', () => {
    const { params, issues } = parseHash('#beta=7&gamma=-1&seed=3.6');
    expect(params.beta).toBe(2);
    expect(params.gamma).toBe(0.05);
    expect(params.seed).toBe(4);
    expect(issues).toHaveLength(3);
    // ±Infinity is not a number a slider can hold: default, not the range end.
    expect(parseHash('#beta=Infinity').params.beta).toBe(DEFAULT_PARAMS.beta);
  });

  it('never throws on arbitrary input and always yields schema-valid params, with short messages (1,000 links)', () => {
    const keys = Object.values(PARAMS).map((p) => p.urlKey);
    const value = fc.oneof(fc.string(), fc.double().map(String), fc.constantFrom('NaN', '-Infinity', '1e999', '0x10', '__proto__', '<b>x</b>', 'x'.repeat(5000)));
    const link = fc.oneof(
      fc.string(),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys, 'v', '__proto__', 'constructor'), fc.string()), value), { maxLength: 12 }).map((pairs) => `#${new URLSearchParams(pairs).toString()}`),
    );
    fc.assert(
      fc.property(link, (s) => {
        const { params, issues } = parseHash(s);
        expect(paramsSchema.safeParse(params).success).toBe(true);
        for (const i of issues) expect(i.message.length).toBeLessThan(400);
      }),
      { numRuns: 1000 },
    );
  });

  it('warns about a link from another version', () => {
    expect(parseHash('#v=9&beta=0.5').issues[0].message).toMatch(/v=9/);
  });
});

describe('schema helpers', () => {
  it('coerceNumberParam snaps to the step and rejects non-finite values', () => {
    expect(coerceNumberParam('beta', 0.1 + 0.2)).toBe(0.3);
    expect(coerceNumberParam('beta', Number.NaN)).toBeNull();
    expect(coerceNumberParam('gamma', Number.POSITIVE_INFINITY)).toBeNull();
    expect(coerceNumberParam('seed', -5)).toBe(0);
  });

  it('accessible names carry symbol and word', () => {
    expect(accessibleName('beta')).toBe('β (beta)');
    expect(accessibleName('gamma')).toBe('γ (gamma)');
    expect(accessibleName('dataset')).toBe('Data set');
  });
});
