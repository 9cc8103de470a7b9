/**
 * Which lab to open at start-up: `?lab=<preset>` wins (and is then dropped from the URL so that a
 * reload restores the autosaved work), else the autosaved lab, else the empty lab.
 */
import { hasPreset, type LabDoc } from '../store';
import { presetDoc } from '../store/replay';
import { browserStorage, loadLab } from '../store/persist';

export interface Boot {
  doc: LabDoc;
  notice: { kind: 'error' | 'info'; text: string } | null;
}

export function bootDoc(search: string): Boot {
  const params = new URLSearchParams(search);
  const lab = params.get('lab');
  let notice: Boot['notice'] = null;
  if (lab) {
    if (hasPreset(lab)) return { doc: presetDoc(lab), notice: null };
    notice = { kind: 'error', text: `There is no lab called "${lab}". Pick one from the Lab menu.` };
  }
  const saved = loadLab(browserStorage());
  if (saved?.ok) return { doc: saved.doc, notice };
  if (saved && !saved.ok) notice = { kind: 'error', text: `Your autosaved lab could not be read (${saved.error}) A new lab was started.` };
  return { doc: presetDoc('empty'), notice };
}

/** Drop ?lab= from the address bar without reloading. */
export function dropLabParam() {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('lab')) return;
  url.searchParams.delete('lab');
  window.history.replaceState(null, '', url.toString());
}
