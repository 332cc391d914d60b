import { describe, expect, it } from 'vitest';
import { betterClause, betterSentence, GLOSSARY, glossaryAnchor, glossaryEntry, headerTitle, type GlossaryId } from './glossary';

describe('the glossary', () => {
  it('holds every id once', () => {
    const ids = GLOSSARY.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every term a name and a short text that ends in a period', () => {
    for (const e of GLOSSARY) {
      expect(e.term.trim(), e.id).not.toBe('');
      expect(e.short.trim().length, e.id).toBeGreaterThan(0);
      expect(e.short, e.id).toMatch(/\.$/);
      if (e.more !== undefined) expect(e.more, e.id).toMatch(/\.$/);
    }
  });

  it('names who a direction is better for', () => {
    for (const e of GLOSSARY) {
      if (e.better !== null) expect(e.betterFor.trim(), e.id).not.toBe('');
    }
    expect(betterClause(glossaryEntry('mae'))).toBe('lower is better for honest users');
    expect(betterClause(glossaryEntry('beta'))).toBeNull();
    expect(betterSentence(glossaryEntry('stealing-drop'))).toBe('Higher is better for the defender.');
    expect(betterSentence(glossaryEntry('gamma'))).toBeNull();
  });

  it('writes a header title as the short text and the better direction on one line', () => {
    expect(headerTitle('agreement')).toBe(
      "The fraction of test images on which the thief's top class equals the defender's top class — higher is better for the thief.",
    );
    expect(headerTitle('fgsm-transfer')).toBe(
      "The defender's accuracy on adversarial examples crafted on the thief with FGSM (ε_adv = 0.3 by default) — lower is better for the thief.",
    );
    // No direction: the short text alone.
    expect(headerTitle('honest-answers')).toBe('The probabilities the defender computes, before any defense changes them.');
    for (const e of GLOSSARY) expect(headerTitle(e.id), e.id).not.toContain('\n');
  });

  it('throws for an id it does not hold', () => {
    expect(() => glossaryEntry('no-such-term' as GlossaryId)).toThrow(/no glossary entry "no-such-term"/);
    expect(() => headerTitle('no-such-term' as GlossaryId)).toThrow(RangeError);
  });

  it('anchors a term at glossary-<id>', () => {
    expect(glossaryAnchor('kl')).toBe('glossary-kl');
  });
});
