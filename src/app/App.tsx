import { BackendStatus } from '../components/BackendStatus';
import { ExperimentPanel } from '../components/ExperimentPanel';
import { Notices } from '../components/Notices';
import { ReverseSigmoidPanel } from '../components/ReverseSigmoidPanel';
import { ThemeSwitch } from '../components/ThemeSwitch';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <h1>Model Theft Lab</h1>
          <p className="tagline">Steal a neural network in your browser — then watch a defense make the thief fail.</p>
        </div>
        <div className="topbar-right">
          <ThemeSwitch />
          <BackendStatus />
        </div>
      </header>
      <Notices />
      <main>
        <ReverseSigmoidPanel />
        <ExperimentPanel />
      </main>
      <footer className="footer">
        Defenses from “Defending Against Neural Network Model Stealing Attacks Using Deceptive Perturbations”
        (reverse sigmoid, arXiv:1806.00054) and the ε counter-attack, which poisons a thief&apos;s training with the
        defender&apos;s own gradients. Everything runs locally: no data leaves this page.
      </footer>
    </div>
  );
}
