/**
 * Canvas boxes: machines, pods, bridges and LAN switches, with their interfaces drawn as ports on
 * the box edge. Each reads the current trace event from the store to light up where the packet is.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { TraceEvent } from '../../engine/sim/trace';
import { isDrop, useStore } from '../../store';
import { handleSignature, useMeasureHandles } from './handles';
import { PORT_W, type BridgeNode, type HostNode, type LanNode, type PodNode, type PortState, type PortView } from './graph';

export const cls = (...names: (string | false | null | undefined)[]) => names.filter(Boolean).join(' ');

export const STATE_LABEL: Record<PortState, string> = { up: 'UP', down: 'DOWN', 'no-carrier': 'NO-CARRIER' };
export const STATE_ICON: Record<PortState, string> = { up: '●', down: '○', 'no-carrier': '⚠' };

/** The trace event under the play head, or undefined when no trace is shown. */
export function useTraceEvent(): TraceEvent | undefined {
  return useStore((s) => s.trace.events[s.trace.cursor]);
}

export type Focus = 'none' | 'active' | 'drop';

export function focusOf(ev: TraceEvent | undefined, match: (ev: TraceEvent) => boolean): Focus {
  if (!ev || !match(ev)) return 'none';
  return isDrop(ev) ? 'drop' : 'active';
}

export const focusClass = (f: Focus) => (f === 'drop' ? 'is-drop' : f === 'active' ? 'is-active' : false);

/** A few words for the packet at the play head: "echo request 10.244.1.2 → 10.244.2.2", "ARP who-has 192.168.1.12". */
export function packetTag(ev: TraceEvent): string | null {
  const p = ev.packet;
  if (!p) return null;
  if (p.arp) return p.arp.op === 'request' ? `ARP who-has ${p.arp.targetIp}` : `ARP ${p.arp.senderIp} is-at ${p.arp.senderMac}`;
  if (p.ip) {
    const what = p.icmp ? p.icmp.name : p.udp ? `UDP :${p.udp.dport}` : p.ip.proto;
    return `${what} ${p.ip.src} → ${p.ip.dst}`;
  }
  return null;
}

export function Port({ netns, port, side }: { netns: string; port: PortView; side: 'top' | 'bottom' }) {
  const ev = useTraceEvent();
  const f = focusOf(ev, (e) => (e.netns === netns && e.dev === port.dev) || (e.to?.netns === netns && e.to.dev === port.dev));
  // the packet's name rides on the port where the event happened (not the one it is heading to)
  const tag = ev && f !== 'none' && ev.netns === netns && ev.dev === port.dev ? packetTag(ev) : null;
  const addr = port.addrs[0];
  const more = port.addrs.length > 1 ? ` +${port.addrs.length - 1}` : '';
  const label = `${port.dev}, ${addr ? port.addrs.join(', ') : 'no address'}, ${STATE_LABEL[port.state]}`;
  return (
    <div
      className={cls('port', `port--${side}`, `port--${port.state}`, focusClass(f))}
      style={{ left: port.x, width: PORT_W }}
      data-dev={`${netns}/${port.dev}`}
      title={label}
    >
      <span className="port__icon" aria-hidden="true">
        {STATE_ICON[port.state]}
      </span>
      <span className="port__name">{port.dev}</span>
      <span className="port__state">{STATE_LABEL[port.state]}</span>
      <span className={cls('port__addr', !addr && 'is-none')}>{addr ? addr + more : 'no address'}</span>
      {tag && (
        <span className={cls('packet-tag', `packet-tag--${side}`, f === 'drop' && 'is-drop')} aria-hidden="true">
          {tag}
        </span>
      )}
      <Handle
        type="source"
        id={port.handle}
        position={side === 'top' ? Position.Top : Position.Bottom}
        className="port__handle"
        isConnectable={false}
      />
    </div>
  );
}

