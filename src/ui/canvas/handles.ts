/**
 * Keeping React Flow's handle bounds true to the boxes. React Flow measures a box's handles when it
 * first appears and when it changes size, and forgets them when it is given a new object for the
 * box that carries no measured size; it then measures again only if its own render notices, which
 * it can miss when the box changes twice in a row (a machine added by several commands on a busy
 * machine). A box whose ports appear, go or move at the same size keeps the bounds it had. Either
 * way a cable to a handle without bounds is not drawn: that is what lost the cables of Add ▸ Cable
 * and of a machine plugged into a switch.
 */
import { useEffect } from 'react';
import { useStoreApi } from '@xyflow/react';

/** Where a box's handles are: their ids and places (a port's x, a switch port's left %). */
export const handleSignature = (ports: readonly { handle: string; x?: number; left?: number }[]): string =>
  ports.map((p) => `${p.handle}@${p.x ?? p.left}`).join(' ');

type FlowStore = ReturnType<typeof useStoreApi>;

// per canvas (the compare view has two, with the same box ids): each box's handles when last measured
const measuredHandles = new WeakMap<FlowStore, Map<string, string>>();
// boxes to measure at the next frame, all in one update (a big lab mounts many boxes at once)
const pending = new WeakMap<FlowStore, Set<string>>();

function measureSoon(store: FlowStore, id: string): void {
  let ids = pending.get(store);
  if (!ids) {
    const batch = new Set<string>();
    pending.set(store, (ids = batch));
    requestAnimationFrame(() => {
      pending.delete(store);
      const { domNode, updateNodeInternals } = store.getState();
      const updates = new Map<string, { id: string; nodeElement: HTMLDivElement; force: true }>();
      for (const box of batch) {
        const nodeElement = domNode?.querySelector<HTMLDivElement>(`.react-flow__node[data-id="${CSS.escape(box)}"]`);
        if (nodeElement) updates.set(box, { id: box, nodeElement, force: true });
      }
      if (updates.size) updateNodeInternals(updates, { triggerFitView: false });
    });
  }
  ids.add(id);
}

/**
 * Measure this box's handles once it is in the page with handles React Flow does not know: when
 * React Flow holds no bounds for it, and when its handles changed since they were last measured
 * (also while it was off screen, not rendered, in a big lab). Runs in the box itself, after each
 * of its renders, so the handles measured are the ones drawn.
 */
export function useMeasureHandles(id: string, signature: string): void {
  const store = useStoreApi();
  useEffect(() => {
    let seen = measuredHandles.get(store);
    if (!seen) measuredHandles.set(store, (seen = new Map()));
    const known = !!store.getState().nodeLookup.get(id)?.internals.handleBounds;
    if (known && seen.get(id) === signature) return;
    seen.set(id, signature);
    measureSoon(store, id);
  });
}
