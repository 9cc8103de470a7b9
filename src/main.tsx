import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './ui/styles.css';
import { initAppStore, persistLesson, persistTerminals } from './store';
import { browserStorage, loadTerminals } from './store/persist';
import { browserRealTime } from './store/realtime';
import { App } from './ui/App';
import { applyBoot, bootDoc, dropLabParam } from './ui/boot';

const storage = browserStorage();
// a saved lab and saved terminals are read (and their schemas fetched) before the first render;
// a first visit has neither and starts at once
const [boot, terminals] = await Promise.all([bootDoc(window.location.search, storage), loadTerminals(storage)]);
const store = initAppStore({ initial: boot.doc, storage, realTime: browserRealTime() });
persistTerminals(store, storage, terminals);
persistLesson(store, storage);
applyBoot(store, boot);
dropLabParam();
// dev builds: the store on window for poking at it from the console
if (import.meta.env.DEV) Object.assign(window, { hoplab: store });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
