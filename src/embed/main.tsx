import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import '../ui/styles.css';
import { hasPreset, initAppStore } from '../store';
import { presetDoc } from '../store/replay';
import { browserRealTime } from '../store/realtime';
import { EmbedApp } from './EmbedApp';
import { preloadTerminal } from '../ui/terminal/LazyTerminalView';
import { parseEmbedParams } from './params';

// the widget opens its terminal at once: fetch xterm alongside the first render, not after it
void preloadTerminal();

const params = parseEmbedParams(window.location.search);
const lab = hasPreset(params.lab) ? params.lab : 'before-routes';
// the widget starts from its lesson's lab every time: no autosave, so lessons stay independent
const store = initAppStore({ initial: presetDoc(lab), storage: null, readonly: params.readonly, realTime: browserRealTime() });
const state = store.getState();
if (lab !== params.lab) state.setNotice({ kind: 'error', text: `There is no lab called "${params.lab}"; showing "${lab}".` });
const hosts = state.snapshot.netns.filter((n) => n.role === 'host').map((n) => n.name);
const host = params.host && hosts.includes(params.host) ? params.host : (hosts[0] ?? 'node01');
state.openTerminal(host);
state.selectHost(host);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <EmbedApp lab={lab} host={host} />
  </StrictMode>,
);
