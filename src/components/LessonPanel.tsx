import { useContext, useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PLAYGROUND_PRESETS } from '../params/presets';
import { choosePlaygroundPreset } from './playground/PlaygroundPresets';
import { StoreContext } from './storeContext';
import { LESSON, lessonPreset, lessonVerdict } from '../store/lesson';
import { useApp } from './storeContext';
import { usePresetPlayer } from './usePresetPlayer';

/**
 * The guided lesson, beside the chart: where you are, what to watch, and after the step's run
 * (its recorded replay, or a live run of the same settings) a verdict read off that run.
 * Entering a step puts its preset on screen; Next and Back move through the steps, and the
 * step number is in the link (#lesson=N), so a class can be sent straight to one.
 */
export function LessonPanel() {
  const lesson = useApp((s) => s.params.lesson);
  const setNumber = useApp((s) => s.setNumber);
  const startRun = useApp((s) => s.startRun);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const { load, play } = usePresetPlayer();
  const index = Math.min(Math.max(lesson, 1), LESSON.length) - 1;
  const step = LESSON[index];
  // Slices, not the run object: that changes with every engine event of a run, and the verdict
  // (compared field by field) changes only when the run starts or ends.
  const liveRunning = useApp((s) => s.run.status === 'running' && !s.run.replay);
  const verdict = useApp(useShallow((s) => lessonVerdict(step, s.run)));

  // A new step puts its preset on screen (the replay at class pace is for the teacher to choose; steps play fast).
  useEffect(() => {
    play(lessonPreset(LESSON[index]), 'fast');
  }, [index, play]);

  const go = (n: number) => setNumber('lesson', n);
  return (
    <section className="lesson" aria-labelledby="lesson-title" data-testid="lesson">
      <p className="lesson-where">
        Guided lesson · step <strong data-testid="lesson-step">{index + 1}</strong> of {LESSON.length}
        <progress max={LESSON.length} value={index + 1} aria-label="Lesson progress" />
      </p>
      <h3 id="lesson-title">{step.title}</h3>
      <p className="lesson-text">{step.text}</p>
      {index === 0 && <PlaygroundFirst />}
      <p className={`lesson-verdict lesson-verdict-${verdict.kind}`} data-testid="lesson-verdict" data-kind={verdict.kind} aria-live="polite">
        {verdict.kind === 'ready' && <strong>What happened: </strong>}
        {verdict.text}
      </p>
      {load.kind === 'error' && (
        <p className="error" role="alert">
          {load.message}
        </p>
      )}
      <div className="lesson-buttons" role="group" aria-label="Lesson steps">
        <button type="button" onClick={() => go(index)} disabled={index === 0 || liveRunning}>
          Back
        </button>
        <button type="button" className="primary" onClick={() => go(index + 2)} disabled={index === LESSON.length - 1 || liveRunning}>
          Next
        </button>
        <button type="button" onClick={() => startRun()} disabled={!engineReady || liveRunning} title="Train this step's run here, in this browser">
          Run it live
        </button>
        <button type="button" className="link-button" onClick={() => go(0)} disabled={liveRunning}>
          Leave the lesson
        </button>
      </div>
    </section>
  );
}

/** The lesson's way into the 2-D playground: the same theft as pictures, in seconds, before the digits. */
function PlaygroundFirst() {
  const store = useContext(StoreContext);
  const liveRunning = useApp((s) => s.run.status === 'running' && !s.run.replay);
  if (!store) return null;
  return (
    <p className="lesson-aside">
      New to this? See the whole theft first on points in a plane, where the thief&apos;s copy of the defender can be drawn (a few seconds):{' '}
      <button type="button" className="link-button" onClick={() => choosePlaygroundPreset(store, PLAYGROUND_PRESETS[0], false)} disabled={liveRunning}>
        open the 2-D playground
      </button>
      . The lab tab brings you back to this step.
    </p>
  );
}