export function DropFlag({ ev }: { ev: TraceEvent }) {
  return (
    <div className="drop-flag" role="status">
      ✕ dropped: {ev.verdict}
    </div>
  );
}

function TerminalButton({ netns }: { netns: string }) {
  const openTerminal = useStore((s) => s.openTerminal);
  return (
    <button
      type="button"
      className="btn btn--sm btn--ghost nodrag nopan"
      onClick={(e) => {
        e.stopPropagation();
        openTerminal(netns);
      }}
      aria-label={`Open a terminal on ${netns}`}
      title={`Open a terminal on ${netns}`}
    >
      <span aria-hidden="true" className="mono">
        &gt;_
      </span>
    </button>
  );
}

function ConnectHandle({ netns }: { netns: string }) {
  const readonly = useStore((s) => s.readonly);
  if (readonly) return null;
  return (
    <Handle
      type="source"
      id="connect"
      position={Position.Right}
      className="connect-handle"
      title={`Drag from here onto a LAN switch or another machine to plug a cable into ${netns}`}
      aria-label={`Connect ${netns}: drag onto a LAN switch or another machine`}
    >
      <span aria-hidden="true">+</span>
    </Handle>
  );
}

export const HostNodeView = memo(function HostNodeView({ id, data }: NodeProps<HostNode>) {
  useMeasureHandles(id, handleSignature(data.ports));
  const ev = useTraceEvent();
  const selected = useStore((s) => s.selectedHost === data.netns);
  const f = focusOf(ev, (e) => e.netns === data.netns);
  // a bare node gets a hint; a machine that forwards is a router and needs no bridge or pods
  const empty = data.pods.length === 0 && !data.hasBridge && !(data.ipForward && data.ports.length > 0);
  return (
    <div
      className={cls('box box--host', selected && 'is-selected', focusClass(f))}
      data-netns={data.netns}
      data-testid={`host-${data.netns}`}
    >
      <div className="box__head node-drag">
        <svg className="host-icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="3" y="4" width="18" height="12" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M8 20h8M12 16v4" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="box__title">{data.netns}</span>
        <span className="box__kind">machine</span>
        <span className="box__spacer" />
        <span
          className={cls('badge', data.ipForward ? 'badge--ok' : 'badge')}
          title={data.ipForward ? 'net.ipv4.ip_forward = 1: this machine routes packets for others' : 'net.ipv4.ip_forward = 0: packets for others are dropped here'}
        >
          {data.ipForward ? '⇄ ip_forward=1' : '⊘ ip_forward=0'}
        </span>
        <TerminalButton netns={data.netns} />
      </div>
      {empty && <div className="box__empty">No bridge or pods yet: add them from the Add menu.</div>}
      {data.ports.length === 0 && <div className="box__empty" style={{ top: 'auto', bottom: 20 }}>No network interface: drag the + onto a LAN switch.</div>}
      {data.ports.map((p) => (
        <Port key={p.dev} netns={data.netns} port={p} side="bottom" />
      ))}
      <ConnectHandle netns={data.netns} />
      {f === 'drop' && ev && <DropFlag ev={ev} />}
    </div>
  );
});

export const PodNodeView = memo(function PodNodeView({ id, data }: NodeProps<PodNode>) {
  useMeasureHandles(id, handleSignature(data.ports));
  const ev = useTraceEvent();
  const selected = useStore((s) => s.selectedHost === data.netns);
  const f = focusOf(ev, (e) => e.netns === data.netns);
  return (
    <div className={cls('box box--pod', selected && 'is-selected', focusClass(f))} data-netns={data.netns} data-testid={`pod-${data.netns}`}>
      <div className="box__head node-drag" style={{ height: 34 }}>
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" style={{ color: 'var(--pod)' }}>
          <path d="M12 2l9 5v10l-9 5-9-5V7z" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="box__title">{data.netns}</span>
        <span className="box__kind">pod</span>
        <span className="box__spacer" />
        <TerminalButton netns={data.netns} />
      </div>
      <div className="box__sub mono" title={data.gateway ?? 'no default route'}>
        {data.gateway ? data.gateway.replace(/ dev \S+.*$/, '') : 'no default route'}
      </div>
      {data.ports.map((p) => (
        <Port key={p.dev} netns={data.netns} port={p} side="bottom" />
      ))}
      <ConnectHandle netns={data.netns} />
      {f === 'drop' && ev && <DropFlag ev={ev} />}
    </div>
  );
});

