import { lazy, Suspense } from 'react';
import { BackendStatus } from '../components/BackendStatus';
import { DrawingPad } from '../components/DrawingPad';
import { ViewTabs } from '../components/ViewTabs';
import { useApp } from '../components/storeContext';
import { ExperimentPanel } from '../components/ExperimentPanel';
import { Notices } from '../components/Notices';
import { ReverseSigmoidPanel } from '../components/ReverseSigmoidPanel';
import { ThemeSwitch } from '../components/ThemeSwitch';
import { PresenterToggle } from '../components/PresenterToggle';
import { EmbedView } from '../components/EmbedView';
import { Glossary } from '../components/Glossary';

// The Reproduce view (report tables, its charts) loads on first use, not with the lab.
const ReproduceView = lazy(() => import('../components/ReproduceView').then((m) => ({ default: m.ReproduceView })));
const PlaygroundView = lazy(() => import('../components/playground/PlaygroundView').then((m) => ({ default: m.PlaygroundView })));
const HandoutView = lazy(() => import('../components/HandoutView').then((m) => ({ default: m.HandoutView })));

/**
 * The chosen defense's explainer, under the lab: the reverse sigmoid's curves when it is chosen.
 * The ε counter-attack explains itself inside the lab (one real query and the lesson's pair of
 * thieves), so the reverse-sigmoid panel makes way for it rather than describing a defense not in use.
 */
function DefenseExplainer() {
  const defense = useApp((s) => s.params.defense);
  return defense === 'reverse-sigmoid' ? <ReverseSigmoidPanel /> : null;
}

export function App() {
  const view = useApp((s) => s.params.view);
  const present = useApp((s) => s.params.present === 1);
  const embed = useApp((s) => s.params.embed === 1);
  if (embed) {
    return (
      <div className="app embed">
        <Notices />
        <EmbedView />
      </div>
    );
  }
  return (
    <div className={present ? 'app present' : 'app'}>
      <header className="topbar">
        <div className="brand">
          <h1>Model Theft Lab</h1>
          <p className="tagline">Steal a neural network in your browser — then watch a defense make the thief fail.</p>
        </div>
        <div className="topbar-right">
          <PresenterToggle />
          <ThemeSwitch />
          <BackendStatus />
        </div>
      </header>
      <ViewTabs />
      <Notices />
      {view === 'handout' ? (
        <Suspense fallback={<p className="hint">Loading the handout…</p>}>
          <HandoutView />
        </Suspense>
      ) : view === 'playground' ? (
        <Suspense fallback={<p className="hint">Loading the playground…</p>}>
          <PlaygroundView />
        </Suspense>
      ) : view === 'reproduce' ? (
        <Suspense fallback={<p className="hint">Loading the reproduction…</p>}>
          <ReproduceView />
        </Suspense>
      ) : (
        <main>
          <ExperimentPanel />
          {!present && <DefenseExplainer />}
          {!present && <DrawingPad />}
          {!present && <Glossary />}
        </main>
      )}
      <footer className="footer">
        Defenses from “Defending Against Neural Network Model Stealing Attacks Using Deceptive Perturbations”
        (reverse sigmoid, arXiv:1806.00054) and the ε counter-attack, which poisons a thief&apos;s training with the
        defender&apos;s own gradients. Everything runs locally: no data leaves this page.
      </footer>
    </div>
  );
}
