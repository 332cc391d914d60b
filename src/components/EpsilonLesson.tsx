import { runKey } from '../reproduction/configs';
import type { Params } from '../params/schema';
import { selectEpsilonLesson } from '../store/reportSelectors';
import { useReproduce, useReproduceContext } from './reproduceContext';
import { useApp } from './storeContext';

/** The lesson's ε step: the same ε answers to a naive thief and to one that cleans them, side by side. */
export function EpsilonLesson() {
  const { store } = useReproduceContext();
  const params = useApp((s) => s.params);
  const engineReady = useApp((s) => s.engine.state === 'ready');
  const results = useReproduce((s) => s.results);
  const status = useReproduce((s) => s.status);
  // The lab's settings, with the thief's cleaning as the one difference (and a budget a class can wait for).
  const base: Params = { ...params, defense: 'epsilon', budget: Math.min(params.budget, 1200) };
  const naive: Params = { ...base, cleaning: 'naive' };
  const clean: Params = { ...base, cleaning: 'clean' };
  const naiveKey = runKey(naive);
  const cleanKey = runKey(clean);
  const view = selectEpsilonLesson(results, naiveKey, cleanKey);
  const done = view.naive !== null && view.clean !== null;
  return (
    <section className="epsilon-lesson" aria-labelledby="el-title" data-testid="epsilon-lesson">
      <div className="eq-head">
        <h3 id="el-title">Does ε stop a thief who cleans the answers?</h3>
        <button
          type="button"
          disabled={!engineReady || status === 'running' || done}
          onClick={() =>
            store
              .getState()
              .runRuns([
                { key: naiveKey, config: naive },
                { key: cleanKey, config: clean },
              ])
              .catch((e: unknown) => store.getState().fail(e))
          }
        >
          {done ? 'Done' : status === 'running' ? 'Running…' : `Run both thieves (ε = ${base.epsilon}, ${base.budget.toLocaleString('en-US')} queries)`}
        </button>
      </div>
      <p className="hint">
        Two runs with your settings: one thief trains on the ε answers as they come, the other first clips them to [0, 1] and renormalises them.
        Both are compared with a thief on honest answers.
      </p>
      <div className="lesson-columns">
        <LessonColumn title="Naive thief" thief={view.naive} />
        <LessonColumn title="Cleaning thief" thief={view.clean} />
      </div>
      {view.sentences.length > 0 && (
        <ul className="lesson-sentences" data-testid="epsilon-lesson-text">
          {view.sentences.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LessonColumn({ title, thief }: { title: string; thief: ReturnType<typeof selectEpsilonLesson>['naive'] }) {
  return (
    <div className="lesson-column">
      <h4>{title}</h4>
      {thief ? (
        <p className="lesson-number">
          <strong>{(thief.accuracy * 100).toFixed(1)}%</strong> test accuracy
          <br />
          <span className="hint">
            honest-answer thief {(thief.undefendedAccuracy * 100).toFixed(1)}%{thief.diverged ? ' · loss diverged' : ''}
          </span>
        </p>
      ) : (
        <p className="hint">not run yet</p>
      )}
    </div>
  );
}
