/**
 * Canvas boxes of a cluster: a node holding its pods above its CNI bridge, a pod card (name, IP,
 * labels, readiness, its veth), a Service (type, addresses, ports, endpoints), and the line from
 * a Service to each of its endpoints. The trace lights the pod, bridge or port the packet is at;
 * a pod in the service mesh holds its sidecar (istio-proxy), lit while the trace is in it.
 */
import { memo } from 'react';
import { getBezierPath, Handle, Position, type EdgeProps, type NodeProps } from '@xyflow/react';
import { useStore } from '../../store';
import { handleSignature, useMeasureHandles } from './handles';
import { cls, DropFlag, focusClass, focusOf, Port, useTraceEvent } from './nodes';
import './kube.css';
import { shownLabels, type EndpointEdge, type KubeNodeNode, type KubePodNode, type ServiceNode } from './clusterGraph';

function OpenTerminal({ netns, what }: { netns: string; what: string }) {
  const openTerminal = useStore((s) => s.openTerminal);
  return (
    <button
      type="button"
      className="btn btn--sm btn--ghost nodrag nopan"
      onClick={(e) => {
        e.stopPropagation();
        openTerminal(netns);
      }}
      aria-label={`Open a terminal in ${what}`}
      title={`Open a terminal in ${what}`}
    >
      <span aria-hidden="true" className="mono">
        &gt;_
      </span>
    </button>
  );
}

/** The handle Service lines end on (top edge, not for the student to drag). */
const ServiceEnd = () => <Handle type="target" id="service" position={Position.Top} className="svc-end" isConnectable={false} />;

export const KubeNodeView = memo(function KubeNodeView({ id, data }: NodeProps<KubeNodeNode>) {
  useMeasureHandles(id, handleSignature(data.ports));
  const ev = useTraceEvent();
  const selected = useStore((s) => s.selectedHost === data.netns);
  const f = focusOf(ev, (e) => e.netns === data.netns);
  const onBridge = focusOf(ev, (e) => e.netns === data.netns && !!e.dev && (e.dev === data.bridge.name || data.bridge.ports.includes(e.dev)));
  const veths = data.bridge.ports.length;
  return (
    <div className={cls('box box--host box--knode', selected && 'is-selected', focusClass(f))} data-netns={data.netns} data-testid={`node-${data.netns}`}>
      <ServiceEnd />
      <div className="box__head node-drag">
        <svg className="host-icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="3" y="4" width="18" height="12" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M8 20h8M12 16v4" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="box__title">{data.netns}</span>
        <span className="box__kind">node</span>
        <span className={cls('badge', data.ready ? 'badge--ok' : 'badge--warn')}>{data.ready ? '● Ready' : '⚠ NotReady'}</span>
        <span className="box__spacer" />
        <span className="hint knode__count">
          {data.podCount} pod{data.podCount === 1 ? '' : 's'}
        </span>
        <OpenTerminal netns={data.netns} what={`node ${data.netns}`} />
      </div>
      <div className="knode__meta mono">{[data.ip, data.podCIDR && `podCIDR ${data.podCIDR}`].filter(Boolean).join(' · ')}</div>
      {data.podCount === 0 && <div className="box__empty" style={{ top: 76 }}>No pods on this node yet: apply a manifest.</div>}
      <div className={cls('kbridge', !data.bridge.up && veths === 0 && 'is-absent', focusClass(onBridge))} style={{ top: data.bridgeY }} data-dev={`${data.netns}/${data.bridge.name}`} title={data.bridge.ports.length ? `ports: ${data.bridge.ports.join(', ')}` : undefined}>
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M3 15h18M6 15V9M12 15V9M18 15V9M3 9h18" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="kbridge__name mono">{data.bridge.name}</span>
        <span className="box__kind">CNI bridge</span>
        <span className="mono kbridge__addr">{data.bridge.addrs.join(', ') || 'created with the first pod'}</span>
        <span className="box__spacer" />
        <span className="hint">{veths ? `${veths} veth${veths === 1 ? '' : 's'} from the pods` : 'no pod veths'}</span>
      </div>
      {data.ports.map((p) => (
        <Port key={p.dev} netns={data.netns} port={p} side="bottom" />
      ))}
      {f === 'drop' && ev && <DropFlag ev={ev} />}
    </div>
  );
});

/** The sidecar's ports: what istio-init REDIRECTs to (outbound 15001, inbound 15006). */
const SIDECAR_PORTS = new Set([15001, 15006]);

/** The trace is in a pod's sidecar: Envoy's own decision, or a packet to or from its listeners. */
const inSidecar = (e: { verdict: string; packet?: { tcp?: { sport: number; dport: number } } }): boolean =>
  e.verdict === 'MESH_ROUTE' || e.verdict === 'MESH_DENY' || (!!e.packet?.tcp && (SIDECAR_PORTS.has(e.packet.tcp.dport) || SIDECAR_PORTS.has(e.packet.tcp.sport)));

function podState(p: KubePodNode['data']['pod']): { word: string; cls: string } {
  if (p.terminating) return { word: 'Terminating', cls: 'is-terminating' };
  if (p.ready) return { word: 'Ready', cls: 'is-ready' };
  return { word: p.phase === 'Running' ? 'NotReady' : p.phase, cls: 'is-notready' };
}

