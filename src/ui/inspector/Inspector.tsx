/**
 * The inspector: edit the selected machine or pod — interfaces and addresses, the routing table
 * (as `ip route` prints it) and sysctls. Every edit runs the real command through the store and
 * shows it; a failing command shows its real error inline and changes nothing.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DevSnapshot, NetnsSnapshot } from '../../engine/snapshot';
import { netnsCreators, netnsTitles, useStore, type EditStep } from '../../store';
import { podOwners, portState } from '../canvas/graph';
import { nextIfName } from '../canvas/connect';
import { cls, STATE_ICON, STATE_LABEL } from '../canvas/nodes';
import { deleteMachineSteps, deletePodCommands, previewLine } from '../layout/plans';
import { CommandPreview, InlineError, useEdit } from './useEdit';
import { LessonPanel } from '../lesson/LessonPanel';
import { DeleteSection, Section } from './Section';
import { NameOptions, RowButton, SelectField, TextField } from '../forms/Field';

export function Inspector() {
  const selected = useStore((s) => s.selectedHost);
  const snapshot = useStore((s) => s.snapshot);
  const ns = snapshot.netns.find((n) => n.name === selected && n.role === 'host');
  const selectedLan = useStore((s) => (s.selectedLan && s.snapshot.lans.some((l) => l.name === s.selectedLan) ? s.selectedLan : null));
  const ref = useRef<HTMLElement>(null);
  // a newly selected host is read from the top
  useEffect(() => {
    ref.current?.scrollTo({ top: 0 });
  }, [selected]);
  return (
    <aside className="inspector" aria-label="Inspector" ref={ref}>
      <LessonPanel compact />
      <HostPicker />
      {ns ? <HostInspector key={ns.name} ns={ns} /> : selectedLan ? <LanInspector key={selectedLan} lan={selectedLan} /> : <InspectorEmpty />}
    </aside>
  );
}

function HostPicker() {
  const snapshot = useStore((s) => s.snapshot);
  const selected = useStore((s) => s.selectedHost);
  const selectedLan = useStore((s) => s.selectedLan);
  const selectHost = useStore((s) => s.selectHost);
  const selectLan = useStore((s) => s.selectLan);
  const cluster = useStore((s) => s.cluster);
  const titles = useMemo(() => netnsTitles(cluster), [cluster]);
  const hosts = snapshot.netns.filter((n) => n.role === 'host').map((n) => ({ name: n.name, label: titles[n.name] }));
  const value = selected ?? (selectedLan ? `lan:${selectedLan}` : '');
  return (
    <div className="inspector__section" style={{ paddingBottom: 12 }}>
      <SelectField
        label="Inspect"
        value={value}
        onChange={(v) => {
          if (v.startsWith('lan:')) selectLan(v.slice(4));
          else selectHost(v || null);
        }}
      >
        <option value="">{hosts.length ? 'Choose a machine, pod or switch…' : 'No machines yet'}</option>
        {hosts.length > 0 && (
          <optgroup label="Machines and pods">
            <NameOptions items={hosts} />
          </optgroup>
        )}
        {snapshot.lans.length > 0 && (
          <optgroup label="LAN switches">
            <LanOptions lans={snapshot.lans} />
          </optgroup>
        )}
      </SelectField>
    </div>
  );
}

function InspectorEmpty() {
  const count = useStore((s) => s.snapshot.netns.filter((n) => n.role === 'host').length);
  return (
    <>
      <div className="inspector__empty">
        {count > 0 ? (
          <p className="hint">Click a machine, pod or switch on the canvas, or choose one above, to edit it here.</p>
        ) : (
          <p className="hint">This lab is empty. Load a lab from the Lab menu, or add a machine with Add ▸ Machine.</p>
        )}
      </div>
    </>
  );
}

function HostInspector({ ns }: { ns: NetnsSnapshot }) {
  const snapshot = useStore((s) => s.snapshot);
  const base = useStore((s) => s.doc.base);
  const ops = useStore((s) => s.doc.ops);
  const openTerminal = useStore((s) => s.openTerminal);
  const readonly = useStore((s) => s.readonly);
  const owner = useMemo(() => podOwners(snapshot, netnsCreators({ base, ops }))[ns.name], [snapshot, base, ops, ns.name]);
  // a cluster pod is named as kubectl names it; its sandbox netns is a detail under the name
  const kubePod = useStore((s) => s.cluster?.pods.find((p) => p.netns === ns.name));
  return (
    <>
      <div className="inspector__head">
        <div className="inspector__title">
          <h2>{kubePod ? `${kubePod.namespace}/${kubePod.name}` : ns.name}</h2>
          {kubePod ? (
            <span className="badge badge--pod">pod on {kubePod.node}</span>
          ) : owner ? (
            <span className="badge badge--pod">pod on {owner}</span>
          ) : (
            <span className="badge">machine</span>
          )}
          <span className="box__spacer" style={{ flex: 1 }} />
          <button type="button" className="btn btn--sm" onClick={() => openTerminal(ns.name)}>
            <span aria-hidden="true" className="mono">&gt;_</span> Terminal
          </button>
        </div>
        {kubePod && (
          <p className="hint">
            network namespace <code>{ns.name}</code>
          </p>
        )}
        {readonly && <p className="hint">This lab is read-only: use the terminal to explore.</p>}
      </div>
      <Routes ns={ns} />
      <Connectivity ns={ns} />
      <Sysctls ns={ns} />
      <Interfaces ns={ns} />
      {!readonly && <Connect ns={ns} />}
      {!readonly && owner && <DeletePod ns={ns} owner={owner} />}
      {!readonly && !owner && <DeleteMachine ns={ns} />}
    </>
  );
}

/** LAN switches in a picker that also lists machines: the `lan:` prefix tells the two apart. */
function LanOptions({ lans }: { lans: { name: string }[] }) {
  return lans.map((l) => (
    <option key={l.name} value={`lan:${l.name}`}>
      {l.name}
    </option>
  ));
}

