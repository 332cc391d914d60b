/**
 * What "Retrain it" will cost, said before it starts: a live training of the defender is minutes
 * without a GPU, and one click used to start it with no warning. The step count comes from the
 * engine (the defender's split in batches, times the epochs); the time per step from this
 * browser's backend calibration, which times exactly a defender step.
 */
export interface RetrainEstimate {
  steps: number;
  /** Expected milliseconds, or null when the backend was not timed (chosen by hand, or the only one). */
  ms: number | null;
  /** One sentence for the confirmation. */
  text: string;
}

function minutes(ms: number): string {
  const min = ms / 60_000;
  if (min < 1) return 'under a minute';
  return `about ${min < 10 ? min.toFixed(1).replace(/\.0$/, '') : Math.round(min)} min`;
}

export function retrainEstimate(steps: number, msPerStep: number | null, backend: string): RetrainEstimate {
  const stepsText = `${steps.toLocaleString('en-US')} training steps`;
  if (msPerStep === null || !Number.isFinite(msPerStep) || msPerStep <= 0) {
    return {
      steps,
      ms: null,
      text: `${stepsText} on ${backend}: minutes without a GPU (this backend was not timed here, so the time left shows once it starts).`,
    };
  }
  const ms = steps * msPerStep;
  return {
    steps,
    ms,
    text: `${stepsText} on ${backend}: ${minutes(ms)} (this browser timed ${Math.round(msPerStep)} ms a step), then the run itself.`,
  };
}
