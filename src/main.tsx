import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './ui/styles.css';
import { initAppStore, persistTerminals } from './store';
import { persistLessons } from './store/lessons';
import { restoreLesson } from './ui/lesson/open';
import { openFromHash } from './ui/share/open';
import { browserStorage, loadTerminals } from './store/persist';
import { browserRealTime } from './store/realtime';
import { App } from './ui/App';
import { ensureKube } from './commands';
import { needsCluster } from './scenarios/build';
import { applyBoot, bootDoc, bootProgress, bootStoreOptions, dropLabParam } from './ui/boot';

const storage = browserStorage();
const root = document.getElementById('root')!;
// a saved lab and saved terminals are read (and their schemas fetched) before the first render;
// a first visit has neither and starts at once; a big lab shows its progress while it is rebuilt
const [boot, terminals] = await Promise.all([bootDoc(window.location.search, storage, bootProgress(root)), loadTerminals(storage)]);
// a link to a cluster stage (?lab=) fetches the Kubernetes code before the first render (a saved
// cluster lab fetched it to be rebuilt); a lab without a cluster never fetches it
if (boot.preset !== null && needsCluster({ preset: boot.preset })) await ensureKube();
const store = initAppStore({ ...bootStoreOptions(boot, storage), realTime: browserRealTime() });
// another tab saving the same lab: this tab offers a choice instead of writing over it later
window.addEventListener('storage', (e) => {
  if (e.storageArea === localStorage) store.getState().storageChanged(e.key, e.newValue);
});
persistTerminals(store, storage, terminals);
applyBoot(store, boot);
const lessonParam = new URLSearchParams(window.location.search).get('lesson');
dropLabParam();
if (lessonParam !== null) {
  // a reload resumes the lesson where it is, instead of loading its lab again
  const url = new URL(window.location.href);
  url.searchParams.delete('lesson');
  window.history.replaceState(null, '', url.toString());
}
// then what the link carries: a shared lab (#lab=), a lesson (?lesson= or #lesson=), each loaded
// over the lab as an undoable step
void openFromHash(store, window.location.hash)
  .then(({ lesson }) => restoreLesson(lessonParam ?? lesson))
  .then(() => persistLessons(store, storage));
// a link pasted into this tab changes only the hash: open what it carries too
window.addEventListener('hashchange', () => {
  void openFromHash(store, window.location.hash).then(({ lesson }) => (lesson ? restoreLesson(lesson) : undefined));
});
// dev builds: the store on window for poking at it from the console
if (import.meta.env.DEV) Object.assign(window, { hoplab: store });

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
