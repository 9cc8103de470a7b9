/**
 * The widget's page (embed.html): one lab, optionally a lesson, a terminal and the trace, and the
 * postMessage API for the page that embeds it. Everything it reads from its address is untrusted:
 * names are shown as text, lessons go through the lesson schema, shared labs through the lab one.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import '../ui/styles.css';
import { hasPreset, initAppStore } from '../store';
import { presetDoc } from '../store/replay';
import { isEncodedLab } from '../store/share';
import { browserRealTime } from '../store/realtime';
import { EmbedApp } from './EmbedApp';
import { preloadTerminal } from '../ui/terminal/LazyTerminalView';
import { openSharedLab } from '../ui/share/open';
import { openLessonRef, openLessonText } from '../ui/lesson/open';
import { parseEmbedParams } from './params';
import { startBridge } from './bridge';
import { ensureKube } from '../commands';
import { needsCluster } from '../scenarios/build';

// the widget opens its terminal at once: fetch xterm alongside the first render, not after it
void preloadTerminal();

const params = parseEmbedParams(window.location.search, window.location.hash);
const shared = isEncodedLab(params.lab);
const lab = shared || hasPreset(params.lab) ? params.lab : 'before-routes';
const initialDoc = () => presetDoc(shared ? 'empty' : lab);
// a cluster stage needs the Kubernetes code before its lab is built; other labs never fetch it
if (needsCluster(initialDoc().base)) await ensureKube();
// the widget starts from its lesson's lab every time: no autosave, so lessons stay independent
const store = initAppStore({ initial: initialDoc(), storage: null, realTime: browserRealTime() });
if (!shared && lab !== params.lab) store.getState().setNotice({ kind: 'error', text: `There is no lab called "${params.lab}"; showing "${lab}".` });
const api = params.origins.length > 0;
if (api) document.documentElement.classList.add('embed-api');

const bridge = startBridge({
  store,
  origins: params.origins,
  win: window as unknown as Parameters<typeof startBridge>[0]['win'],
  initialDoc,
  openLab: (l) => openSharedLab(store, l, store.getState().readonly),
  openLesson: (ref, text) => (text !== null ? openLessonText(text, 'the lesson from the page', { store, resume: false }) : openLessonRef(ref!, { store, resume: false })),
});

function pickHost(): string {
  const hosts = store.getState().snapshot.netns.filter((n) => n.role === 'host').map((n) => n.name);
  return params.host && hosts.includes(params.host) ? params.host : (hosts[0] ?? 'node01');
}

async function start() {
  if (shared) await openSharedLab(store, params.lab, false);
  if (params.lesson) await openLessonRef(params.lesson, { store, resume: false });
  if (params.readonly) store.setState({ readonly: true });
  const host = pickHost();
  store.getState().openTerminal(host);
  store.getState().selectHost(null);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <EmbedApp lab={lab} host={host} />
    </StrictMode>,
  );
  // the page sizes the frame to the widget: its height, whenever it changes
  const root = document.getElementById('root')!;
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== last) bridge.post('resize', { height: (last = height) });
  }).observe(root);
  bridge.ready();
}

void start();
