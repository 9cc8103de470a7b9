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
import { netnsCreators, useStore } from '../../store';
import { buildGraph, podOwners, type LabNode, type LinkEdge } from './graph';
import { reuseUnchanged } from './stable';
import { deleteMachineSteps, deletePodCommands } from '../layout/plans';
import { elkInput, elkLayout } from './layout';
import { planConnection } from './connect';
import { nodeTypes } from './nodes';
import { edgeTypes } from './LinkEdge';
import { isTypingTarget } from '../layout/shortcuts';

/** Room around the lab when fitting: the bottom keeps clear of the activity bar. */
const FIT_PADDING = { top: '36px', left: '56px', right: '40px', bottom: '64px' } as const;

/** Fit options for the first render (a constant: a new object each render would re-sync xyflow's store). */
const FIT_OPTIONS = { padding: FIT_PADDING, maxZoom: 1.1 } as const;

const netnsOfNode = (n: LabNode | undefined): string | null => (n && (n.type === 'host' || n.type === 'pod') ? n.data.netns : null);

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
  const { fitView, getInternalNode, getViewport, setCenter } = useReactFlow();
  const selectedHost = useStore((s) => s.selectedHost);

  const creators = useMemo(() => netnsCreators({ base, ops }), [base, ops]);
  const graph = useMemo(() => buildGraph(snapshot, creators, positions, auto), [snapshot, creators, positions, auto]);

  // xyflow needs a mutable node list while a box is being dragged; the store gets the final position.
  // Both lists change only with the graph (never on pan or zoom), and a rebuilt graph keeps the
  // objects of unchanged boxes and cables, so React Flow and the memoised boxes skip them.
  const [nodes, setNodes] = useState<LabNode[]>(graph.nodes);
  const [edges, setEdges] = useState<LinkEdge[]>(graph.edges);
  useEffect(() => {
    setNodes((cur) => reuseUnchanged(cur, graph.nodes, ['measured']));
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

  // fit the view once the new lab has been laid out
  const fitted = useRef(-1);
  useEffect(() => {
    if (laidOut !== layout.key || fitted.current === fitRequest) return;
    fitted.current = fitRequest;
    const t = setTimeout(() => void fitView({ padding: FIT_PADDING, duration: 200, maxZoom: 1.1 }), 30);
    return () => clearTimeout(t);
  }, [laidOut, layout.key, fitRequest, fitView]);

  // a host picked in the inspector that is off screen is brought into view (same zoom)
  useEffect(() => {
    if (!selectedHost) return;
    const id = graph.nodeOfNetns[selectedHost];
    const node = id ? getInternalNode(id) : undefined;
    const pane = document.querySelector('.canvas-area .react-flow, .embed__canvas .react-flow');
    if (!node || !pane) return;
    const { x, y, zoom } = getViewport();
    const { width: w, height: h } = pane.getBoundingClientRect();
    const pos = node.internals.positionAbsolute;
    const nw = (node.measured.width ?? node.width ?? 0) * zoom;
    const nh = (node.measured.height ?? node.height ?? 0) * zoom;
    const sx = pos.x * zoom + x;
    const sy = pos.y * zoom + y;
    if (sx >= 0 && sy >= 0 && sx + nw <= w && sy + nh <= h) return;
    void setCenter(pos.x + nw / zoom / 2, pos.y + nh / zoom / 2, { zoom, duration: 250 });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the selection changes
  }, [selectedHost]);

  const onNodesChange = useCallback(
    (changes: NodeChange<LabNode>[]) => {
      const applied = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
      if (applied.length) setNodes((nds) => applyNodeChanges(applied, nds));
      for (const c of changes) {
        if (c.type === 'select' && c.selected) {
          const node = graph.nodes.find((n) => n.id === c.id);
          const ns = netnsOfNode(node) ?? (node?.type === 'bridge' ? node.data.netns : null);
          if (ns) selectHost(ns);
          else if (node?.type === 'lan') selectLan(node.data.lan);
        }
      }
    },
    [graph, selectHost, selectLan],
  );

  const onNodeDragStop: OnNodeDrag<LabNode> = useCallback(
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
    (_e: React.MouseEvent, node: LabNode) => {
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
      if (!node) return;
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
    <ReactFlow<LabNode>
      onKeyDown={onKeyDown}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
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
      // big labs: only the boxes and cables in view are in the DOM, so panning and zooming stay fluid
      onlyRenderVisibleElements
      aria-label="Network canvas"
      // for tests and benchmarks: boxes in the lab (only those in view are in the DOM) and whether elk has placed them
      data-boxes={nodes.length}
      data-layout={laidOut === layout.key ? 'done' : 'pending'}
      ariaLabelConfig={ariaLabelConfig}
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.3} color="#c9d1dc" />
      <Controls showInteractive={false} position="top-left" aria-label="Zoom and fit view" />
    </ReactFlow>
  );
}
