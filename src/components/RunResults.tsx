import { useApp } from './storeContext';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);

/** The latest numbers as a table: thieves side by side, then what the defense cost honest users. */
export function RunResults() {
  // Points and summary only: progress events must not re-render the table.
  const last = useApp((s) => s.run.points.at(-1));
  const summary = useApp((s) => s.run.summary);
  if (!last) return <p className="hint results-empty">Results appear here after the first budget step.</p>;
  const s = summary;
  const diverged = (['undefended', 'defended'] as const).filter((side) => last[side].loss === null);
  return (
    <div className="results" data-testid="run-results">
      <table className="with-row-headers">
        <caption>After {last.queries.toLocaleString('en-US')} queries</caption>
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
            <td data-testid="acc-undefended">{pct(last.undefended.accuracy)}</td>
            <td>{pct(last.undefended.agreement)}</td>
            <td>{s ? pct(s.fgsm.undefended) : '…'}</td>
          </tr>
          <tr>
            <th scope="row">defended answers</th>
            <td data-testid="acc-defended">{pct(last.defended.accuracy)}</td>
            <td>{pct(last.defended.agreement)}</td>
            <td>{s ? pct(s.fgsm.defended) : '…'}</td>
          </tr>
        </tbody>
      </table>
      {diverged.length > 0 && (
        <p className="warning" role="status" data-testid="diverged">
          The {diverged.join(' and ')} thief&apos;s training loss diverged: its targets are not probabilities (smallest
          entry {last.cost.minEntry.toFixed(4)}, mean sum {last.cost.meanSum.toFixed(4)}), so cross-entropy has no
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
            <td>{pct(last.cost.argmaxUnchanged)}</td>
            <td>{num(last.cost.cosine)}</td>
            <td>{num(last.cost.mae)}</td>
            <td>{num(last.cost.kl)}</td>
            <td>{s ? pct(s.protectedAccuracy) : '…'}</td>
            <td>
              {last.cost.meanSum.toFixed(3)} / {last.cost.minEntry.toFixed(3)}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
