/**
 * Issue 9 item 0: whatever ran before, a line's trace shows only the packets that line caused.
 * Late events of an earlier line (probes still in flight, ICMP errors coming back after it
 * returned, ARP it started) must never be shown as the next line's.
 *
 * The oracle does not use the mechanism under test: a packet belongs to a line when its id was
 * handed out while that line ran, and an echo, a UDP probe or an ICMP error about one must carry
 * the identity (echo id, UDP source port) of a request the line itself sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands';
import type { TraceEvent } from '../../src/engine/sim/trace';
import type { World } from '../../src/engine/world';
import { pingLine, presetName, shellNetns, simpleLine, tracerouteLine, worldAt } from './arbitraries';

const SLOW = 60_000;

/** The packet id counter (World hands ids out in order; no packet of a line can get one before it starts). */
const pidSeq = (w: World): number => (w as unknown as { pidSeq: number }).pidSeq;

/** Lines that leave work behind them (short waits, many hops) mixed with everything else. */
const line = fc.oneof(
  { weight: 3, arbitrary: tracerouteLine },
  { weight: 2, arbitrary: fc.constantFrom('traceroute -n -q 1 -w 0.5 10.244.3.2', 'traceroute -n 192.168.1.12', 'ping -c 2 -W 0.2 10.244.3.2', 'ping -c 1 -W 0.001 10.244.2.2') },
  { weight: 3, arbitrary: pingLine },
  { weight: 2, arbitrary: simpleLine },
);

/** Why `e` cannot be the line's own, or null when it can. */
function foreign(e: TraceEvent, first: number, echoIds: Set<number>, ports: Set<number>): string | null {
  if (e.verdict === 'LOOP_BUDGET' || e.verdict === 'TRACE_CAP') return null;
  if (e.packetId <= first) return `packet ${e.packetId} existed before the line started`;
  const p = e.packet;
  const icmp = p?.icmp;
  if (icmp && (icmp.type === 8 || icmp.type === 0) && icmp.id !== undefined && !echoIds.has(icmp.id)) return `echo id ${icmp.id} is another ping's`;
  if (p?.udp && !ports.has(p.udp.sport)) return `UDP source port ${p.udp.sport} is another traceroute's`;
  if (icmp?.inner?.udp && !ports.has(icmp.inner.udp.sport)) return `an ICMP error about another traceroute's probe`;
  return null;
}

describe('trace attribution', () => {
  it('any sequence of lines: each trace holds only its own line’s packets', () => {
    fc.assert(
      fc.property(presetName, fc.array(fc.tuple(shellNetns, line), { minLength: 2, maxLength: 6 }), (preset, steps) => {
        const w = worldAt(preset);
        for (const [on, run] of steps) {
          const first = pidSeq(w);
          const r = runCommand(w, on, run);
          // the requests this line sent: echo requests and UDP probes with ids handed out while it ran
          const mine = r.trace.filter((e) => e.packetId > first);
          const echoIds = new Set(mine.flatMap((e) => (e.packet?.icmp?.type === 8 && e.packet.icmp.id !== undefined ? [e.packet.icmp.id] : [])));
          const ports = new Set(mine.flatMap((e) => (e.packet?.udp && !e.packet.icmp ? [e.packet.udp.sport] : [])));
          for (const e of r.trace) {
            const why = foreign(e, first, echoIds, ports);
            expect(why, `${on}$ ${run}: event ${e.seq} (${e.netns} ${e.verdict}: ${e.text})`).toBeNull();
          }
        }
      }),
      { seed: 0x7ace01, numRuns: 150 },
    );
  }, SLOW);
});
