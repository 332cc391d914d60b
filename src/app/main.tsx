import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { parseHash } from '../params/codec';
import { createAppStore } from '../store/appStore';
import { createEngineWorker, localCalibrationStorage, onEngineEvent, runEngine } from '../store/engineBridge';
import { browserUrlEnv, syncUrl } from '../store/urlSync';
import { StoreContext } from '../components/storeContext';
import { ReproduceContext, type ReproduceContextValue } from '../components/reproduceContext';
import { createReproduceStore } from '../store/reproduce';
import type { ReproductionReport } from '../store/reportBuilder';
import { App } from './App';
import './styles.css';

const { params, issues } = parseHash(window.location.hash);
const store = createAppStore(params, issues);
syncUrl(store, browserUrlEnv());
// data/ and wasm/ sit beside index.html; resolving against the document keeps sub-path hosting working.
runEngine(store, createEngineWorker, new URL('./', document.baseURI).href, localCalibrationStorage());

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
    <StoreContext.Provider value={store}>
      <ReproduceContext.Provider value={reproduceContext}>
        <App />
      </ReproduceContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);
