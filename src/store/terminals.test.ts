import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand';
import type { PacketView, TraceEvent } from '../engine/sim/trace';
import type { WorldSnapshot } from '../engine/snapshot';
import type { CommandResult } from '../commands/types';
import type { AppState } from './index';
import { addHistory, createTerminalSlice, formatHistory, promptFor, tcpdumpInvocation } from './terminals';
import { createTraceSlice } from './trace';
import { createCaptureSlice } from './capture';

const snapshot: WorldSnapshot = {
  version: 1,
  lans: [],
  netns: [
    {
      name: 'node02',
      role: 'host',
      ipForward: false,
      routes: [],
      devs: [
        { ifindex: 1, name: 'lo', kind: 'loopback', mac: '00:00:00:00:00:00', adminUp: true, carrier: true, operstate: 'UNKNOWN', addrs: [] },
        { ifindex: 2, name: 'eth0', kind: 'veth', mac: '02:00:00:00:00:02', adminUp: true, carrier: true, operstate: 'UP', addrs: [] },
        { ifindex: 3, name: 'v-net-0', kind: 'bridge', mac: '02:00:00:00:00:09', adminUp: false, carrier: false, operstate: 'DOWN', addrs: [] },
      ],
    },
    { name: 'node01', role: 'host', ipForward: false, routes: [], devs: [] },
  ],
};

const req: PacketView = { ip: { src: '10.244.1.2', dst: '10.244.2.2', ttl: 63, proto: 'ICMP' }, icmp: { type: 8, code: 0, name: 'echo request', id: 1, seq: 1 } };
let seq = 0;
const frame = (netns: string, dev: string, packetId: number, verdict: TraceEvent['verdict'] = 'RCV'): TraceEvent => ({
  seq: ++seq,
  time: 1000 + seq,
  netns,
  dev,
  verdict,
  text: '',
  packetId,
  packet: req,
});

/** A store with the real terminal, trace and capture slices and a scripted lab. */
function makeStore(script: Record<string, Partial<CommandResult>> = {}) {
  const ran: [string, string][] = [];
  const store = createStore<AppState>()((set, get, api) => {
    const lab = {
      // no machine is known to the stub world: each terminal's hostname is its host's name
      world: { netns: () => undefined },
      snapshot,
      selectedHost: null,
      run: (on: string, line: string): CommandResult => {
        ran.push([on, line]);
        const r = { stdout: '', stderr: '', exit: 0, trace: [], ...script[line] };
        if (r.trace.length) get().showTrace(r.trace, { on, line });
        return r;
      },
      // no real time: a line runs to its end at once, as `run` does
      realTime: null,
      startRun: (on: string, line: string) => ({ result: lab.run(on, line), before: 0 }),
      completeRun: (_on: string, _line: string, r: CommandResult) => r,
    } as unknown as AppState;
    return {
      ...lab,
      ...createTerminalSlice(set, get, api),
      ...createTraceSlice(set, get, api),
      ...createCaptureSlice(set, get, api),
    };
  });
  const screen = (host: string) =>
    store
      .getState()
      .terminals[host].chunks.map((c) => c.echo + c.data)
      .join('');
  return { store, ran, screen };
}

describe('terminal sessions', () => {
  it('opens, focuses and closes terminals, keeping history', () => {
    const { store } = makeStore();
    const s = store.getState();
    s.openTerminal('node01');
    s.openTerminal('node02');
    s.openTerminal('node01');
    expect(store.getState()).toMatchObject({ openTerminals: ['node01', 'node02'], activeTerminal: 'node01' });
    store.getState().submitLine('node01', 'ip a');
    store.getState().closeTerminal('node01');
    expect(store.getState()).toMatchObject({ openTerminals: ['node02'], activeTerminal: 'node02' });
    expect(store.getState().terminals.node01).toMatchObject({ chunks: [], history: ['ip a'] });
  });

  it('runs lines through the lab and prints prompt, line and output', () => {
    const { store, ran, screen } = makeStore({ 'ping 10.244.2.2': { stderr: 'ping: connect: Network is unreachable\n', exit: 2 } });
    store.getState().submitLine('node01', 'ping 10.244.2.2');
    expect(ran).toEqual([['node01', 'ping 10.244.2.2']]);
    expect(screen('node01')).toBe(`${promptFor('node01')}ping 10.244.2.2\nping: connect: Network is unreachable\n`);
    expect(store.getState().openTerminals).toEqual(['node01']);
  });

  it('shows a command trace once (the lab already showed it)', () => {
    const trace = [frame('node01', 'eth0', 1, 'XMIT')];
    const { store } = makeStore({ ping: { trace } });
    store.getState().submitLine('node01', 'ping');
    expect(store.getState().trace).toMatchObject({ events: trace, id: 1 });
  });

  it('handles clear, history, exit and Ctrl+C itself', () => {
    const { store, ran, screen } = makeStore();
    const s = store.getState();
    s.submitLine('node01', 'echo a');
    s.submitLine('node01', 'echo a');
    s.submitLine('node01', ' secret');
    s.submitLine('node01', 'history');
    expect(screen('node01')).toContain('    1  echo a\n    2  history\n');
    store.getState().interruptTerminal('node01', 'ping 10.');
    expect(screen('node01').endsWith(`${promptFor('node01')}ping 10.^C\n`)).toBe(true);
    store.getState().submitLine('node01', 'clear');
    expect(store.getState().terminals.node01.chunks).toHaveLength(1);
    expect(screen('node01')).toBe('');
    store.getState().submitLine('node01', 'exit');
    expect(store.getState().openTerminals).toEqual([]);
    expect(ran.map((r) => r[1])).toEqual(['echo a', 'echo a', ' secret']);
  });

  it('keeps bash-like history', () => {
    expect(addHistory(['a'], 'a')).toEqual(['a']);
    expect(addHistory(['a'], ' b')).toEqual(['a']);
    expect(addHistory(['a'], '')).toEqual(['a']);
    expect(addHistory(['a'], 'b')).toEqual(['a', 'b']);
    expect(formatHistory(['ip a', 'ip r'])).toBe('    1  ip a\n    2  ip r\n');
  });
});

