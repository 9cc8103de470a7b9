/**
 * The reachability matrix: one `ping -c 1` verdict for every host/pod against every other, computed
 * with the engine's probe (which never changes the world). Kept out of React so the UI only reads
 * plain cells; the view recomputes when snapshot.version changes.
 */
import type { World } from '../engine/world';
import type { WorldSnapshot } from '../engine/snapshot';
import { primaryAddress } from '../scenarios/hostAddress';
import type { TraceEvent } from '../engine/sim/trace';
import { probe } from '../engine';
import { diagnose } from '../commands/diagnose';
import type { ProbeVerdict } from '../engine/ipv4/probe';
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export type { ProbeVerdict } from '../engine/ipv4/probe';
/** A host's own address (the matrix pings it): one definition, shared with the lessons' targets. */
export { primaryAddress };

export interface MatrixHost {
  name: string;
  /** the address other hosts ping: eth0's (the LAN or pod address), else any non-loopback one */
  addr: string | null;
}

export interface MatrixCell {
  from: string;
  to: string;
  addr: string;
  ok: boolean;
  /** how the probe ended, as data: what the view shows is chosen from this, never read from words */
  verdict: ProbeVerdict;
  /** the same in words, for tooltips and screen readers: "Network is unreachable" … */
  summary: string;
}

/** The address a host is known by: first primary address of a device that is not a bridge or a bridge port. */

export function matrixHosts(snapshot: WorldSnapshot): MatrixHost[] {
  return snapshot.netns.filter((n) => n.role === 'host').map((n) => ({ name: n.name, addr: primaryAddress(n) }));
}

/**
 * rows[i][j]: from hosts[i] to hosts[j]; null on the diagonal and for hosts without an address.
 * Verdicts only (no trace events recorded), so a whole matrix stays cheap; `probeTrace` gives a
 * cell's trace when it is opened.
 */
export function computeMatrix(world: World, hosts: readonly MatrixHost[]): (MatrixCell | null)[][] {
  return hosts.map((from) =>
    hosts.map((to) => {
      if (from.name === to.name || !to.addr) return null;
      const r = probe(world, from.name, to.addr, { trace: false });
      return { from: from.name, to: to.name, addr: to.addr, ok: r.ok, verdict: r.verdict, summary: r.summary };
    }),
  );
}

/** One probe with its trace events (the world is left exactly as it was). */
export function probeTrace(world: World, from: string, addr: string): { ok: boolean; summary: string; trace: TraceEvent[] } {
  const r = probe(world, from, addr, { trace: true });
  diagnose(world, r.trace);
  return r;
}

export interface MatrixState {
  /** the lab version the cells were computed for */
  version: number;
  hosts: MatrixHost[];
  cells: (MatrixCell | null)[][];
}

export interface MatrixSlice {
  matrix: MatrixState | null;
  /** Compute the matrix for the lab as it is now, unless it already is (views call this from an effect, never while rendering). */
  refreshMatrix: () => void;
  /** Show a cell's trace in the trace panel: the probe again, with its events (the lab is left as it was). */
  openMatrixCell: (cell: MatrixCell) => void;
}

export const createMatrixSlice: StateCreator<AppState, [], [], MatrixSlice> = (set, get) => ({
  matrix: null,
  refreshMatrix: () => {
    const { world, snapshot, matrix } = get();
    if (matrix && matrix.version === snapshot.version && get().world === world) return;
    const hosts = matrixHosts(snapshot);
    set({ matrix: { version: snapshot.version, hosts, cells: computeMatrix(world, hosts) } });
  },
  openMatrixCell: (c) => {
    const r = probeTrace(get().world, c.from, c.addr);
    get().showTrace(r.trace, {
      on: c.from,
      line: `ping -c 1 ${c.addr}`,
      title: `${c.from} → ${c.to} (${c.addr}): ping -c 1, probe`,
      summary: r.summary,
      probe: true,
    });
  },
});
