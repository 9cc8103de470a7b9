/**
 * Add a machine, pod, bridge, LAN switch or cable. Each form shows the commands it will run;
 * the edit is atomic (a failure shows the real error and changes nothing).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { netnsCreators, nextName, useStore, type EditStep } from '../../store';
import { podOwners } from '../canvas/graph';
import { nextIfName } from '../canvas/connect';
import { CommandPreview, InlineError, useEdit } from '../inspector/useEdit';
import { NameOptions, SelectField, TextField } from '../forms/Field';
import { Dialog, NoticeDialog } from './Dialog';
import { addrOnly, bridgeCommands, machineSteps, nextFreeAddr, nodeNumber, podCommands, previewLine } from './plans';

export type AddKind = 'machine' | 'pod' | 'bridge' | 'lan' | 'cable';

export const ADD_ITEMS: { kind: AddKind; label: string; help: string }[] = [
  { kind: 'machine', label: 'Machine', help: 'A new node with its own network namespace' },
  { kind: 'pod', label: 'Pod', help: 'A namespace on a node, attached to its bridge' },
  { kind: 'bridge', label: 'Bridge', help: 'A Linux bridge (like v-net-0) on a node' },
  { kind: 'lan', label: 'LAN switch', help: 'A switch to plug machines into' },
  { kind: 'cable', label: 'Cable', help: 'A point-to-point link between two machines' },
];

function useMachines() {
  const snapshot = useStore((s) => s.snapshot);
  const base = useStore((s) => s.doc.base);
  const ops = useStore((s) => s.doc.ops);
  return useMemo(() => {
    const owners = podOwners(snapshot, netnsCreators({ base, ops }));
    const all = snapshot.netns.filter((n) => n.role === 'host');
    return { snapshot, all, machines: all.filter((n) => !owners[n.name]) };
  }, [snapshot, base, ops]);
}

export function AddDialog({ kind, onClose, onSwitch }: { kind: AddKind; onClose: () => void; onSwitch: (k: AddKind) => void }) {
  switch (kind) {
    case 'machine':
      return <AddMachine onClose={onClose} />;
    case 'pod':
      return <AddPod onClose={onClose} onSwitch={onSwitch} />;
    case 'bridge':
      return <AddBridge onClose={onClose} />;
    case 'lan':
      return <AddLan onClose={onClose} />;
    case 'cable':
      return <AddCable onClose={onClose} />;
  }
}

function Footer({ onClose, label, disabled }: { onClose: () => void; label: string; disabled?: boolean }) {
  return (
    <>
      <button type="button" className="btn" onClick={onClose}>
        Cancel
      </button>
      <button type="submit" className="btn btn--primary" disabled={disabled}>
        {label}
      </button>
    </>
  );
}

/** Close the dialog with what was added picked (a machine, or `{ lan }` for a switch): the canvas keeps it in view. */
function useFinish(onClose: () => void) {
  const selectHost = useStore((s) => s.selectHost);
  const selectLan = useStore((s) => s.selectLan);
  const requestFit = useStore((s) => s.requestFit);
  return (select: string | { lan: string } | null) => {
    if (typeof select === 'string') selectHost(select);
    else if (select) selectLan(select.lan);
    requestFit();
    onClose();
  };
}

function describeSteps(steps: EditStep[]): { on: string; lines: string[] }[] {
  const out: { on: string; lines: string[] }[] = [];
  for (const s of steps) {
    const on = s.kind === 'cmd' ? s.on : 'lab';
    const line = previewLine(s);
    const last = out[out.length - 1];
    if (last && last.on === on) last.lines.push(line);
    else out.push({ on, lines: [line] });
  }
  return out;
}

function StepsPreview({ steps }: { steps: EditStep[] }) {
  return (
    <div>
      {describeSteps(steps).map((g, i) =>
        g.on === 'lab' ? (
          <pre key={i} className="cmd-preview" style={{ color: '#c3cfdd' }}>
            {g.lines.join('\n')}
          </pre>
        ) : (
          <CommandPreview key={i} on={g.on} lines={g.lines} />
        ),
      )}
    </div>
  );
}

