/**
 * `dmesg` (util-linux): the namespace's kernel log, which the LOG target writes to. Each Hoplab
 * machine is its own kernel; time stamps are seconds since the lab began.
 * -c prints and clears, -C clears, -t leaves out the time stamps, -l/--level keeps some levels.
 */
import { klog, klogClear, klogStamp } from '../../engine/netfilter/log';
import type { Ctx } from '../context';
import { Exit } from '../context';
import { Getopt, getoptError, shortOpts, type LongOpt } from './getopt';

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

const LONGS: LongOpt[] = [
  { name: 'read-clear', hasArg: 0, val: 'c' },
  { name: 'clear', hasArg: 0, val: 'C' },
  { name: 'notime', hasArg: 0, val: 't' },
  { name: 'level', hasArg: 1, val: 'l' },
  { name: 'kernel', hasArg: 0, val: 'k' },
  { name: 'help', hasArg: 0, val: 'h' },
];

export function dmesg(ctx: Ctx, args: string[]): void {
  const g = new Getopt(['dmesg', ...args], shortOpts('cCtl:kh'), LONGS);
  let clearAfter = false;
  let clearOnly = false;
  let notime = false;
  let levels: Set<number> | undefined;
  for (;;) {
    const r = g.next();
    if (r.c === -1) break;
    switch (r.c) {
      case 'c':
        clearAfter = true;
        break;
      case 'C':
        clearOnly = true;
        break;
      case 't':
        notime = true;
        break;
      case 'k':
        break;
      case 'l':
        levels = new Set();
        for (const name of r.optarg!.split(',')) {
          const i = LEVELS.indexOf(name);
          if (i < 0) {
            ctx.err.push(`dmesg: unknown level '${name}'\n`);
            throw new Exit(1);
          }
          levels.add(i);
        }
        break;
      case 'h':
        ctx.out.push('\nUsage:\n dmesg [options]\n\nDisplay or control the kernel ring buffer.\n');
        return;
      default:
        ctx.err.push(`${r.c === 1 ? `dmesg: bad usage\n` : getoptError('dmesg', r, g)}Try 'dmesg --help' for more information.\n`);
        throw new Exit(1);
    }
  }
  if (clearOnly) {
    klogClear(ctx.ns);
    return;
  }
  for (const l of klog(ctx.ns)) {
    if (levels !== undefined && !levels.has(l.level)) continue;
    ctx.out.push(`${notime ? '' : klogStamp(l.at)}${l.text}\n`);
  }
  if (clearAfter) klogClear(ctx.ns);
}
