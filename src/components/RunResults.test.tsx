import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createAppStore } from '../store/appStore';
import { DEFAULT_PARAMS } from '../params/schema';
import { headerTitle } from '../params/glossary';
import { StoreContext } from './storeContext';
import { RunResults } from './RunResults';

/** Server-render the results tables before a run, as the page first shows them. */
function render(): string {
  return renderToStaticMarkup(
    <StoreContext.Provider value={createAppStore(DEFAULT_PARAMS)}>
      <RunResults />
    </StoreContext.Provider>,
  );
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The attributes of the header cell whose visible text is exactly `text`. */
function header(html: string, text: string): string {
  const cells = [...html.matchAll(/<th([^>]*)>([^<]*)<\/th>/g)];
  const cell = cells.find((c) => c[2] === escape(text));
  if (!cell) throw new Error(`no header "${text}" in ${cells.map((c) => c[2]).join(', ')}`);
  return cell[1];
}

describe('the results tables’ headers', () => {
  it('carry the glossary’s line as tooltip and as the description a screen reader reads', () => {
    const html = render();
    const attrs = header(html, 'agreement with defender');
    const hint = headerTitle('agreement');
    expect(attrs).toContain('tabindex="0"');
    expect(attrs).toContain(`title="${escape(hint)}"`);
    const describedBy = /aria-describedby="([^"]+)"/.exec(attrs)?.[1];
    expect(describedBy).toBeDefined();
    expect(html).toContain(`<span id="${describedBy}">${escape(hint)}</span>`);
    // The description lives outside the header, so the header's text is still only its words.
    expect(html).toMatch(/<div hidden="">/);
  });

  it('explain every measure and both kinds of answers, and keep their visible words', () => {
    const html = render();
    const named = {
      'test accuracy': 'accuracy',
      'agreement with defender': 'agreement',
      'defender accuracy on its FGSM examples': 'fgsm-transfer',
      'honest answers': 'honest-answers',
      'defended answers': 'defended-answers',
      'top class unchanged': 'top-class-unchanged',
      cosine: 'cosine',
      'MAE / dim': 'mae',
      'KL(y‖ŷ)': 'kl',
      'protected accuracy': 'protected-accuracy',
      'answer sum / min entry': 'answer-sum',
    } as const;
    const ids = new Set<string>();
    for (const [text, term] of Object.entries(named)) {
      const attrs = header(html, text);
      expect(attrs, text).toContain(`title="${escape(headerTitle(term))}"`);
      ids.add(/aria-describedby="([^"]+)"/.exec(attrs)?.[1] ?? '');
    }
    expect(ids.size).toBe(Object.keys(named).length);
    // The column that only labels the rows stays a plain header.
    expect(header(html, 'thief trained on')).toBe(' scope="col"');
    expect(html).toContain('data-testid="acc-undefended"');
    expect(html).toContain('data-testid="acc-defended"');
  });
});