export const BridgeNodeView = memo(function BridgeNodeView({ id, data }: NodeProps<BridgeNode>) {
  useMeasureHandles(id, handleSignature(data.ports));
  const ev = useTraceEvent();
  const f = focusOf(ev, (e) => e.netns === data.netns && e.dev === data.dev);
  return (
    <div className={cls('box box--bridge', focusClass(f))} data-dev={`${data.netns}/${data.dev}`} data-testid={`bridge-${data.netns}-${data.dev}`}>
      {data.ports.map((p) => (
        <Port key={p.dev} netns={data.netns} port={p} side="top" />
      ))}
      {data.ports.length === 0 && <div className="box__empty" style={{ top: 14 }}>No ports: add a pod to attach one.</div>}
      <div className="box__head node-drag">
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" style={{ color: 'var(--bridge)' }}>
          <path d="M3 15h18M6 15V9M12 15V9M18 15V9M3 9h18" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="box__title mono">{data.dev}</span>
        <span className="box__kind">bridge</span>
        <span className="box__spacer" />
        <span className={cls('badge', data.state === 'up' ? 'badge--ok' : data.state === 'down' ? '' : 'badge--warn')}>
          {STATE_ICON[data.state]} {STATE_LABEL[data.state]}
        </span>
        <span className="bridge__addr mono">{data.addrs.length ? data.addrs.join(', ') : 'no address'}</span>
      </div>
      {ev && f !== 'none' && packetTag(ev) && (
        <span className={cls('packet-tag', 'packet-tag--top', f === 'drop' && 'is-drop')} aria-hidden="true">
          {packetTag(ev)}
        </span>
      )}
      {f === 'drop' && ev && <DropFlag ev={ev} />}
    </div>
  );
});

export const LanNodeView = memo(function LanNodeView({ id, data }: NodeProps<LanNode>) {
  useMeasureHandles(id, handleSignature(data.ports));
  const ev = useTraceEvent();
  const f = focusOf(ev, (e) => e.netns === `__lan_${data.lan}`);
  const selected = useStore((s) => s.selectedLan === data.lan);
  return (
    <div className={cls('box box--lan', selected && 'is-selected', focusClass(f))} data-testid={`lan-${data.lan}`}>
      <Handle type="source" id="lan" position={Position.Top} className="lan-handle" isConnectableStart={false} />
      {data.ports.map((p) => (
        <Handle key={p.handle} type="source" id={p.handle} position={Position.Top} className="lan-port" style={{ left: `${p.left}%` }} isConnectable={false} title={p.member} />
      ))}
      <div className="box__head node-drag" style={{ height: '100%' }}>
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" style={{ color: 'var(--lan)' }}>
          <rect x="2" y="7" width="20" height="10" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M6 11h2M10 11h2M14 11h2" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="box__title">{data.lan}</span>
        <span className="box__kind">LAN switch</span>
        {data.subnet && <span className="mono" style={{ fontSize: 12 }}>{data.subnet}</span>}
        <span className="box__spacer" />
        <span className="hint" style={{ fontSize: 11.5 }}>
          {data.members.length === 0 ? 'empty: drag a + here' : `${data.members.length} port${data.members.length === 1 ? '' : 's'}`}
        </span>
      </div>
      {f === 'drop' && ev && <DropFlag ev={ev} />}
    </div>
  );
});

export const nodeTypes = { host: HostNodeView, pod: PodNodeView, bridge: BridgeNodeView, lan: LanNodeView };
