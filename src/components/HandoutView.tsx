import { useEffect, useState } from 'react';
import { demoPath } from '../params/presets';
import { IDLE_RUN, reduceRun } from '../store/appStore';
import { fetchRecording } from '../store/demos';
import { HANDOUT_QUESTIONS } from '../store/handout';
import { LESSON, lessonVerdict } from '../store/lesson';
import type { RecordedRun } from '../store/recordedRun';
import { recordedRunState } from '../store/replay';
import { selectThiefChart } from '../store/thiefChart';
import { SubstituteAccuracyChart } from './charts/SubstituteAccuracyChart';
import './handout.css';

type Loaded = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; runs: Map<string, RecordedRun> };

const PRESET_IDS = [...new Set([...LESSON.map((s) => s.presetId), ...HANDOUT_QUESTIONS.map((q) => q.presetId)])];

/**
 * The guided lesson on paper: every step with its words, its chart and its verdict (from the
 * recorded runs the lesson replays), then five questions for the class, and the answers on a
 * separate teacher's page. The print style sheet drops the page's controls and breaks pages there.
 */
export function HandoutView() {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    Promise.all(PRESET_IDS.map((id) => fetchRecording(new URL(demoPath(id), document.baseURI).href, (url) => fetch(url)).then((r) => [id, r] as const)))
      .then((all) => {
        if (!live) return;
        const bad = all.find(([, r]) => !r.ok);
        if (bad && !bad[1].ok) {
          setLoaded({ kind: 'error', message: bad[1].message });
          return;
        }
        setLoaded({ kind: 'ready', runs: new Map(all.flatMap(([id, r]) => (r.ok ? [[id, r.recording] as const] : []))) });
      })
      .catch((e: unknown) => live && setLoaded({ kind: 'error', message: `The handout's recorded runs could not be loaded: ${e instanceof Error ? e.message : String(e)}.` }));
    return () => {
      live = false;
    };
  }, []);

  if (loaded.kind === 'loading') return <p className="hint">Loading the lesson’s recorded runs…</p>;
  if (loaded.kind === 'error')
    return (
      <p className="error" role="alert">
        {loaded.message}
      </p>
    );
  const { runs } = loaded;
  const state = (id: string) => recordedRunState(runs.get(id)!, reduceRun, IDLE_RUN);
  return (
    <main className="handout" data-testid="handout">
      <header className="handout-head">
        <h2>Stealing a neural network, and defending it: a lesson in nine steps</h2>
        <p>
          Each step was run with the Model Theft Lab; the numbers are the recorded runs the lesson replays (open the lab with
          <code> #lesson=1</code> to go through them live).
        </p>
        <button type="button" className="print-button" onClick={() => window.print()}>
          Print the handout
        </button>
      </header>
      {LESSON.map((step, i) => {
        const run = state(step.presetId);
        const showChart = i === 0 || LESSON[i - 1].presetId !== step.presetId;
        return (
          <section key={step.title} className="handout-step">
            <h3>
              {i + 1}. {step.title}
            </h3>
            <p>{step.text}</p>
            {showChart && <SubstituteAccuracyChart data={selectThiefChart(run, run.config!)} />}
            <p className="handout-verdict">
              <strong>What happened: </strong>
              {lessonVerdict(step, run).text}
            </p>
          </section>
        );
      })}
      <section className="handout-questions">
        <h3>Questions for the class</h3>
        <ol>
          {HANDOUT_QUESTIONS.map((h) => (
            <li key={h.question}>
              {h.question}
              <div className="answer-space" aria-hidden="true" />
            </li>
          ))}
        </ol>
      </section>
      <section className="teacher-page" data-testid="teacher-page">
        <h3>Answers (teacher’s page)</h3>
        <ol>
          {HANDOUT_QUESTIONS.map((h) => (
            <li key={h.question}>
              <em>{h.question}</em> {h.answer(runs.get(h.presetId)!)}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
