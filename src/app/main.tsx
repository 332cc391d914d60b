import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { parseHash } from '../params/codec';
import { createAppStore } from '../store/appStore';
import { createEngineWorker, localCalibrationStorage, onEngineEvent } from '../store/engineBridge';
import { runEngine } from '../store/engineSupervisor';
import { browserUrlEnv, syncUrl } from '../store/urlSync';
import { StoreContext } from '../components/storeContext';
import { ReproduceContext, type ReproduceContextValue } from '../components/reproduceContext';
import { createReproduceStore } from '../store/reproduce';
import type { ReproductionReport } from '../reproduction/report';
import { App } from './App';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { isolateWithServiceWorker } from './isolation';
import './styles.css';

const { params, issues } = parseHash(window.location.hash);
const store = createAppStore(params, issues);
syncUrl(store, browserUrlEnv());
// The engine (its worker chunk is the largest file: 0.4 MB gzipped, 2.5 MB raw) starts once the first
// frame is painted, so the first view never waits for it or shares the CPU with its start-up; a timer
// covers a tab opened in the background, where frames do not run.
let engineStarted = false;
const startEngine = () => {
  if (engineStarted) return;
  engineStarted = true;
  // data/ and wasm/ sit beside index.html; resolving against the document keeps sub-path hosting working.
  runEngine(store, createEngineWorker, new URL('./', document.baseURI).href, localCalibrationStorage());
};
requestAnimationFrame(() => setTimeout(startEngine, 0));
isolateWithServiceWorker({ canReload: () => store.getState().run.status === 'idle', warn: (text) => store.getState().notify(text) });
setTimeout(startEngine, 1000);

const reproduce = createReproduceStore(store);
// The committed full report (reports/), in its own chunk, fetched only when the Reproduce view opens.
const committedReports = import.meta.glob<ReproductionReport>('../../reports/reproduction.json', { import: 'default' });
const reproduceContext: ReproduceContextValue = {
  store: reproduce,
  loadCommitted: () => {
    const load = committedReports['../../reports/reproduction.json'];
    return load ? load() : Promise.reject(new Error('no committed report'));
  },
};

// A small handle for scripts that drive the page (npm run bench, browser tests): the store and
// the raw engine event stream. It exposes nothing the page's own UI cannot do.
Object.assign(window, { __modelTheftLab: { store, onEngineEvent, reproduce } });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <StoreContext.Provider value={store}>
        <ReproduceContext.Provider value={reproduceContext}>
          <App />
        </ReproduceContext.Provider>
      </StoreContext.Provider>
    </ErrorBoundary>
  </StrictMode>,
);