export const KubePodView = memo(function KubePodView({ data }: NodeProps<KubePodNode>) {
  const ev = useTraceEvent();
  const p = data.pod;
  const selected = useStore((s) => !!p.netns && s.selectedHost === p.netns);
  const f = focusOf(ev, (e) => !!p.netns && e.netns === p.netns);
  const state = podState(p);
  const labels = shownLabels(p.labels);
  return (
    <div
      className={cls('kpod', state.cls, selected && 'is-selected', focusClass(f))}
      data-testid={`kpod-${p.namespace}-${p.name}`}
      data-state={state.word}
      data-netns={p.netns ?? undefined}
    >
      <ServiceEnd />
      <div className="kpod__head node-drag">
        <span className={cls('kpod__dot', state.cls)} aria-hidden="true" />
        <span className="kpod__name" title={`${p.namespace}/${p.name}`}>
          {p.name}
        </span>
        <span className="box__spacer" />
        {p.sidecar && (
          <span
            className={cls('kpod__sidecar', ev && p.netns && ev.netns === p.netns && inSidecar(ev) && 'is-active')}
            data-testid="kpod-sidecar"
            title="istio-proxy: Envoy (UID 1337) beside the app; istio-init's iptables REDIRECT the pod's TCP to it (outbound 15001, inbound 15006)"
          >
            istio-proxy
          </span>
        )}
        {p.netns && <OpenTerminal netns={p.netns} what={`pod ${p.namespace}/${p.name}`} />}
      </div>
      <div className="kpod__line">
        <span className="mono kpod__ip">{p.hostNetwork ? 'hostNetwork' : (p.ip ?? 'no IP yet')}</span>
        <span className="kpod__ns" title="namespace">
          {p.namespace}
        </span>
        <span className={cls('kpod__state', state.cls)}>{state.word}</span>
      </div>
      <div className="kpod__labels" title={Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join('\n') || 'no labels'}>
        {labels.length ? labels.map(([k, v]) => (
          <span key={k} className="kpod__label mono">
            {k}={v}
          </span>
        )) : <span className="hint">no labels</span>}
      </div>
      <div className="kpod__veth mono" title="the pod's eth0 is one end of a veth pair; the other end is a port of the node's bridge">
        {p.hostVeth ? `eth0 ⇄ ${p.hostVeth}` : p.hostNetwork ? 'the node\'s own interfaces' : 'no sandbox yet'}
      </div>
      {f === 'drop' && ev && <DropFlag ev={ev} />}
    </div>
  );
});

export const ServiceView = memo(function ServiceView({ data }: NodeProps<ServiceNode>) {
  const s = data.svc;
  const ready = s.endpoints.filter((e) => e.ready).length;
  const addr = s.type === 'ExternalName' ? s.externalName : s.clusterIP === 'None' ? 'headless (no ClusterIP)' : s.clusterIP;
  return (
    <div className={cls('ksvc', `ksvc--${s.type.toLowerCase()}`)} data-testid={`svc-${s.namespace}-${s.name}`}>
      <div className="ksvc__head node-drag">
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
          <circle cx="12" cy="6" r="3" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M12 9v4M5 19l7-6 7 6" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="ksvc__name" title={`${s.namespace}/${s.name}`}>
          {s.name}
        </span>
        <span className="box__spacer" />
        <span className="badge ksvc__type">{s.type}</span>
      </div>
      <div className="ksvc__addr">
        <span className="kpod__ns">{s.namespace}</span> <span className="mono">{addr}</span>
        {s.loadBalancerIPs.length > 0 && <span className="ksvc__lb"> · LB {s.loadBalancerIPs.join(', ')}</span>}
      </div>
      <ul className="ksvc__ports mono">
        {s.ports.length === 0 && <li className="hint">no ports</li>}
        {s.ports.map((p, i) => (
          <li key={i}>
            {p.name ? `${p.name} ` : ''}
            {p.port}/{p.protocol} → {p.targetPort}
            {p.nodePort !== null && <div className="ksvc__nodeport">NodePort {p.nodePort} on every node</div>}
          </li>
        ))}
      </ul>
      <div className={cls('ksvc__eps', s.endpoints.length > 0 && ready === 0 && 'is-none')}>
        {s.type === 'ExternalName' ? 'a DNS alias: no endpoints' : s.endpoints.length === 0 ? 'no endpoints' : `${ready}/${s.endpoints.length} endpoint${s.endpoints.length === 1 ? '' : 's'} ready`}
      </div>
      <Handle type="source" id="endpoints" position={Position.Bottom} className="svc-start" isConnectable={false} />
    </div>
  );
});

export const EndpointEdgeView = memo(function EndpointEdgeView(props: EdgeProps<EndpointEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const [path] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (!data) return null;
  return (
    <path d={path} className={cls('endpoint-edge', !data.ready && 'is-notready', data.terminating && 'is-terminating')} data-testid={`edge-${id}`}>
      <title>{data.label}</title>
    </path>
  );
});

export const kubeNodeTypes = { knode: KubeNodeView, kpod: KubePodView, service: ServiceView };
export const kubeEdgeTypes = { endpoint: EndpointEdgeView };
