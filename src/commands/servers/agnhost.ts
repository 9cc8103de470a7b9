/**
 * agnhost, the Kubernetes e2e test image's program, with the subcommand pods run most:
 * `agnhost netexec [--http-port=8080] [--udp-port=8081]` serves the engine's netexec
 * (src/engine/tcp/http/netexec.ts) until a signal ends it, logging as Go's log package does.
 * Start it in the background (`agnhost netexec &`) or in another terminal.
 */
import { startNetexec } from '../../engine/tcp/http/netexec';
import { waitUntil, type Proc } from '../../engine/proc/task';
import { SOCK_STRERROR } from '../../engine/socket/errno';
import { wallClock as wall } from '../iptables/save';
import type { Ctx } from '../context';
import type { CommandSpec } from '../registry/types';
import { agnhostConnect } from './agnhostConnect';

const two = (n: number) => String(n).padStart(2, '0');

/** Go's log prefix: "2025/01/06 09:00:00 " */
const logStamp = (ms: number): string => {
  const d = wall(ms);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} `;
};

/** time.Now() printed with %v: "2025-01-06 09:00:01.5 +0000 UTC m=+1.500000001" (fraction without trailing zeros). */
function goNow(ms: number, startedAt: number): string {
  const d = wall(ms);
  const ns = Math.round((ms % 1000) * 1e6);
  const frac = ns === 0 ? '' : `.${String(ns).padStart(9, '0').replace(/0+$/, '')}`;
  const mono = ((ms - startedAt) / 1000).toFixed(9);
  return `${d.toISOString().slice(0, 10)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${frac} +0000 UTC m=+${mono}`;
}

const USAGE = 'Usage:\n  agnhost netexec [--http-port=8080] [--udp-port=8081]\n';

function portFlag(argv: string[], name: string, dflt: number): number | string {
  let v: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) v = argv[i + 1];
    else if (argv[i].startsWith(`--${name}=`)) v = argv[i].slice(name.length + 3);
  }
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v)) return `invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`;
  return Number(v);
}

function* agnhost(ctx: Ctx, argv: string[]): Proc {
  if (argv[0] === 'connect') return yield* agnhostConnect(ctx, argv.slice(1));
  if (argv[0] !== 'netexec') {
    ctx.err.push(argv[0] === undefined ? USAGE : `Error: unknown command "${argv[0]}" for "agnhost"\nRun 'agnhost --help' for usage.\n`);
    return 1;
  }
  const rest = argv.slice(1);
  for (const a of rest) if (!/^--(http-port|udp-port)(=|$)/.test(a) && !/^-?\d+$/.test(a)) {
    ctx.err.push(`Error: unknown flag: ${a.split('=')[0]}\n${USAGE}`);
    return 1;
  }
  const http = portFlag(rest, 'http-port', 8080);
  const udp = portFlag(rest, 'udp-port', 8081);
  for (const p of [http, udp]) if (typeof p === 'string') {
    ctx.err.push(`Error: ${p}\n${USAGE}`);
    return 1;
  }
  const w = ctx.world;
  const startedAt = w.now;
  const pid = 'pid' in ctx.task ? (ctx.task as { pid: number }).pid : 0;
  const s = startNetexec(ctx.ns, http as number, udp as number, (ms) => wall(ms).toUTCString(), (ms) => goNow(ms, startedAt), { comm: 'agnhost', pid });
  if (typeof s === 'string') {
    ctx.err.push(`${logStamp(w.now)}listen tcp :${http}: bind: ${SOCK_STRERROR[s].toLowerCase()}\n`);
    return 1;
  }
  if (udp !== -1) ctx.err.push(`${logStamp(w.now)}Started UDP server on port  ${udp}\n`);
  ctx.err.push(`${logStamp(w.now)}Started HTTP server on port ${http}\n`);
  try {
    // serves from the sockets' wake-ups; the task only waits for the signal that ends it
    for (;;) yield waitUntil();
  } finally {
    s.close();
  }
}

export const agnhostCommand: CommandSpec = {
  name: 'agnhost',
  kind: 'probe',
  summary: "the Kubernetes e2e test image: `agnhost netexec` answers HTTP /hostname, /clientip, /echo?msg= and UDP hostname; `agnhost connect HOST:PORT` probes one connection",
  learn: 'agnhost netexec --help',
  complete: (args) => (args.length <= 1 ? ['connect', 'netexec'] : args[0] === 'connect' ? ['--timeout=1s', '--protocol=tcp', '--protocol=udp'] : ['--http-port=8080', '--udp-port=8081']),
  run: agnhost,
};