function AddMachine({ onClose }: { onClose: () => void }) {
  const { snapshot, all } = useMachines();
  const { runSteps, error } = useEdit();
  const finish = useFinish(onClose);
  const [name, setName] = useState(() => nextName('node', all.map((n) => n.name), 1, 2));
  const [lan, setLan] = useState(snapshot.lans[0]?.name ?? '');
  const lanSubnet = useMemo(() => {
    const l = snapshot.lans.find((x) => x.name === lan);
    for (const m of l?.members ?? []) {
      const a = snapshot.netns.find((n) => n.name === m.netns)?.devs.find((d) => d.name === m.dev)?.addrs[0];
      if (a) return `${a.addr}/${a.prefixlen}`;
    }
    return null;
  }, [snapshot, lan]);
  const [addr, setAddr] = useState(() => (lanSubnet ? (nextFreeAddr(snapshot, lanSubnet, 11) ?? '') : ''));
  const steps = machineSteps(name.trim(), lan, lan ? addr : '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && runSteps(steps)) finish(name.trim());
  };
  return (
    <Dialog title="Add a machine" onClose={onClose} onSubmit={submit} footer={<Footer onClose={onClose} label="Add machine" disabled={!name.trim()} />}>
      <p className="hint">A machine is a network namespace of its own, with only <code>lo</code> until you plug it in.</p>
      <div className="form-grid">
        <TextField label="Name" value={name} onChange={setName} />
        <SelectField label="Plug eth0 into" value={lan} onChange={setLan}>
          <option value="">(nothing yet)</option>
          {snapshot.lans.map((l) => (
            <option key={l.name} value={l.name}>
              LAN switch {l.name}
            </option>
          ))}
        </SelectField>
        {lan && <TextField span label="Address of eth0" placeholder="192.168.1.14/24" value={addr} onChange={setAddr} />}
      </div>
      <StepsPreview steps={steps} />
      <InlineError error={error} />
    </Dialog>
  );
}

/** The node a bridge or pod goes on. Choices made for the old node (`clears`) go back to its defaults when another is picked. */
function NodeField({
  machines,
  node,
  onPick,
  clears,
  span,
}: {
  machines: { name: string }[];
  node: string;
  onPick: (node: string) => void;
  clears: ((none: null) => void)[];
  span?: boolean;
}) {
  return (
    <SelectField
      span={span}
      label="On node"
      value={node}
      onChange={(v) => {
        onPick(v);
        for (const clear of clears) clear(null);
      }}
    >
      <NameOptions items={machines} />
    </SelectField>
  );
}

function AddBridge({ onClose }: { onClose: () => void }) {
  const { snapshot, machines } = useMachines();
  const selected = useStore((s) => s.selectedHost);
  const { run, error } = useEdit();
  const finish = useFinish(onClose);
  const [node, setNode] = useState(() => machines.find((m) => m.name === selected)?.name ?? machines[0]?.name ?? '');
  const ns = snapshot.netns.find((n) => n.name === node);
  const idx = machines.findIndex((m) => m.name === node);
  const defaultName = nextName('v-net-', ns?.devs.map((d) => d.name) ?? [], 0);
  const defaultAddr = `10.244.${nodeNumber(node, Math.max(0, idx))}.1/24`;
  const [name, setName] = useState<string | null>(null);
  const [addr, setAddr] = useState<string | null>(null);
  const lines = bridgeCommands((name ?? defaultName).trim(), addr ?? defaultAddr);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (node && run(node, lines)) finish(node);
  };
  if (machines.length === 0) return <NeedMachine onClose={onClose} what="a bridge" />;
  return (
    <Dialog title="Add a bridge" onClose={onClose} onSubmit={submit} footer={<Footer onClose={onClose} label="Add bridge" disabled={!node} />}>
      <p className="hint">A bridge is a virtual switch inside a node: pods plug into it, and its address is their gateway.</p>
      <div className="form-grid">
        <NodeField span machines={machines} node={node} onPick={setNode} clears={[setName, setAddr]} />
        <TextField label="Name" value={name ?? defaultName} onChange={setName} />
        <TextField label="Address (gateway for pods)" value={addr ?? defaultAddr} onChange={setAddr} />
      </div>
      <CommandPreview on={node} lines={lines} />
      <InlineError error={error} />
    </Dialog>
  );
}

function AddPod({ onClose, onSwitch }: { onClose: () => void; onSwitch: (k: AddKind) => void }) {
  const { snapshot, all, machines } = useMachines();
  const selected = useStore((s) => s.selectedHost);
  const { run, error } = useEdit();
  const finish = useFinish(onClose);
  const withBridge = machines.filter((m) => m.devs.some((d) => d.kind === 'bridge'));
  const [node, setNode] = useState(() => withBridge.find((m) => m.name === selected)?.name ?? withBridge[0]?.name ?? machines[0]?.name ?? '');
  const ns = snapshot.netns.find((n) => n.name === node);
  const bridges = ns?.devs.filter((d) => d.kind === 'bridge') ?? [];
  const [bridge, setBridge] = useState<string | null>(null);
  const br = bridges.find((b) => b.name === bridge) ?? bridges[0];
  const brCidr = br?.addrs[0] ? `${br.addrs[0].addr}/${br.addrs[0].prefixlen}` : null;
  const [name, setName] = useState(() => nextName('pod', all.map((n) => n.name), 1));
  const [addr, setAddr] = useState<string | null>(null);
  const defaultAddr = brCidr ? (nextFreeAddr(snapshot, brCidr) ?? '') : '';
  const lines = br ? podCommands(name.trim(), br.name, addr ?? defaultAddr, addrOnly(brCidr)) : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (node && br && name.trim() && run(node, lines)) finish(name.trim());
  };
  if (machines.length === 0) return <NeedMachine onClose={onClose} what="a pod" />;
  return (
    <Dialog title="Add a pod" onClose={onClose} onSubmit={submit} footer={<Footer onClose={onClose} label="Add pod" disabled={!br || !name.trim()} />}>
      <p className="hint">
        A pod is a network namespace joined to its node’s bridge by a veth pair. These are the commands a CNI plugin runs for every new pod.
      </p>
      <div className="form-grid">
        <NodeField machines={machines} node={node} onPick={setNode} clears={[setBridge, setAddr]} />
        <TextField label="Pod name" value={name} onChange={setName} />
        {br && (
          <>
            <SelectField
              label="Bridge"
              value={br.name}
              onChange={(v) => {
                setBridge(v);
                setAddr(null);
              }}
            >
              <NameOptions items={bridges} />
            </SelectField>
            <TextField label="Pod address" value={addr ?? defaultAddr} onChange={setAddr} />
          </>
        )}
      </div>
      {!br && (
        <div className="error-text" style={{ background: 'var(--warn-soft)', color: 'var(--warn)' }}>
          <span aria-hidden="true">!</span>
          <div>
            {node} has no bridge to attach a pod to.{' '}
            <button type="button" className="btn btn--sm" onClick={() => onSwitch('bridge')}>
              Add a bridge on {node}
            </button>
          </div>
        </div>
      )}
      {br && !brCidr && <p className="hint">The bridge has no address, so the pod gets no default route.</p>}
      {br && <CommandPreview on={node} lines={lines} />}
      <InlineError error={error} />
    </Dialog>
  );
}

