import { memo, useId } from 'react';
import { headerTitle, type GlossaryId } from '../params/glossary';
import { formatCount } from '../store/format';
import { useApp } from './storeContext';
import './glossary.css';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);
const DASH = '—';

/**
 * The terms the headers below name. Typing each header's term as one of these keeps the hidden
 * descriptions in step with the headers: a header cannot point at a description that is missing.
 */
const HEADER_TERMS = [
  'accuracy',
  'agreement',
  'fgsm-transfer',
  'honest-answers',
  'defended-answers',
  'top-class-unchanged',
  'cosine',
  'mae',
  'kl',
  'protected-accuracy',
  'answer-sum',
] as const satisfies readonly GlossaryId[];
type HeaderTerm = (typeof HEADER_TERMS)[number];

const descriptionId = (prefix: string, term: HeaderTerm) => `${prefix}-${term}`;

/**
 * A header that explains itself: the glossary's one line as a mouse tooltip (title), as a
 * popover while it has the keyboard focus (glossary.css draws data-hint), and as its accessible
 * description for screen readers. The visible text stays exactly the children. Memoised: the
 * table re-renders with every streamed point, its eleven headers never change.
 */
const TermHeader = memo(function TermHeader({ term, scope, tip = 'below', prefix, children }: {
  term: HeaderTerm;
  scope: 'col' | 'row';
  /** Where the focus popover opens: above for a table near the bottom of the scrolling results. */
  tip?: 'below' | 'above';
  prefix: string;
  children: string;
}) {
  const hint = headerTitle(term);
  return (
    <th scope={scope} tabIndex={0} className="term-header" data-tip={tip} data-hint={hint} title={hint} aria-describedby={descriptionId(prefix, term)}>
      {children}
    </th>
  );
});

/** The latest numbers as a table: thieves side by side, then what the defense cost honest users. */
export function RunResults() {
  // Points and summary only: progress events must not re-render the table.
  const last = useApp((s) => s.run.points.at(-1));
  const summary = useApp((s) => s.run.summary);
  const s = summary;
  const prefix = useId();
  // Before the first budget step the tables stand with dashes, so nothing below them moves when
  // the first numbers arrive.
  const diverged = last ? (['undefended', 'defended'] as const).filter((side) => last[side].loss === null) : [];
  return (
    <div className="results" data-testid="run-results" data-waiting={!last}>
      <table className="with-row-headers">
        <caption>{last ? `After ${formatCount(last.queries)} queries` : 'Results appear here after the first budget step'}</caption>
        <thead>
          <tr>
            <th scope="col">thief trained on</th>
            <TermHeader scope="col" term="accuracy" prefix={prefix}>test accuracy</TermHeader>
            <TermHeader scope="col" term="agreement" prefix={prefix}>agreement with defender</TermHeader>
            <TermHeader scope="col" term="fgsm-transfer" prefix={prefix}>defender accuracy on its FGSM examples</TermHeader>
          </tr>
        </thead>
        <tbody>
          <tr>
            <TermHeader scope="row" term="honest-answers" prefix={prefix}>honest answers</TermHeader>
            <td data-testid="acc-undefended">{last ? pct(last.undefended.accuracy) : DASH}</td>
            <td>{last ? pct(last.undefended.agreement) : DASH}</td>
            <td>{s ? pct(s.fgsm.undefended) : last ? '…' : DASH}</td>
          </tr>
          <tr>
            <TermHeader scope="row" term="defended-answers" prefix={prefix}>defended answers</TermHeader>
            <td data-testid="acc-defended">{last ? pct(last.defended.accuracy) : DASH}</td>
            <td>{last ? pct(last.defended.agreement) : DASH}</td>
            <td>{s ? pct(s.fgsm.defended) : last ? '…' : DASH}</td>
          </tr>
        </tbody>
      </table>
      {diverged.length > 0 && (
        <p className="warning" role="status" data-testid="diverged">
          The {diverged.join(' and ')} thief&apos;s training loss diverged: its targets are not probabilities (smallest
          entry {last?.cost.minEntry.toFixed(4)}, mean sum {last?.cost.meanSum.toFixed(4)}), so cross-entropy has no
          minimum. Its curve shows what the broken model predicts; a cleaning thief avoids this.
        </p>
      )}
      <table>
        <caption>What the defense costs honest users</caption>
        <thead>
          <tr>
            <TermHeader scope="col" tip="above" term="top-class-unchanged" prefix={prefix}>top class unchanged</TermHeader>
            <TermHeader scope="col" tip="above" term="cosine" prefix={prefix}>cosine</TermHeader>
            <TermHeader scope="col" tip="above" term="mae" prefix={prefix}>MAE / dim</TermHeader>
            <TermHeader scope="col" tip="above" term="kl" prefix={prefix}>KL(y‖ŷ)</TermHeader>
            <TermHeader scope="col" tip="above" term="protected-accuracy" prefix={prefix}>protected accuracy</TermHeader>
            <TermHeader scope="col" tip="above" term="answer-sum" prefix={prefix}>answer sum / min entry</TermHeader>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{last ? pct(last.cost.argmaxUnchanged) : DASH}</td>
            <td>{last ? num(last.cost.cosine) : DASH}</td>
            <td>{last ? num(last.cost.mae) : DASH}</td>
            <td>{last ? num(last.cost.kl) : DASH}</td>
            <td>{s ? pct(s.protectedAccuracy) : last ? '…' : DASH}</td>
            <td>{last ? `${last.cost.meanSum.toFixed(3)} / ${last.cost.minEntry.toFixed(3)}` : DASH}</td>
          </tr>
        </tbody>
      </table>
      {/* Hidden, yet read as each header's description: screen readers hear it once, on the header. */}
      <div hidden>
        {HEADER_TERMS.map((term) => (
          <span key={term} id={descriptionId(prefix, term)}>
            {headerTitle(term)}
          </span>
        ))}
      </div>
    </div>
  );
}
