import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { parseHash } from '../params/codec';
import { createAppStore } from '../store/appStore';
import { createEngineWorker, localCalibrationStorage, onEngineEvent, runEngine } from '../store/engineBridge';
import { browserUrlEnv, syncUrl } from '../store/urlSync';
import { StoreContext } from '../components/storeContext';
import { App } from './App';
import './styles.css';

const { params, issues } = parseHash(window.location.hash);
const store = createAppStore(params, issues);
syncUrl(store, browserUrlEnv());
// data/ and wasm/ sit beside index.html; resolving against the document keeps sub-path hosting working.
runEngine(store, createEngineWorker, new URL('./', document.baseURI).href, localCalibrationStorage());

// A small handle for scripts that drive the page (npm run bench, browser tests): the store and
// the raw engine event stream. It exposes nothing the page's own UI cannot do.
Object.assign(window, { __modelTheftLab: { store, onEngineEvent } });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
