/**
 * The canvas: the topology drawn live from the store's snapshot. Positions come from the lab
 * document (moved by hand) or elk (automatic); dragging a box records its position (undoable),
 * dragging a machine's + onto a switch or another machine plugs in a cable. Delete (or
 * Backspace) with the focus on the canvas deletes the selected machine, pod or switch, exactly
 * as the inspector's delete buttons do (one undo step).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  ControlButton,
  Controls,
  ReactFlow,
  useReactFlow,
  applyNodeChanges,
  type Connection,
  type Edge,
  type IsValidConnection,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { getAppStore, netnsCreators, useStore } from '../../store';
import { buildGraph, lanId, podOwners } from './graph';
import { buildClusterGraph, type CanvasEdge, type CanvasGraph, type CanvasNode } from './clusterGraph';
import { kubeEdgeTypes, kubeNodeTypes } from './kubeNodes';
import { keepMeasured, reuseUnchanged } from './stable';
import { deleteMachineSteps, deletePodCommands } from '../layout/plans';
import { elkInput, elkLayout } from './layout';
import { planConnection } from './connect';
import { nodeTypes } from './nodes';
import { edgeTypes } from './LinkEdge';
import { isTypingTarget } from '../layout/shortcuts';

/** Room around the lab when fitting: the bottom keeps clear of the activity bar. */
const FIT_PADDING = { top: '16px', left: '56px', right: '32px', bottom: '40px' } as const;

/**
 * The zoom below which a lesson's canvas gets hard to read (its smallest text, 11.5 px, at 9.2 px). A
 * lab of a few machines is never fitted further out than this: in a small window it is shown
 * centred and legible, the rest a pan away, rather than whole and unreadable. A big lab is fitted
 * whole: there, the overview is what matters.
 */
export const LEGIBLE_ZOOM = 0.8;
const LEGIBLE_LAB_BOXES = 12;

const prefersReducedMotion = () => typeof window !== 'undefined' && !!window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

function fitOptions(topBoxes: number) {
  return { padding: FIT_PADDING, maxZoom: 1.1, minZoom: topBoxes <= LEGIBLE_LAB_BOXES ? LEGIBLE_ZOOM : undefined, duration: prefersReducedMotion() ? 0 : 200 };
}

/** Fit options for the first render (a constant: a new object each render would re-sync xyflow's store). */
const FIT_OPTIONS = { padding: FIT_PADDING, maxZoom: 1.1, minZoom: LEGIBLE_ZOOM } as const;

/**
 * Boxes from which only those in view are put in the page. Below it every box and cable is there,
 * in view or not: a lesson's lab costs nothing to draw whole, and a keyboard or screen-reader user
 * reaches every box; above it (hundreds of machines) panning and zooming stay fluid.
 */
export const VIRTUALISE_FROM_BOXES = 200;

const netnsOfNode = (n: CanvasNode | undefined): string | null =>
  n && (n.type === 'host' || n.type === 'pod' || n.type === 'knode') ? n.data.netns : n?.type === 'kpod' ? n.data.pod.netns : null;

const allNodeTypes = { ...nodeTypes, ...kubeNodeTypes };
const allEdgeTypes = { ...edgeTypes, ...kubeEdgeTypes };

