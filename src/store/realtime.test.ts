import { describe, expect, it } from 'vitest';
import { createAppStore } from './index';
import { presetDoc, replay } from './replay';
import { SLICE_MS, type RealTime } from './realtime';

/**
 * Real time the test moves by hand; `later` queues a frame, `frame()` runs the queued ones. With
 * `perRead`, every reading of the clock costs that much time, as CPU work would.
 */
function fakeTime(perRead = 0) {
  let t = 0;
  let reads = 0;
  let queue: (() => void)[] = [];
  const rt: RealTime = {
    now: () => {
      reads++;
      return (t += perRead);
    },
    later: (fn) => queue.push(fn),
  };
  return {
    rt,
    advance(ms: number) {
      t += ms;
    },
    frame() {
      const q = queue;
      queue = [];
      q.forEach((fn) => fn());
      return q.length;
    },
    get pending() {
      return queue.length;
    },
    get reads() {
      return reads;
    },
  };
}

const screen = (store: ReturnType<typeof createAppStore>, host: string) =>
  store
    .getState()
    .terminals[host].chunks.map((c) => c.echo + c.data)
    .join('');

describe('a terminal runs commands in real time', () => {
  it('ping without -c streams a reply a second and Ctrl+C prints its statistics (exit 0)', () => {
    const clock = fakeTime();
    const store = createAppStore({ initial: presetDoc('routed'), realTime: clock.rt });
    store.getState().submitLine('pod1', 'ping 10.244.2.2');
    expect(store.getState().terminals.pod1.running).toBe(true);
    expect(screen(store, 'pod1')).toMatch(/PING 10\.244\.2\.2 \(10\.244\.2\.2\) 56\(84\) bytes of data\.\n64 bytes from 10\.244\.2\.2: icmp_seq=1 ttl=62/);
    // virtual time follows real time: nothing more until a second has passed
    clock.advance(500);
    clock.frame();
    expect(screen(store, 'pod1')).not.toContain('icmp_seq=2');
    clock.advance(600);
    clock.frame();
    expect(screen(store, 'pod1')).toContain('icmp_seq=2');
    store.getState().interruptTerminal('pod1', '');
    expect(store.getState().terminals.pod1.running).toBe(false);
    expect(screen(store, 'pod1')).toMatch(/icmp_seq=2 ttl=62 time=[\d.]+ ms\n\^C\n--- 10\.244\.2\.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1000ms\n/);
    clock.frame();
    expect(clock.pending).toBe(0);
  });

  it('typed lines wait while a command runs; a fix button interrupts it and runs', () => {
    const clock = fakeTime();
    const store = createAppStore({ initial: presetDoc('routed'), realTime: clock.rt });
    const s = store.getState();
    s.submitLine('pod1', 'ping 10.244.2.2');
    s.submitLine('pod1', 'hostname');
    expect(screen(store, 'pod1')).not.toContain('hostname');
    s.submitLine('pod1', 'ip route show', { local: false });
    expect(store.getState().terminals.pod1.running).toBe(false);
    expect(screen(store, 'pod1')).toMatch(/\^C\n--- 10\.244\.2\.2 ping statistics ---[^]*root@pod1:~# ip route show\ndefault via 10\.244\.1\.1/);
  });

  it('an interrupted ping is replayed with its Ctrl+C at the same virtual time', () => {
    const clock = fakeTime();
    const store = createAppStore({ initial: presetDoc('routed'), realTime: clock.rt });
    store.getState().submitLine('pod1', 'ping 10.244.3.2');
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      clock.frame();
    }
    store.getState().interruptTerminal('pod1', '');
    const { doc, world } = store.getState();
    const op = doc.ops[doc.ops.length - 1];
    expect(op).toMatchObject({ kind: 'cmd', on: 'pod1', run: 'ping 10.244.3.2', edit: false });
    expect(op.kind === 'cmd' && op.interrupt).toBe(world.now);
    const again = replay(doc);
    expect(again.now).toBe(world.now);
    expect(JSON.stringify(again.snapshot().netns)).toBe(JSON.stringify(world.snapshot().netns));
  });

  it('ping -c 20000 -i 0 -q is run in slices of a few ms, counts honestly, and stops on Ctrl+C at once', () => {
    // each reading of the clock stands for 1 ms of work: a slice (8 ms) ends after a few dozen events
    const clock = fakeTime(1);
    const store = createAppStore({ initial: presetDoc('routed'), realTime: clock.rt });
    store.getState().submitLine('pod1', 'ping -c 20000 -i 0 -q 10.244.1.1');
    for (let frames = 0; frames < 30; frames++) {
      expect(store.getState().terminals.pod1.running).toBe(true);
      const reads = clock.reads;
      clock.frame();
      // a frame stops once its 8 ms are used: a few readings of the clock, then back to the page
      expect(clock.reads - reads).toBeLessThanOrEqual(SLICE_MS + 4);
    }
    expect(store.getState().terminals.pod1.running).toBe(true);
    store.getState().interruptTerminal('pod1', '');
    const out = screen(store, 'pod1');
    const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
    expect(m).not.toBeNull();
    const [tx, rx] = [Number(m![1]), Number(m![2])];
    expect(tx).toBeGreaterThan(0);
    expect(tx).toBeLessThan(20000);
    expect(rx).toBeLessThanOrEqual(tx);
    expect(out).not.toContain('loop');
  });

  it('the trace of a long-running line is shown when it ends, with only its own packets', () => {
    const clock = fakeTime();
    const store = createAppStore({ initial: presetDoc('before-routes'), realTime: clock.rt });
    store.getState().submitLine('node01', 'traceroute -n 192.168.1.12');
    while (store.getState().terminals.node01.running) {
      clock.advance(100);
      clock.frame();
    }
    store.getState().submitLine('node01', 'ping -c 1 10.244.3.2');
    expect(store.getState().trace.events.map((e) => e.verdict)).toEqual(['IP_OUTNOROUTES']);
  });
});
