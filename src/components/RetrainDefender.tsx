import { useState } from 'react';
import { PARAMS } from '../params/schema';
import { retrainEstimate } from '../store/retrainEstimate';
import { useApp } from './storeContext';

/** "Retrain it", with a confirmation that says what it costs before minutes of training start. */
export function RetrainDefender() {
  const trainSteps = useApp((s) => s.run.defender?.trainSteps ?? null);
  const engine = useApp((s) => s.engine);
  const startRun = useApp((s) => s.startRun);
  const [asking, setAsking] = useState(false);
  if (trainSteps === null) return null;
  if (!asking) {
    return (
      <button
        type="button"
        className="link-button"
        onClick={() => setAsking(true)}
        title="Train the defender from scratch in this browser (minutes without a GPU), then run again"
      >
        Retrain it
      </button>
    );
  }
  const backend = engine.state === 'ready' ? PARAMS.backend.optionLabels[engine.backend] : 'this backend';
  const estimate = retrainEstimate(trainSteps, engine.state === 'ready' ? engine.defenderMsPerStep : null, backend);
  return (
    <span className="retrain-confirm" role="group" aria-label="Retrain the defender?" data-testid="retrain-confirm">
      <span>
        Train the defender from scratch? {estimate.text} The results on screen are replaced.
      </span>{' '}
      <button
        type="button"
        onClick={() => {
          setAsking(false);
          startRun({ retrainDefender: true });
        }}
      >
        Retrain and run
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)} autoFocus>
        Cancel
      </button>
    </span>
  );
}
