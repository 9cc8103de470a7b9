/**
 * Automatic layout of the top level (machines and LAN switches) with elkjs' layered algorithm:
 * machines in a row, the switches they are cabled to below. The inside of a machine (pods over
 * bridges over its own interfaces) is laid out by buildGraph, so elk only places boxes.
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import type ELKConstructor from 'elkjs/lib/elk.bundled.js';
import type { XY } from '../../store/doc';
import { LAN_GAP } from './graph';
import type { Edge, Node } from '@xyflow/react';

export interface ElkInput {
  key: string;
  graph: ElkNode;
}

/** The elk graph for the top level, and a key that changes only when that layout would. */
export function elkInput(g: { nodes: Node[]; edges: Edge[] }): ElkInput {
  const parentOf = new Map(g.nodes.map((n) => [n.id, n.parentId]));
  const top = (id: string): string => {
    let cur = id;
    for (let p = parentOf.get(cur); p; p = parentOf.get(cur)) cur = p;
    return cur;
  };
  const children = g.nodes
    .filter((n) => !n.parentId)
    .map((n) => ({ id: n.id, width: n.width ?? 200, height: n.height ?? 100, layoutOptions: n.type === 'lan' ? { 'elk.layered.layering.layerConstraint': 'LAST' } : undefined }));
  const seen = new Set<string>();
  const edges = [];
  for (const e of g.edges) {
    const s = top(e.source);
    const t = top(e.target);
    if (s === t) continue;
    // machines above switches; a cable between machines keeps them side by side (no layer change)
    const [from, to] = t.startsWith('lan:') ? [s, t] : s.startsWith('lan:') ? [t, s] : [s, t];
    const id = `${from}->${to}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, sources: [from], targets: [to] });
  }
  const cables = edges.filter((e) => !e.targets[0].startsWith('lan:') && !e.sources[0].startsWith('svc:'));
  // Services sit a layer above the nodes whose pods serve them
  const layered = edges.filter((e) => e.targets[0].startsWith('lan:') || e.sources[0].startsWith('svc:'));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '64',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(LAN_GAP),
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // machines in the order they were made (node01, node02, …), whatever lines cross above them
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.padding': '[top=20,left=20,bottom=20,right=20]',
      // one layered drawing even for a switch nothing is plugged into yet: it still goes below
      'elk.separateConnectedComponents': 'false',
    },
    children,
    // cables between machines do not constrain layers: they are drawn, not laid out
    edges: layered,
  };
  const key = JSON.stringify([children.map((c) => [c.id, c.width, c.height]), layered.map((e) => e.id), cables.length]);
  return { key, graph };
}

type Elk = InstanceType<typeof ELKConstructor>;
let elk: Promise<Elk> | null = null;

/** elk in this thread: for Node (tests) and for a browser that will not start the worker. */
const elkHere = (): Promise<Elk> => import('elkjs/lib/elk.bundled.js').then((m) => new m.default());

/**
 * elk is large: it is loaded on first use, after the canvas has drawn its first (simple) layout,
 * and in a browser it runs in its own worker (elkjs ships one): laying out a big lab takes seconds,
 * and the page stays responsive meanwhile.
 */
function loadElk(): Promise<Elk> {
  elk ??=
    typeof Worker === 'undefined'
      ? elkHere()
      : Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?url')]).then(([api, worker]) => new api.default({ workerUrl: worker.default }) as Elk);
  return elk;
}

export async function elkLayout(input: ElkInput): Promise<Record<string, XY>> {
  let out: ElkNode;
  try {
    out = await (await loadElk()).layout(structuredClone(input.graph));
  } catch (e) {
    // a worker that could not start (a page that forbids workers): lay out in this thread instead
    if (typeof Worker === 'undefined') throw e;
    elk = elkHere();
    out = await (await elk).layout(structuredClone(input.graph));
  }
  const positions: Record<string, XY> = {};
  for (const c of out.children ?? []) positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return alignRows(out.children ?? [], positions);
}

/** Boxes elk put side by side (overlapping vertical extents) share one top edge: tidier rows. */
export function alignRows(children: { id: string; height?: number }[], positions: Record<string, XY>): Record<string, XY> {
  const items = children.map((c) => ({ id: c.id, y: positions[c.id].y, h: c.height ?? 0 })).sort((a, b) => a.y - b.y);
  let rowTop = -Infinity;
  let rowBottom = -Infinity;
  for (const it of items) {
    if (it.y >= rowBottom) {
      rowTop = it.y;
      rowBottom = it.y + it.h;
    } else {
      rowBottom = Math.max(rowBottom, rowTop + it.h);
    }
    positions[it.id] = { ...positions[it.id], y: rowTop };
  }
  return positions;
}