describe('tcpdump in a terminal', () => {
  it('recognises tcpdump, also under ip netns exec, but not in shell lists', () => {
    expect(tcpdumpInvocation('node01', 'tcpdump -n -i eth0')).toEqual(['node01', ['-n', '-i', 'eth0']]);
    expect(tcpdumpInvocation('node01', 'ip netns exec pod1 tcpdump -i eth0')).toEqual(['pod1', ['-i', 'eth0']]);
    expect(tcpdumpInvocation('node01', 'tcpdump -i eth0; echo')).toBeNull();
    expect(tcpdumpInvocation('node01', 'echo tcpdump')).toBeNull();
    expect(tcpdumpInvocation('node01', "tcpdump -ni eth0 'icmp or arp'")).toEqual(['node01', ['-ni', 'eth0', 'icmp or arp']]);
    expect(tcpdumpInvocation('node01', 'tcpdump -i eth0 | grep ICMP')).toBeNull();
  });

  it('captures frames from other terminals until -c N, then prints the statistics', () => {
    const trace = [frame('node02', 'eth0', 1), frame('node02', 'v-net-0', 1), frame('node02', 'eth0', 2, 'XMIT'), frame('node02', 'eth0', 3, 'XMIT')];
    const { store, screen } = makeStore({ 'ping -c 1 10.244.2.2': { trace } });
    store.getState().submitLine('node02', 'tcpdump -n -i eth0 -c 2');
    expect(store.getState().terminals.node02.capture).toMatchObject({ dev: 'eth0', count: 2 });
    expect(screen('node02')).toContain('listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n');
    // typing into a capturing terminal runs nothing
    store.getState().submitLine('node02', 'ip a');
    store.getState().submitLine('node01', 'ping -c 1 10.244.2.2');
    const out = screen('node02');
    const t = trace[0].time;
    expect(out).toContain(`00:00:01.${String(Math.round((t - 1000) * 1000)).padStart(6, '0')} IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64\n`);
    expect(out.match(/ICMP echo request/g)).toHaveLength(2);
    expect(out.endsWith('2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n')).toBe(true);
    expect(store.getState().terminals.node02.capture).toBeNull();
  });

  it('feeds each frame once even when handed over twice', () => {
    const trace = [frame('node02', 'eth0', 7)];
    const { store, screen } = makeStore();
    store.getState().submitLine('node02', 'tcpdump -i eth0');
    store.getState().ingestTrace(trace);
    store.getState().ingestTrace(trace);
    store.getState().showTrace(trace, { on: 'node01', line: 'ping' });
    expect(screen('node02').match(/echo request/g)).toHaveLength(1);
    store.getState().interruptTerminal('node02', '');
    expect(screen('node02').endsWith('^C\n1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n')).toBe(true);
  });

  it('a veth send and its peer receive handed over in two slices print one frame', () => {
    const { store, screen } = makeStore();
    store.getState().submitLine('node02', 'tcpdump -i eth0');
    const send = { ...frame('node01', 'eth0', 8, 'VETH_XMIT'), to: { netns: 'node02', dev: 'eth0' } };
    store.getState().ingestTrace([send]);
    store.getState().ingestTrace([frame('node02', 'eth0', 8)]);
    expect(screen('node02').match(/echo request/g)).toHaveLength(1);
    store.getState().ingestTrace([frame('node02', 'eth0', 9)]);
    expect(screen('node02').match(/echo request/g)).toHaveLength(2);
  });

  it('a command sent from elsewhere stops a running capture first', () => {
    const { store, ran, screen } = makeStore();
    store.getState().submitLine('node02', 'tcpdump -i eth0');
    store.getState().submitLine('node02', 'sysctl -w net.ipv4.ip_forward=1', { local: false });
    expect(store.getState().terminals.node02.capture).toBeNull();
    expect(ran).toEqual([['node02', 'sysctl -w net.ipv4.ip_forward=1']]);
    expect(screen('node02')).toMatch(/\^C\n0 packets captured\n[^]*root@node02:~# sysctl -w net\.ipv4\.ip_forward=1\n$/);
  });

  it('does not capture probe traces', () => {
    const { store, screen } = makeStore();
    store.getState().submitLine('node02', 'tcpdump -i eth0');
    store.getState().showTrace([frame('node02', 'eth0', 8)], { on: 'node01', line: 'ping', probe: true });
    expect(screen('node02')).not.toContain('echo request');
  });

  it('applies the filter expression', () => {
    const arp: TraceEvent = { ...frame('node02', 'eth0', 9), packet: { arp: { op: 'request', senderIp: '192.168.1.11', senderMac: 'a', targetIp: '192.168.1.12', targetMac: 'b' } } };
    const { store, screen } = makeStore();
    store.getState().submitLine('node02', 'tcpdump -n -i eth0 arp');
    store.getState().ingestTrace([frame('node02', 'eth0', 10), arp]);
    expect(screen('node02')).toContain('ARP, Request who-has 192.168.1.12 tell 192.168.1.11, length 28');
    expect(screen('node02')).not.toContain('echo request');
  });

  it('reports a missing or down device, and a missing namespace', () => {
    const { store, screen } = makeStore();
    store.getState().submitLine('node02', 'tcpdump -i eth9');
    expect(screen('node02')).toContain('tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n');
    store.getState().submitLine('node02', 'tcpdump -i v-net-0');
    expect(screen('node02')).toContain('tcpdump: v-net-0: That device is not up\n');
    store.getState().submitLine('node02', 'ip netns exec pod9 tcpdump');
    expect(screen('node02')).toContain('Cannot open network namespace "pod9": No such file or directory\n');
    expect(store.getState().terminals.node02.capture).toBeNull();
    // without -i: the first up device that is not loopback
    store.getState().submitLine('node02', 'tcpdump -n');
    expect(store.getState().terminals.node02.capture?.dev).toBe('eth0');
  });
});

describe('capture panels', () => {
  it('print the frames crossing their interface', () => {
    const { store } = makeStore();
    store.getState().startCapture('node02', 'eth0');
    store.getState().startCapture('node02', 'eth0');
    expect(store.getState().captures).toHaveLength(1);
    store.getState().ingestTrace([frame('node02', 'eth0', 11), frame('node01', 'eth0', 11, 'XMIT')]);
    const c = store.getState().captures[0];
    expect(c.lines.map((l) => [l.dir, l.text.slice(16)])).toEqual([['in', 'IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64']]);
    store.getState().toggleCapturePause(c.id);
    store.getState().ingestTrace([frame('node02', 'eth0', 12)]);
    expect(store.getState().captures[0].count).toBe(1);
    store.getState().closeCapture(c.id);
    expect(store.getState()).toMatchObject({ captures: [], activeCapture: null });
  });
});

describe('with the real engine', () => {
  it('tcpdump on node02 eth0 prints the routed ping from pod1, request then reply', async () => {
    const { createAppStore } = await import('./index');
    const { presetDoc } = await import('./replay');
    const store = createAppStore({ initial: presetDoc('routed'), storage: null });
    const s = () => store.getState();
    s().submitLine('node02', 'tcpdump -n -i eth0 -c 4');
    s().startCapture('node02', 'v-net-0');
    s().submitLine('node01', 'ip netns exec pod1 ping -c 1 10.244.2.2');
    const screen = s().terminals.node02.chunks.map((c) => c.echo + c.data).join('');
    const frames = screen.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{6} /.test(l)).map((l) => l.slice(16));
    expect(frames).toEqual([
      'ARP, Request who-has 192.168.1.12 tell 192.168.1.11, length 28',
      expect.stringMatching(/^ARP, Reply 192\.168\.1\.12 is-at [0-9a-f:]{17}, length 28$/),
      expect.stringMatching(/^IP 10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request, id \d+, seq 1, length 64$/),
      expect.stringMatching(/^IP 10\.244\.2\.2 > 10\.244\.1\.2: ICMP echo reply, id \d+, seq 1, length 64$/),
    ]);
    expect(screen.endsWith('4 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n')).toBe(true);
    // the capture panel on the bridge saw the request go to pod2 and the reply come back
    const lines = s().captures[0].lines.map((l) => `${l.dir} ${l.text.slice(16)}`);
    expect(lines).toContainEqual(expect.stringMatching(/^out IP 10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request/));
    expect(lines).toContainEqual(expect.stringMatching(/^in IP 10\.244\.2\.2 > 10\.244\.1\.2: ICMP echo reply/));
    // and the trace panel shows the same command
    expect(s().trace).toMatchObject({ on: 'node01', line: 'ip netns exec pod1 ping -c 1 10.244.2.2' });
  });
});
