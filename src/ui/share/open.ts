/**
 * Opening what a link carries: `#lab=` (a preset name or a whole lab, compressed), optionally
 * read-only, and `#lesson=`. The lab is loaded as an undoable step, so the lab the student had is
 * one undo away; a link that does not decode leaves it untouched and says why.
 */
import { whenBuilt, type AppStore } from '../../store';
import { decodeLab, isEncodedLab, readShareHash } from '../../store/share';

export async function openSharedLab(store: AppStore, lab: string, readonly: boolean): Promise<boolean> {
  const s = store.getState();
  let ok: boolean;
  if (isEncodedLab(lab)) {
    const r = await decodeLab(lab);
    if (!r.ok) {
      s.setNotice({ kind: 'error', text: `${r.error} Your lab is unchanged.` });
      return false;
    }
    ok = (await whenBuilt(s.loadDoc(r.doc, `Opened a shared lab: ${r.doc.title}${readonly ? ' (read-only)' : ''}`))).ok;
  } else ok = s.loadPreset(lab);
  if (ok && readonly) store.setState({ readonly: true });
  return ok;
}

/** At start-up: what the address's hash asks for; the hash is then dropped so a reload keeps the work. */
export async function openFromHash(store: AppStore, hash: string): Promise<{ lesson: string | null }> {
  const share = readShareHash(hash);
  if (share.lab) await openSharedLab(store, share.lab, share.readonly);
  if (share.lab || share.lesson) {
    const url = new URL(window.location.href);
    url.hash = '';
    window.history.replaceState(null, '', url.toString());
  }
  return { lesson: share.lesson };
}
