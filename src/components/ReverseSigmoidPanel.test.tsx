import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createAppStore } from '../store/appStore';
import { DEFAULT_PARAMS } from '../params/schema';
import { StoreContext } from './storeContext';
import { ReverseSigmoidPanel } from './ReverseSigmoidPanel';
import { TopClassNote } from './TopClassNote';

/** Server-render the explainer and the note under the sliders at (β, γ): their text (tags stripped) and markup. */
function render(beta: number, gamma: number): { html: string; text: string } {
  const store = createAppStore({ ...DEFAULT_PARAMS, beta, gamma });
  const html = renderToStaticMarkup(
    <StoreContext.Provider value={store}>
      <TopClassNote />
      <ReverseSigmoidPanel />
    </StoreContext.Provider>,
  );
  return { html, text: html.replace(/<[^>]*>/g, '') };
}

describe('the reverse sigmoid’s top-class note and explainer', () => {
  it('β = 0: the top class stays on top', () => {
    const { html, text } = render(0, 1);
    expect(text).toContain('the top class stays on top');
    expect(html).not.toContain('rs-topclass-warning');
    expect(html).toContain('data-testid="fold-note"');
    expect(text).toContain('The curves follow β = 0 and γ = 1');
  });

  it('β = 0.8, γ = 0.5 (defaults): unsure answers can flip, with the threshold in percent', () => {
    const { html, text } = render(0.8, 0.5);
    expect(text).toContain('Answers less than 33% sure can come back with another class on top');
    expect(text).not.toContain('stays on top');
    expect(html).not.toContain('rs-topclass-warning');
  });

  it('β = 1.6, γ = 0.5: a visible warning with the 99% example', () => {
    const { html, text } = render(1.6, 0.5);
    expect(html).toContain('data-testid="rs-topclass-warning"');
    expect(html).not.toContain('role="alert"');
    expect(text).toContain('honest users get wrong labels');
    expect(text).toContain('An answer 99% sure of one class comes back with another class on top');
    expect(text).not.toContain('stays on top');
  });
});
