/**
 * tcpdump's live capture, as a program on the virtual clock. tcpdump.ts formats frames and parses
 * the command line; here a capture taps the world's packet events (the way an AF_PACKET socket
 * sees every frame of a device, whichever program sent it) and prints them as they happen.
 */
import type { TraceEvent } from '../engine/sim/trace';
import { Signaled, waitUntil, type Proc } from '../engine/proc/task';
import type { Ctx } from './context';
import type { CommandSpec } from './registry/types';
import {
  ANY_DEV,
  formatCaptured,
  framesOnDev,
  parseTcpdumpArgs,
  RECENT_FRAMES,
  tcpdumpBanner,
  tcpdumpDeviceDown,
  tcpdumpNoSuchDevice,
  tcpdumpSummary,
  type TcpSeqTable,
} from './tcpdump';

/**
 * tcpdump as a program: a live capture on a packet tap of the namespace's device (the terminal
 * store runs a typed `tcpdump` line itself, src/store/terminals.ts; this is the one a script, a
 * pipeline or a background job `tcpdump … &` runs). Lines are printed as frames cross the device;
 * it ends after -c N of them, or on a signal, with the statistics on standard error, as tcpdump does.
 */
function* tcpdump(ctx: Ctx, argv: string[]): Proc {
  const parsed = parseTcpdumpArgs(argv);
  if (!parsed.ok) {
    if (parsed.stdout) ctx.out.push(parsed.stdout);
    ctx.err.push(parsed.stderr);
    return parsed.exit;
  }
  const o = parsed.opts;
  const ns = ctx.ns;
  let dev = o.iface;
  if (dev === null) {
    const first = ns.devList().find((d) => d !== ns.loopback && d.adminUp);
    if (!first) return fail(ctx, 'tcpdump: no suitable device found\n');
    dev = first.name;
  }
  if (dev !== ANY_DEV) {
    const d = ns.devByName(dev);
    if (!d) return fail(ctx, tcpdumpNoSuchDevice(dev));
    if (!d.adminUp) return fail(ctx, tcpdumpDeviceDown(dev));
  }
  ctx.err.push(tcpdumpBanner(dev, o.verbose));
  const w = ctx.world;
  const arrived: TraceEvent[] = [];
  const tap = (e: TraceEvent) => {
    arrived.push(e);
    ctx.task.wake();
  };
  // a tap needs the packet path to describe its frames
  const wasTracing = w.tracing;
  w.tracing = true;
  w.trace.taps.add(tap);
  const seen = new Set<string>();
  const fmt = { link: o.link, verbose: o.verbose, any: dev === ANY_DEV, stamp: o.stamp, tcpSeq: o.absolute ? undefined : (new Map() as TcpSeqTable) };
  let captured = 0;
  try {
    while (o.count === null || captured < o.count) {
      yield waitUntil();
      for (const frame of framesOnDev(arrived.splice(0), ns.name, dev, seen)) {
        if (!frame.event.packet || !o.filter(frame.event.packet)) continue;
        const line = formatCaptured(frame, fmt);
        if (line === null) continue;
        ctx.out.push(`${line}\n`);
        if (++captured === o.count) break;
      }
      if (seen.size > RECENT_FRAMES) for (const k of [...seen].slice(0, seen.size - RECENT_FRAMES)) seen.delete(k);
    }
  } catch (e) {
    if (!(e instanceof Signaled)) throw e;
  } finally {
    w.trace.taps.delete(tap);
    if (w.trace.taps.size === 0) w.tracing = wasTracing;
  }
  ctx.err.push(tcpdumpSummary(captured));
  return 0;
}

function fail(ctx: Ctx, msg: string): number {
  ctx.err.push(msg);
  return 1;
}

export const tcpdumpCommand: CommandSpec = {
  name: 'tcpdump',
  kind: 'probe',
  summary: 'print the frames that cross a device, until -c N of them or Ctrl+C',
  learn: 'tcpdump --help',
  complete: (args, env) => (args[args.length - 1] === '-i' ? env.devices : ['-n', '-e', '-v', '-c', '-i', 'icmp', 'arp', 'host', 'udp']),
  run: (ctx, argv) => tcpdump(ctx, argv),
};