export function LabCanvas() {
  const snapshot = useStore((s) => s.snapshot);
  const base = useStore((s) => s.doc.base);
  const ops = useStore((s) => s.doc.ops);
  const positions = useStore((s) => s.doc.positions);
  const auto = useStore((s) => s.autoPositions);
  const fitRequest = useStore((s) => s.fitRequest);
  const readonly = useStore((s) => s.readonly);
  const selectHost = useStore((s) => s.selectHost);
  const selectLan = useStore((s) => s.selectLan);
  const moveNode = useStore((s) => s.moveNode);
  const setAutoPositions = useStore((s) => s.setAutoPositions);
  const addTopology = useStore((s) => s.addTopology);
  const openTerminal = useStore((s) => s.openTerminal);
  const { fitView, getInternalNode, getViewport, setViewport } = useReactFlow();
  const selectedHost = useStore((s) => s.selectedHost);
  const selectedLan = useStore((s) => s.selectedLan);

  const creators = useMemo(() => netnsCreators({ base, ops }), [base, ops]);
  const cluster = useStore((s) => s.cluster);
  const graph: CanvasGraph = useMemo(
    () => (cluster ? buildClusterGraph(snapshot, cluster, creators, positions, auto) : buildGraph(snapshot, creators, positions, auto)),
    [snapshot, cluster, creators, positions, auto],
  );

  // xyflow needs a mutable node list while a box is being dragged; the store gets the final position.
  // Both lists change only with the graph (never on pan or zoom), and a rebuilt graph keeps the
  // objects of unchanged boxes and cables, so React Flow and the memoised boxes skip them.
  const [nodes, setNodes] = useState<CanvasNode[]>(graph.nodes);
  const [edges, setEdges] = useState<CanvasEdge[]>(graph.edges);
  useEffect(() => {
    setNodes((cur) => keepMeasured(cur, reuseUnchanged(cur, graph.nodes, ['measured'])));
    setEdges((cur) => reuseUnchanged(cur, graph.edges));
  }, [graph]);

  // automatic layout whenever the set of boxes or their sizes change
  const layout = useMemo(() => elkInput(graph), [graph]);
  const [laidOut, setLaidOut] = useState('');
  useEffect(() => {
    let cancelled = false;
    elkLayout(layout)
      .then((pos) => {
        if (cancelled) return;
        setAutoPositions(pos);
        setLaidOut(layout.key);
      })
      .catch(() => {
        if (!cancelled) setLaidOut(layout.key); // keep the simple fallback layout
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- relayout only when the layout key changes
  }, [layout.key, setAutoPositions]);

  // Fit the view when asked (a new lab, Fit view, Add) and, while the student has not panned or
  // zoomed by hand since, whenever the lab's layout or the canvas's size changes: a lab built by
  // typing keeps its new boxes, its switch and the packet in view.
  const follow = useRef(true);
  const fitted = useRef({ request: -1, key: '' });
  const wrapper = useRef<HTMLDivElement>(null);
  // The view is "moving" from the moment a fit is due until it, and the pan after it, are done:
  // data-view on the canvas, so that tests and benchmarks wait for the view instead of for time.
  const moves = useRef(0);
  const moving = useCallback((delta: number) => {
    moves.current += delta;
    wrapper.current?.setAttribute('data-view', moves.current > 0 ? 'moving' : 'still');
  }, []);
  useEffect(() => moving(0), [moving]);
  const topBoxes = useMemo(() => graph.nodes.filter((n) => !n.parentId).length, [graph]);
  useEffect(() => {
    if (laidOut !== layout.key) return;
    const requested = fitted.current.request !== fitRequest;
    if (!requested && (fitted.current.key === layout.key || !follow.current)) return;
    if (requested) follow.current = true;
    moving(1);
    let fired = false;
    const t = setTimeout(() => {
      fired = true;
      fitted.current = { request: fitRequest, key: layout.key };
      // a lab wider than the window at a legible zoom: the box just added or picked stays in view
      // xyflow's fitView never settles its promise on a canvas without boxes: nothing to fit
      if (topBoxes === 0) {
        moving(-1);
        return;
      }
      void fitView(fitOptions(topBoxes))
        .then(() => {
          const { selectedHost: host, selectedLan: lan } = getAppStore().getState();
          return bringIntoView(host ? graph.nodeOfNetns[host] : lan ? lanId(lan) : undefined);
        })
        .finally(() => moving(-1));
    }, 30);
    return () => {
      clearTimeout(t);
      if (!fired) moving(-1);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the graph and bringIntoView follow the layout key
  }, [laidOut, layout.key, fitRequest, fitView, topBoxes]);
  useEffect(() => {
    const el = wrapper.current;
    if (!el) return;
    let last = '';
    const ro = new ResizeObserver(() => {
      const size = `${el.clientWidth}x${el.clientHeight}`;
      if (last && size !== last && follow.current && el.clientHeight > 0) {
        moving(1);
        void fitView({ ...fitOptions(topBoxes), duration: 0 }).finally(() => moving(-1));
      }
      last = size;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [fitView, topBoxes, moving]);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) follow.current = false; // the student moved the view: leave it where they put it
  }, []);
  const stopFollowing = useCallback(() => {
    follow.current = false;
  }, []);

  // a box that matters and is off screen is brought into view (same zoom): the host or switch picked
  // (or just added), and the box where the packet of the trace is
  const bringIntoView = useCallback(
    async (id: string | undefined) => {
      const node = id ? getInternalNode(id) : undefined;
      const pane = wrapper.current;
      if (!node || !pane) return;
      const { x, y, zoom } = getViewport();
      const { width: w, height: h } = pane.getBoundingClientRect();
      const pos = node.internals.positionAbsolute;
      const nw = (node.measured.width ?? node.width ?? 0) * zoom;
      const nh = (node.measured.height ?? node.height ?? 0) * zoom;
      const sx = pos.x * zoom + x;
      const sy = pos.y * zoom + y;
      // the least pan that shows the box, so what was in view around it mostly stays; a box bigger
      // than the view (a long switch) moves only when none of it shows, its start first
      const M = 16;
      const shift = (start: number, size: number, room: number) => {
        if (size > room - 2 * M) return start + size < M || start > room - M ? M - start : 0;
        return start < M ? M - start : start + size > room - M ? room - M - (start + size) : 0;
      };
      const dx = shift(sx, nw, w);
      const dy = shift(sy, nh, h);
      if (dx === 0 && dy === 0) return;
      moving(1);
      await setViewport({ x: x + dx, y: y + dy, zoom }, { duration: prefersReducedMotion() ? 0 : 250 }).finally(() => moving(-1));
    },
    [getInternalNode, getViewport, setViewport, moving],
  );
  useEffect(() => {
    if (selectedHost) void bringIntoView(graph.nodeOfNetns[selectedHost]);
    else if (selectedLan) void bringIntoView(lanId(selectedLan));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the selection changes
  }, [selectedHost, selectedLan]);
  const traceNetns = useStore((s) => s.trace.events[s.trace.cursor]?.netns ?? null);
  useEffect(() => {
    if (traceNetns) void bringIntoView(graph.nodeOfNetns[traceNetns]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the packet moves to another box
  }, [traceNetns]);

  const picking = useStore((s) => s.tracePick !== null);
  const pickForTrace = useStore((s) => s.pickForTrace);
  const startTracePick = useStore((s) => s.startTracePick);
  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const applied = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
      if (applied.length) setNodes((nds) => applyNodeChanges(applied, nds));
      for (const c of changes) {
        if (c.type === 'select' && c.selected) {
          const node = graph.nodes.find((n) => n.id === c.id);
          // picking a ping's ends: a machine or pod box is an end (a bridge stands for its machine)
          if (picking) {
            const end = netnsOfNode(node) ?? (node?.type === 'bridge' ? node.data.netns : null);
            if (end) pickForTrace(end);
            continue;
          }
          const ns = netnsOfNode(node) ?? (node?.type === 'bridge' ? node.data.netns : null);
          if (ns) selectHost(ns);
          else if (node?.type === 'lan') selectLan(node.data.lan);
        }
      }
    },
    [graph, selectHost, selectLan, picking, pickForTrace],
  );

  const onNodeDragStop: OnNodeDrag<CanvasNode> = useCallback(
    (_e, _node, dragged) => {
      for (const n of dragged) moveNode(n.id, n.position);
    },
    [moveNode],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (c: Edge | Connection) => planConnection(snapshot, c.source, c.target) !== null,
    [snapshot],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const step = planConnection(snapshot, c.source, c.target);
      if (!step) return;
      const r = addTopology(step);
      if (r.ok) {
        const ns = step.kind === 'lan-member' ? step.member.split(':')[0] : step.a.split(':')[0];
        selectHost(ns);
      }
    },
    [snapshot, addTopology, selectHost],
  );

  const onNodeDoubleClick = useCallback(
    (_e: React.MouseEvent, node: CanvasNode) => {
      const ns = netnsOfNode(node);
      if (ns) openTerminal(ns);
    },
    [openTerminal],
  );
  const onPaneClick = useCallback(() => selectHost(null), [selectHost]);
  const ariaLabelConfig = useMemo(
    () => ({
      'node.a11yDescription.default': readonly
        ? 'Press Enter to select this box and see it in the inspector; double-click opens a terminal.'
        : 'Press Enter to select this box and edit it in the inspector, Delete to delete it (Ctrl+Z undoes); double-click opens a terminal.',
    }),
    [readonly],
  );

  const apply = useStore((s) => s.apply);
  const edit = useStore((s) => s.edit);
  const closeTerminal = useStore((s) => s.closeTerminal);
  // Delete/Backspace on a focused box (a click focuses it too); bridges and the pane are left alone
  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      if (readonly || (e.key !== 'Delete' && e.key !== 'Backspace') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (!(e.target instanceof HTMLElement) || isTypingTarget(e.target)) return;
      const id = e.target.closest('.react-flow__node')?.getAttribute('data-id');
      const node = graph.nodes.find((n) => n.id === id);
      // what a cluster runs is deleted with kubectl (the manifest editor), not by taking a box away
      if (!node || node.type === 'knode' || node.type === 'kpod' || node.type === 'service') return;
      if (node.type === 'lan') {
        e.preventDefault();
        apply([{ kind: 'remove-lan', name: node.data.lan }]);
        return;
      }
      const name = netnsOfNode(node);
      const ns = name ? snapshot.netns.find((n) => n.name === name) : undefined;
      if (!ns) return;
      e.preventDefault();
      const owner = podOwners(snapshot, creators)[ns.name];
      if (owner) {
        if (edit(owner, deletePodCommands(ns, owner)).ok) {
          closeTerminal(ns.name);
          selectHost(owner);
        }
      } else {
        const steps = deleteMachineSteps(snapshot, creators, ns.name);
        if (apply(steps).ok) for (const st of steps) if (st.kind === 'remove-host') closeTerminal(st.name);
      }
    },
    [readonly, graph, snapshot, creators, apply, edit, closeTerminal, selectHost],
  );

  return (
    <ReactFlow<CanvasNode, CanvasEdge>
      ref={wrapper}
      className={picking ? 'is-picking' : undefined}
      onMoveStart={onMoveStart}
      onKeyDown={onKeyDown}
      nodes={nodes}
      edges={edges}
      nodeTypes={allNodeTypes}
      edgeTypes={allEdgeTypes}
      onNodesChange={onNodesChange}
      onNodeDragStop={onNodeDragStop}
      onNodeDoubleClick={onNodeDoubleClick}
      onPaneClick={onPaneClick}
      onConnect={onConnect}
      isValidConnection={isValidConnection}
      connectionMode={ConnectionMode.Loose}
      connectionRadius={40}
      nodesDraggable={!readonly}
      nodesConnectable={!readonly}
      edgesFocusable={false}
      elementsSelectable
      zoomOnDoubleClick={false}
      deleteKeyCode={null}
      selectionKeyCode={null}
      multiSelectionKeyCode={null}
      minZoom={0.2}
      maxZoom={2}
      fitView
      fitViewOptions={FIT_OPTIONS}
      onlyRenderVisibleElements={nodes.length >= VIRTUALISE_FROM_BOXES}
      aria-label="Network canvas"
      // for tests and benchmarks: boxes in the lab (in a big lab only those in view are in the DOM) and
      // whether elk has placed them (and data-view, set as the view moves, above)
      data-boxes={nodes.length}
      data-layout={laidOut === layout.key ? 'done' : 'pending'}
      ariaLabelConfig={ariaLabelConfig}
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.3} color="#c9d1dc" />
      <Controls showInteractive={false} position="top-left" aria-label="Zoom and fit view" fitViewOptions={FIT_OPTIONS} onZoomIn={stopFollowing} onZoomOut={stopFollowing} onFitView={() => (follow.current = true)}>
        <ControlButton onClick={startTracePick} aria-label="Trace a ping: click a source box, then a destination box" title="Trace a ping: click a source box, then a destination box" aria-pressed={picking}>
          <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
            <circle cx="5" cy="12" r="3" fill="none" stroke="currentColor" strokeWidth="2" />
            <circle cx="19" cy="12" r="3" fill="currentColor" />
            <path d="M8 12h8" stroke="currentColor" strokeWidth="2" strokeDasharray="2 2" />
          </svg>
        </ControlButton>
      </Controls>
    </ReactFlow>
  );
}
