/**
 * Share and export: a link that carries the whole lab (copy or read-only), the lab as a shell
 * script for a real Linux machine, and the instructor's views (compare two labs, presenter mode).
 */
import { useEffect, useMemo, useState } from 'react';
import { getAppStore, useStore } from '../../store';
import { encodeLab, shareHash } from '../../store/share';
import { exportLinuxScript } from '../../scenarios/export';
import { NoticeDialog } from '../layout/Dialog';

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function linuxFileName(title: string): string {
  return `hoplab-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'lab'}.sh`;
}

export function ShareMenu({ onCompare, onPresent }: { onCompare: () => void; onPresent: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Share
      </button>
      {open && (
        <ShareDialog
          onClose={() => setOpen(false)}
          onCompare={() => {
            setOpen(false);
            onCompare();
          }}
          onPresent={() => {
            setOpen(false);
            onPresent();
          }}
        />
      )}
    </>
  );
}

function ShareDialog({ onClose, onCompare, onPresent }: { onClose: () => void; onCompare: () => void; onPresent: () => void }) {
  const doc = useStore((s) => s.doc);
  const [readonly, setReadonly] = useState(false);
  const [payload, setPayload] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    encodeLab(doc).then(
      (p) => live && setPayload(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [doc]);
  const link = payload ? new URL(`./${shareHash(payload, { readonly })}`, window.location.href.split('#')[0]).toString() : '';
  const world = useStore((s) => s.world);
  const version = useStore((s) => s.snapshot.version);
  // the lab as it is now (a cluster's datapath included), made again when the lab changes
  const [script, scriptError] = useMemo((): [string | null, string | null] => {
    try {
      return [exportLinuxScript(world, doc.title), null];
    } catch (e) {
      return [null, (e as Error).message];
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the world is changed in place; its version says when
  }, [world, version, doc.title]);
  return (
    <NoticeDialog title="Share this lab" button="Done" onClose={onClose}>
      <div className="share">
        <label className="field span-2">
          <span>Link to this lab (everything is in the link: nothing is uploaded)</span>
          <input className="input" readOnly value={error ? `The link could not be made: ${error}` : link || 'Making the link…'} aria-label="Share link" data-testid="share-link" onFocus={(e) => e.target.select()} />
        </label>
        <label className="share__check">
          <input type="checkbox" checked={readonly} onChange={(e) => setReadonly(e.target.checked)} /> Open read-only (the topology cannot be edited; commands still run)
        </label>
        <div className="share__row">
          <button
            type="button"
            className="btn btn--sm"
            disabled={!link}
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(link);
                setCopied(true);
              } catch {
                setCopied(false);
              }
            }}
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
          <span className="hint">{link ? `${link.length.toLocaleString()} characters` : ''}</span>
        </div>
        <h3 className="share__h">Run it on a real Linux machine</h3>
        <p className="hint">A shell script of the <code>ip netns</code>, <code>ip link</code>, <code>ip addr</code>, <code>ip route</code>, <code>sysctl</code> and <code>iptables-restore</code> commands that rebuild this lab&apos;s network (a cluster&apos;s nodes and pods included) in network namespaces. Run it as root; <code>sh lab.sh down</code> removes it.</p>
        {scriptError ? (
          <p className="hint">This lab cannot be exported: {scriptError}</p>
        ) : (
          <button type="button" className="btn btn--sm" onClick={() => download(linuxFileName(getAppStore().getState().doc.title), script!, 'text/x-shellscript')}>
            Download for Linux (.sh)
          </button>
        )}
        <h3 className="share__h">Teach with it</h3>
        <div className="share__row">
          <button type="button" className="btn btn--sm" onClick={onCompare}>
            Compare two labs…
          </button>
          <button type="button" className="btn btn--sm" onClick={onPresent}>
            Presenter view
          </button>
        </div>
      </div>
    </NoticeDialog>
  );
}
