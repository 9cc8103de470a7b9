/**
 * Code that loads on first use (xterm, the Kubernetes panels): one download shared by every
 * caller, retried after a failure, and a hook that re-renders once it is there.
 *
 * A dynamic import and a state update rather than React.lazy: React holds back the content of a
 * Suspense boundary that has shown its fallback (up to 300 ms), and a panel should appear as soon
 * as its code is there.
 */
import { useEffect, useState, type ComponentType } from 'react';

export interface LazyModule<M> {
  /** start (or join) the download */
  load(): Promise<M>;
  /** the module, once it has loaded */
  loaded(): M | null;
}

export function lazyModule<M>(importer: () => Promise<M>): LazyModule<M> {
  let pending: Promise<M> | null = null;
  let mod: M | null = null;
  return {
    load: () =>
      (pending ??= importer().then(
        (m) => (mod = m),
        (e: unknown) => {
          pending = null; // a failed download (offline) is tried again next time
          throw e;
        },
      )),
    loaded: () => mod,
  };
}

/** The module, or null while it downloads; a failed download is thrown to the nearest error boundary. */
export function useLazyModule<M>(lazy: LazyModule<M>): M | null {
  const [mod, setMod] = useState<M | null>(lazy.loaded);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (mod) return;
    let live = true;
    lazy.load().then(
      (m) => live && setMod(() => m),
      (e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [lazy, mod]);
  if (error) throw error;
  return mod;
}

/** A panel whose code loads when it is first shown; meanwhile it says what is loading. */
export function lazyPanel<P extends object>(what: string, importer: () => Promise<ComponentType<P>>): ComponentType<P> {
  const lazy = lazyModule(importer);
  function LazyPanel(props: P) {
    const Panel = useLazyModule(lazy);
    if (!Panel) {
      return (
        <p className="panel-loading" role="status">
          Loading {what}…
        </p>
      );
    }
    return <Panel {...props} />;
  }
  return LazyPanel;
}
