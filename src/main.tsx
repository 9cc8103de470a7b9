import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './ui/styles.css';
import { initAppStore, persistLesson, persistTerminals } from './store';
import { browserStorage, loadTerminals } from './store/persist';
import { App } from './ui/App';
import { applyBoot, bootDoc, bootProgress, bootStoreOptions, dropLabParam } from './ui/boot';

const storage = browserStorage();
const root = document.getElementById('root')!;
// a saved lab and saved terminals are read (and their schemas fetched) before the first render;
// a first visit has neither and starts at once; a big lab shows its progress while it is rebuilt
const [boot, terminals] = await Promise.all([bootDoc(window.location.search, storage, bootProgress(root)), loadTerminals(storage)]);
const store = initAppStore(bootStoreOptions(boot, storage));
// another tab saving the same lab: this tab offers a choice instead of writing over it later
window.addEventListener('storage', (e) => {
  if (e.storageArea === localStorage) store.getState().storageChanged(e.key, e.newValue);
});
persistTerminals(store, storage, terminals);
persistLesson(store, storage);
applyBoot(store, boot);
dropLabParam();
// dev builds: the store on window for poking at it from the console
if (import.meta.env.DEV) Object.assign(window, { hoplab: store });

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