function AddLan({ onClose }: { onClose: () => void }) {
  const { snapshot, machines } = useMachines();
  const { runSteps, error } = useEdit();
  const finish = useFinish(onClose);
  const [name, setName] = useState(() => nextName('lan', snapshot.lans.map((l) => l.name), 0));
  const [members, setMembers] = useState<string[]>([]);
  const plugged = members.map((m) => `${m}:${nextIfName(snapshot, m)}`);
  const steps: EditStep[] = [{ kind: 'lan', name: name.trim(), members: plugged }];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && runSteps(steps)) finish(members[0] ?? { lan: name.trim() });
  };
  return (
    <Dialog title="Add a LAN switch" onClose={onClose} onSubmit={submit} footer={<Footer onClose={onClose} label="Add LAN switch" disabled={!name.trim()} />}>
      <p className="hint">A LAN switch connects machines on one layer-2 segment, like the 192.168.1.0/24 network of the lab.</p>
      <TextField label="Name" value={name} onChange={setName} />
      <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ marginBottom: 6 }}>Plug in (each gets a new interface)</legend>
        {machines.length === 0 && <p className="hint">No machines yet: you can plug them in later by dragging their + onto the switch.</p>}
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12 }}>
          {machines.map((m) => (
            <label key={m.name} className="checkbox">
              <input
                type="checkbox"
                checked={members.includes(m.name)}
                onChange={(e) => setMembers(e.target.checked ? [...members, m.name] : members.filter((x) => x !== m.name))}
              />
              {m.name} <span className="hint mono">({nextIfName(snapshot, m.name)})</span>
            </label>
          ))}
        </div>
      </fieldset>
      <StepsPreview steps={steps} />
      <p className="hint">New interfaces have no address: give them one in the inspector.</p>
      <InlineError error={error} />
    </Dialog>
  );
}

function AddCable({ onClose }: { onClose: () => void }) {
  const { snapshot, all } = useMachines();
  const { runSteps, error } = useEdit();
  const finish = useFinish(onClose);
  const [a, setA] = useState(all[0]?.name ?? '');
  const [b, setB] = useState(all[1]?.name ?? '');
  const ok = a && b && a !== b;
  const steps: EditStep[] = ok ? [{ kind: 'link', a: `${a}:${nextIfName(snapshot, a)}`, b: `${b}:${nextIfName(snapshot, b)}` }] : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ok && runSteps(steps)) finish(a);
  };
  if (all.length < 2) return <NeedMachine onClose={onClose} what="a cable (it needs two machines)" />;
  return (
    <Dialog title="Add a cable" onClose={onClose} onSubmit={submit} footer={<Footer onClose={onClose} label="Add cable" disabled={!ok} />}>
      <p className="hint">A point-to-point cable: a veth pair with one end in each namespace. You can also drag a machine’s + onto another machine.</p>
      <div className="form-grid">
        <SelectField label="From" value={a} onChange={setA}>
          <NameOptions items={all} />
        </SelectField>
        <SelectField label="To" value={b} onChange={setB}>
          <NameOptions items={all} />
        </SelectField>
      </div>
      {!ok && <p className="hint">Pick two different machines.</p>}
      {ok && <StepsPreview steps={steps} />}
      <InlineError error={error} />
    </Dialog>
  );
}

function NeedMachine({ onClose, what }: { onClose: () => void; what: string }) {
  return (
    <NoticeDialog title="Add a machine first" button="OK" onClose={onClose}>
      <p className="hint">To add {what}, the lab needs machines. Use Add ▸ Machine, or load a lab from the Lab menu.</p>
    </NoticeDialog>
  );
}
