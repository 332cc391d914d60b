import { useApp } from './storeContext';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);
const DASH = '—';

/** The latest numbers as a table: thieves side by side, then what the defense cost honest users. */
export function RunResults() {
  // Points and summary only: progress events must not re-render the table.
  const last = useApp((s) => s.run.points.at(-1));
  const summary = useApp((s) => s.run.summary);
  const s = summary;
  // Before the first budget step the tables stand with dashes, so nothing below them moves when
  // the first numbers arrive.
  const diverged = last ? (['undefended', 'defended'] as const).filter((side) => last[side].loss === null) : [];
  return (
    <div className="results" data-testid="run-results" data-waiting={!last}>
      <table className="with-row-headers">
        <caption>{last ? `After ${last.queries.toLocaleString('en-US')} queries` : 'Results appear here after the first budget step'}</caption>
        <thead>
          <tr>
            <th scope="col">thief trained on</th>
            <th scope="col">test accuracy</th>
            <th scope="col">agreement with defender</th>
            <th scope="col">defender accuracy on its FGSM examples</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">honest answers</th>
            <td data-testid="acc-undefended">{last ? pct(last.undefended.accuracy) : DASH}</td>
            <td>{last ? pct(last.undefended.agreement) : DASH}</td>
            <td>{s ? pct(s.fgsm.undefended) : last ? '…' : DASH}</td>
          </tr>
          <tr>
            <th scope="row">defended answers</th>
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
            <th scope="col">top class unchanged</th>
            <th scope="col">cosine</th>
            <th scope="col">MAE / dim</th>
            <th scope="col">KL(y‖ŷ)</th>
            <th scope="col">protected accuracy</th>
            <th scope="col">answer sum / min entry</th>
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
    </div>
  );
}
