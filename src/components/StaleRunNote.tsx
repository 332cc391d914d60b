import { selectStaleRun } from '../store/staleRun';
import { useApp } from './storeContext';

/** Says which settings made the results on screen when they are no longer the settings on screen. */
export function StaleRunNote() {
  const status = useApp((s) => s.run.status);
  const config = useApp((s) => s.run.config);
  const params = useApp((s) => s.params);
  const replaceParams = useApp((s) => s.replaceParams);
  const view = selectStaleRun({ status, config }, params);
  if (!view) return null;
  const made = view.changes.map((c) => c.made).join(', ');
  const now = view.changes.map((c) => c.now).join(', ');
  return (
    <p className="warning stale-note" data-testid="stale-note" role="status">
      {view.running ? (
        <>
          This run uses <strong>{made}</strong>; your change ({now}) applies from the next run.
        </>
      ) : (
        <>
          <strong>Results from other settings:</strong> the curves and tables below were made with {made} (now {now}). Run
          again to see yours, or{' '}
          <button type="button" className="link-button" onClick={() => replaceParams(view.restored)}>
            put back the settings that made them
          </button>
          .
        </>
      )}
    </p>
  );
}