/* ---------------- interfaces ---------------- */

function Interfaces({ ns }: { ns: NetnsSnapshot }) {
  const devs = ns.devs.filter((d) => d.kind !== 'loopback');
  return (
    <Section title="Interfaces" command="ip addr" label="interfaces">
      {devs.length === 0 ? (
        <p className="hint">
          Only <code>lo</code>. Plug {ns.name} into a LAN (drag its + onto a switch) or attach it to a bridge.
        </p>
      ) : (
        <ul className="dev-list">
          {devs.map((d) => (
            <DevCard key={d.name} netns={ns.name} dev={d} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function DevCard({ netns, dev }: { netns: string; dev: DevSnapshot }) {
  const { run, error } = useEdit();
  const startCapture = useStore((s) => s.startCapture);
  const readonly = useStore((s) => s.readonly);
  const [cidr, setCidr] = useState('');
  const [adding, setAdding] = useState(false);
  const errId = useId();
  const state = portState(dev);
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!cidr.trim()) return;
    if (run(netns, `ip addr add ${cidr.trim()} dev ${dev.name}`)) {
      setCidr('');
      setAdding(false);
    }
  };
  return (
    <li className="dev" data-dev={dev.name}>
      <div className="dev__head">
        <span className="dev__name">{dev.name}</span>
        <span className={cls('badge', dev.kind === 'bridge' ? 'badge--bridge' : dev.kind === 'veth' ? 'badge--pod' : '')}>{dev.kind}</span>
        <span className={cls('badge', state === 'up' ? 'badge--ok' : state === 'no-carrier' ? 'badge--warn' : '')}>
          <span aria-hidden="true">{STATE_ICON[state]}</span> {STATE_LABEL[state]}
        </span>
        {!readonly && (
          <button
            type="button"
            className="btn btn--sm"
            style={{ marginLeft: 'auto' }}
            onClick={() => run(netns, `ip link set dev ${dev.name} ${dev.adminUp ? 'down' : 'up'}`)}
            aria-label={`Set ${dev.name} ${dev.adminUp ? 'down' : 'up'}`}
          >
            Set {dev.adminUp ? 'down' : 'up'}
          </button>
        )}
      </div>
      <div className="dev__meta">
        {dev.mac}
        {dev.master && ` · port of ${dev.master}`}
        {dev.peer && ` · peer ${dev.peer.netns.startsWith('__lan_') ? `LAN ${dev.peer.netns.slice(6)}` : `${dev.peer.netns}/${dev.peer.dev}`}`}
      </div>
      {dev.addrs.length > 0 && (
        <ul className="addr-list" aria-label={`Addresses of ${dev.name}`}>
          {dev.addrs.map((a) => {
            const text = `${a.addr}/${a.prefixlen}`;
            return (
              <li key={text} className="addr-chip">
                {text}
                {a.secondary && <span className="hint"> secondary</span>}
                {!readonly && (
                  <button
                    type="button"
                    className="btn btn--ghost btn--sm btn--icon btn--danger"
                    aria-label={`Remove address ${text} from ${dev.name}`}
                    title={`ip addr del ${text} dev ${dev.name}`}
                    onClick={() => run(netns, `ip addr del ${text} dev ${dev.name}`)}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!readonly && adding && (
        <form className="row-form" onSubmit={add}>
          <TextField
            label={<span className="visually-hidden">Address for {dev.name}</span>}
            autoFocus
            onKeyDown={(e) => {
              if (e.key === 'Escape') setAdding(false);
            }}
            placeholder="e.g. 10.244.1.1/24"
            value={cidr}
            onChange={setCidr}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errId : undefined}
          />
          <RowButton disabled={!cidr.trim()} aria-label={`Add address to ${dev.name}`}>
            Add
          </RowButton>
        </form>
      )}
      <div className="dev__actions">
        {!readonly && !adding && (
          <button type="button" className="btn btn--sm btn--ghost" onClick={() => setAdding(true)} aria-label={`Add an address to ${dev.name}`}>
            + address
          </button>
        )}
        <button
          type="button"
          className="btn btn--sm btn--ghost"
          onClick={() => startCapture(netns, dev.name)}
          aria-label={`Capture packets on ${dev.name} (tcpdump -i ${dev.name})`}
          title={`tcpdump -n -i ${dev.name}: show every frame crossing ${dev.name}`}
        >
          Capture
        </button>
        {!readonly && (
          <button
            type="button"
            className="btn btn--sm btn--ghost btn--danger"
            style={{ marginLeft: 'auto' }}
            onClick={() => run(netns, `ip link del dev ${dev.name}`)}
            aria-label={`Delete ${dev.name}${dev.kind === 'veth' ? ' (and its peer)' : ''}`}
            title={`ip link del dev ${dev.name}${dev.kind === 'veth' ? ': a veth pair goes as a whole' : ''}`}
          >
            Delete
          </button>
        )}
      </div>
      <InlineError error={error} id={errId} />
    </li>
  );
}

/* ---------------- routes ---------------- */

/** `ip route del` for a line of `ip route` output: destination, gateway and device identify it. */
export function routeDelCommand(line: string): string {
  const t = line.trim().split(/\s+/);
  let i = 0;
  const typed = ['unreachable', 'blackhole', 'prohibit', 'local', 'broadcast', 'throw'].includes(t[0]);
  const parts = ['ip route del'];
  if (typed) parts.push(t[i++]);
  parts.push(t[i++]);
  const via = t.indexOf('via');
  if (via > 0 && t[via + 1]) parts.push(`via ${t[via + 1]}`);
  const dev = t.indexOf('dev');
  if (dev > 0 && t[dev + 1]) parts.push(`dev ${t[dev + 1]}`);
  const metric = t.indexOf('metric');
  if (metric > 0 && t[metric + 1]) parts.push(`metric ${t[metric + 1]}`);
  return parts.join(' ');
}

/** An example gateway for the route form: one this namespace already uses, else the lesson's node02. */
export function viaExample(ns: Pick<NetnsSnapshot, 'routes'>): string {
  for (const r of ns.routes) {
    const m = /\bvia (\d+\.\d+\.\d+\.\d+)/.exec(r);
    if (m) return m[1];
  }
  return '192.168.1.12';
}

export function routeAddCommand(dest: string, via: string, dev: string): string | null {
  const d = dest.trim();
  if (!d) return null;
  let cmd = `ip route add ${d}`;
  if (via.trim()) cmd += ` via ${via.trim()}`;
  if (dev) cmd += ` dev ${dev}`;
  return cmd;
}

function Routes({ ns }: { ns: NetnsSnapshot }) {
  const { run, error } = useEdit();
  const prompt = useStore((s) => s.promptOf)(ns.name);
  const readonly = useStore((s) => s.readonly);
  const [dest, setDest] = useState('');
  const [via, setVia] = useState('');
  const [dev, setDev] = useState('');
  const errId = useId();
  const cmd = routeAddCommand(dest, via, dev);
  const devs = ns.devs.filter((d) => d.kind !== 'loopback');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (cmd && run(ns.name, cmd)) {
      setDest('');
      setVia('');
      setDev('');
    }
  };
  return (
    <Section title="Routing table" command="ip route" label="routes">
      <ul className="route-table" aria-label={`ip route on ${ns.name}`}>
        <li className="route-table__cmd" aria-hidden="true">
          {prompt}ip route
        </li>
        {ns.routes.length === 0 && (
          <li>
            <span className="route-table__empty">(empty: no address, no route)</span>
          </li>
        )}
        {ns.routes.map((r) => (
          <li key={r}>
            <span className="route__text">{r}</span>
            {!readonly && (
              <button
                type="button"
                className="btn btn--sm btn--icon"
                aria-label={`Delete route ${r}`}
                title={routeDelCommand(r)}
                onClick={() => run(ns.name, routeDelCommand(r))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readonly && (
        <form onSubmit={submit} style={{ marginTop: 12 }} aria-label={`Add a route on ${ns.name}`}>
          <div className="form-grid">
            <TextField
              span
              label="Destination"
              placeholder="10.244.2.2, 10.244.2.0/24 or default"
              value={dest}
              onChange={setDest}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errId : undefined}
            />
            <TextField label="Via (gateway)" placeholder={viaExample(ns)} value={via} onChange={setVia} />
            <SelectField label="Device" value={dev} onChange={setDev}>
              <option value="">auto</option>
              <NameOptions items={devs} />
            </SelectField>
          </div>
          {cmd && <CommandPreview on={ns.name} lines={[cmd]} />}
          <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 8 }}>
            <button type="submit" className="btn btn--primary" disabled={!cmd}>
              Add route
            </button>
          </div>
          <InlineError error={error} id={errId} />
        </form>
      )}
    </Section>
  );
}

/* ---------------- sysctls ---------------- */

/** Sysctls worth seeing in this lesson, read through the command layer (`sysctl -n`). */
export const WATCHED_SYSCTLS = ['net.ipv4.conf.all.rp_filter', 'net.ipv4.icmp_echo_ignore_all', 'net.ipv4.ip_default_ttl'] as const;

function Sysctls({ ns }: { ns: NetnsSnapshot }) {
  const { run, error } = useEdit();
  const readonly = useStore((s) => s.readonly);
  const query = useStore((s) => s.query);
  const snapshot = useStore((s) => s.snapshot);
  const [custom, setCustom] = useState('');
  const customRef = useRef<HTMLInputElement>(null);
  const values = useMemo(() => {
    void snapshot; // re-read whenever the world changed
    const r = query(ns.name, `sysctl -n ${WATCHED_SYSCTLS.join(' ')}`);
    const lines = r.exit === 0 ? r.stdout.split('\n') : [];
    return WATCHED_SYSCTLS.map((key, i) => ({ key, value: lines[i] ?? '?' }));
  }, [query, ns.name, snapshot]);
  const ids = { fwd: useId(), err: useId() };
  const next = ns.ipForward ? 0 : 1;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = custom.trim().replace(/\s*=\s*/, '=');
    if (v && run(ns.name, `sysctl -w ${v}`)) setCustom('');
  };
  return (
    <Section title="Sysctls" command="sysctl" label="sysctls">
      <div className="sysctl">
        <div className="sysctl__text">
          <div className="sysctl__key" id={ids.fwd}>
            net.ipv4.ip_forward = {ns.ipForward ? 1 : 0}
          </div>
          <p className="hint">
            {ns.ipForward
              ? 'Forwarding on: packets for other hosts are routed on.'
              : 'Forwarding off: packets for other hosts are dropped here (silently).'}
          </p>
        </div>
        <button
          type="button"
          role="switch"
          className="switch"
          aria-checked={ns.ipForward}
          aria-labelledby={ids.fwd}
          disabled={readonly}
          title={`sysctl -w net.ipv4.ip_forward=${next}`}
          onClick={() => run(ns.name, `sysctl -w net.ipv4.ip_forward=${next}`)}
        />
      </div>
      <ul className="sysctl-list" aria-label={`Other sysctls on ${ns.name}`}>
        {values.map((v) => (
          <li key={v.key}>
            <code>
              {v.key} = {v.value}
            </code>
            {!readonly && (
              <button
                type="button"
                className="btn btn--sm btn--ghost"
                aria-label={`Change ${v.key}`}
                onClick={() => {
                  setCustom(`${v.key}=${v.value}`);
                  customRef.current?.focus();
                }}
              >
                Change
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readonly && (
        <form className="row-form" onSubmit={submit}>
          <TextField
            ref={customRef}
            label="Set a sysctl"
            placeholder="net.ipv4.conf.all.rp_filter=1"
            value={custom}
            onChange={setCustom}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? ids.err : undefined}
          />
          <RowButton disabled={!custom.trim()}>Set</RowButton>
        </form>
      )}
      <InlineError error={error} id={ids.err} />
    </Section>
  );
}

/* ---------------- connectivity ---------------- */

function Connectivity({ ns }: { ns: NetnsSnapshot }) {
  const runCmd = useStore((s) => s.run);
  const prompt = useStore((s) => s.promptOf)(ns.name);
  const [dest, setDest] = useState('');
  const [out, setOut] = useState<{ line: string; text: string; exit: number } | null>(null);
  const outId = useId();
  const go = (tool: 'ping' | 'traceroute') => {
    const d = dest.trim();
    if (!d) return;
    const line = tool === 'ping' ? `ping -c 1 -W 1 ${d}` : `traceroute -n -q 1 ${d}`;
    const r = runCmd(ns.name, line, 'ui');
    setOut({ line, text: (r.stdout + r.stderr).trimEnd(), exit: r.exit });
  };
  return (
    <Section title="Test connectivity" label="connectivity">
      <form
        className="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          go('ping');
        }}
      >
        <TextField label={<span className="visually-hidden">Destination address</span>} placeholder="10.244.2.2" value={dest} onChange={setDest} />
        <RowButton disabled={!dest.trim()}>Ping</RowButton>
        <RowButton type="button" disabled={!dest.trim()} onClick={() => go('traceroute')}>
          Traceroute
        </RowButton>
      </form>
      {out && (
        <pre className="cmd-preview" id={outId} aria-live="polite" aria-label={`Output of ${out.line}`} data-exit={out.exit}>
          <span className="prompt">{prompt}</span>
          {out.line}
          {'\n'}
          {out.text}
        </pre>
      )}
      <p className="hint" style={{ marginTop: 8 }}>The trace panel shows every hop of the last ping.</p>
    </Section>
  );
}

/* ---------------- connect (the keyboard path for drag-to-connect) ---------------- */

function Connect({ ns }: { ns: NetnsSnapshot }) {
  const snapshot = useStore((s) => s.snapshot);
  const selectHost = useStore((s) => s.selectHost);
  const { runSteps, error } = useEdit();
  const [target, setTarget] = useState('');
  const others = snapshot.netns.filter((n) => n.role === 'host' && n.name !== ns.name);
  const ifname = nextIfName(snapshot, ns.name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!target) return;
    const [kind, name] = target.split(':');
    const ok =
      kind === 'lan'
        ? runSteps([{ kind: 'lan-member', lan: name, member: `${ns.name}:${ifname}` }])
        : runSteps([{ kind: 'link', a: `${ns.name}:${ifname}`, b: `${name}:${nextIfName(snapshot, name)}` }]);
    if (ok) {
      setTarget('');
      selectHost(ns.name);
    }
  };
  return (
    <Section title="Plug in a cable" label="connect">
      <form className="row-form" onSubmit={submit}>
        <SelectField label={<>New interface {ifname} to</>} value={target} onChange={setTarget}>
          <option value="">Choose a switch or machine…</option>
          {snapshot.lans.length > 0 && (
            <optgroup label="LAN switches">
              <LanOptions lans={snapshot.lans} />
            </optgroup>
          )}
          {others.length > 0 && (
            <optgroup label="Point-to-point cable to">
              {others.map((o) => (
                <option key={o.name} value={`host:${o.name}`}>
                  {o.name}
                </option>
              ))}
            </optgroup>
          )}
        </SelectField>
        <RowButton disabled={!target}>Connect</RowButton>
      </form>
      <p className="hint" style={{ marginTop: 8 }}>Or drag the + on the box onto a switch or another machine.</p>
      <InlineError error={error} />
    </Section>
  );
}

export { deletePodCommands };

function DeletePod({ ns, owner }: { ns: NetnsSnapshot; owner: string }) {
  const { run, error } = useEdit();
  const selectHost = useStore((s) => s.selectHost);
  const lines = deletePodCommands(ns, owner);
  return (
    <DeleteSection
      title="Delete pod"
      on={owner}
      lines={lines}
      button={`Delete ${ns.name}`}
      onDelete={() => {
        if (run(owner, lines)) selectHost(owner);
      }}
      error={error}
    />
  );
}

/** Delete a machine (and the pods drawn inside it): like `ip netns del`, its veths and their peers go too. */
function DeleteMachine({ ns }: { ns: NetnsSnapshot }) {
  const { runSteps, error } = useEdit();
  const snapshot = useStore((s) => s.snapshot);
  const base = useStore((s) => s.doc.base);
  const ops = useStore((s) => s.doc.ops);
  const closeTerminal = useStore((s) => s.closeTerminal);
  const steps = useMemo(() => deleteMachineSteps(snapshot, netnsCreators({ base, ops }), ns.name), [snapshot, base, ops, ns.name]);
  const gone = steps.flatMap((s) => (s.kind === 'remove-host' ? [s.name] : []));
  const pods = gone.filter((n) => n !== ns.name);
  const cables = ns.devs.filter((d) => d.kind === 'veth' && d.peer).length;
  return (
    <DeleteSection
      title="Delete machine"
      what={
        <>
          Takes {ns.name} off the lab: its namespace and interfaces
          {cables > 0 && `, and the ${cables === 1 ? 'cable' : `${cables} cables`} into it`}
          {pods.length > 0 && `, with its ${pods.length === 1 ? 'pod' : 'pods'} ${pods.join(', ')}`}.
        </>
      }
      on="lab"
      lines={steps.map(previewLine)}
      button={`Delete machine ${ns.name}`}
      onDelete={() => {
        if (runSteps(steps)) for (const host of gone) closeTerminal(host);
      }}
      error={error}
    />
  );
}

/* ---------------- a LAN switch ---------------- */

function LanInspector({ lan }: { lan: string }) {
  const snapshot = useStore((s) => s.snapshot);
  const selectHost = useStore((s) => s.selectHost);
  const readonly = useStore((s) => s.readonly);
  const { runSteps, error } = useEdit();
  const [machine, setMachine] = useState('');
  const info = snapshot.lans.find((l) => l.name === lan);
  if (!info) return null;
  const members = info.members
    .map((m) => ({ ...m, dev: snapshot.netns.find((n) => n.name === m.netns)?.devs.find((d) => d.name === m.dev) ?? null }))
    .filter((m) => m.dev !== null); // an interface deleted with ip link del is unplugged
  const candidates = snapshot.netns.filter((n) => n.role === 'host');
  const plug = (e: FormEvent) => {
    e.preventDefault();
    if (machine && runSteps([{ kind: 'lan-member', lan, member: `${machine}:${nextIfName(snapshot, machine)}` }])) {
      selectHost(machine);
    }
  };
  return (
    <>
      <div className="inspector__head">
        <div className="inspector__title">
          <h2>{lan}</h2>
          <span className="badge">LAN switch</span>
        </div>
        <p className="hint">
          A switch: the bridge <code>br0</code> in a hidden namespace, one port per cable. Frames between its machines never need a router.
        </p>
      </div>
      <Section title="Plugged in" label="members">
        {members.length === 0 ? (
          <p className="hint">Nothing yet.</p>
        ) : (
          <ul className="dev-list">
            {members.map((m) => {
              const state = m.dev ? portState(m.dev) : 'down';
              return (
                <li key={`${m.netns}/${m.dev?.name}`} className="dev">
                  <div className="dev__head">
                    <button type="button" className="btn btn--sm btn--ghost" onClick={() => selectHost(m.netns)} aria-label={`Inspect ${m.netns}`}>
                      <span className="dev__name">
                        {m.netns}:{m.dev?.name}
                      </span>
                    </button>
                    <span className={cls('badge', state === 'up' ? 'badge--ok' : state === 'no-carrier' ? 'badge--warn' : '')}>
                      <span aria-hidden="true">{STATE_ICON[state]}</span> {STATE_LABEL[state]}
                    </span>
                    <span className="mono" style={{ marginLeft: 'auto', fontSize: 12 }}>
                      {m.dev?.addrs.map((a) => `${a.addr}/${a.prefixlen}`).join(', ') || 'no address'}
                    </span>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Section>
      {!readonly && (
        <Section title="Plug in a machine" label="plug">
          <form className="row-form" onSubmit={plug}>
            <SelectField label="Machine or pod" value={machine} onChange={setMachine}>
              <option value="">Choose…</option>
              {candidates.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} (new {nextIfName(snapshot, c.name)})
                </option>
              ))}
            </SelectField>
            <RowButton disabled={!machine}>Plug in</RowButton>
          </form>
          <InlineError error={error} />
        </Section>
      )}
      {!readonly && <DeleteLan lan={lan} members={members.map((m) => `${m.netns}:${m.dev!.name}`)} />}
    </>
  );
}

function DeleteLan({ lan, members }: { lan: string; members: string[] }) {
  const { runSteps, error } = useEdit();
  const step: EditStep = { kind: 'remove-lan', name: lan };
  return (
    <DeleteSection
      title="Delete LAN switch"
      what={
        members.length === 0
          ? `Takes ${lan} off the lab; nothing is plugged into it.`
          : `Takes ${lan} off the lab and unplugs every cable: ${members.join(', ')} ${members.length === 1 ? 'goes' : 'go'} too, with ${members.length === 1 ? 'its addresses' : 'their addresses'}.`
      }
      on="lab"
      lines={[previewLine(step)]}
      button={`Delete LAN switch ${lan}`}
      onDelete={() => runSteps([step])}
      error={error}
    />
  );
}
