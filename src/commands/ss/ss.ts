/**
 * ss (iproute2 6.1): the namespace's TCP and UDP sockets from its socket table, with ss's
 * default filters (connected TCP; connected UDP), -l (listeners, unconnected UDP), -a (all),
 * service names unless -n (none for ports of net.ipv4.ip_local_port_range, as ss skips them),
 * -p's owner, and its columns as it renders them on a pipe.
 *
 * Listing order: UDP before TCP (ss dumps them in that order), listeners before connections (the
 * kernel's listening hash is dumped first); within those the kernel's hash order is not
 * meaningful (the conformance runner sorts ss's lines on both sides).
 */
import { formatIpv4 } from '../../engine/addr/ipv4';
import type { Netns } from '../../engine/netns/netns';
import { serviceName } from '../../engine/netfilter/netdb';
import { localPortRange } from '../../engine/socket/ports';
import type { Sock } from '../../engine/socket/table';
import { UdpSock } from '../../engine/socket/udp_sock';
import { TCP_STATE_NAME, TcpSock, type TcpState } from '../../engine/tcp/sock';
import type { Ctx } from '../context';
import type { CommandSpec } from '../registry/types';
import { renderColumns, type SsColumn, type SsRow } from './columns';
import { SS_USAGE } from './usage';

/** The socket tables ss dumps (its *_DB), those Hoplab has. */
type Db = 'tcp' | 'udp' | 'raw' | 'unix';

interface SsOptions {
  dbs: Set<Db>;
  listening: boolean;
  all: boolean;
  numeric: boolean;
  processes: boolean;
  noHeader: boolean;
}

/** Options ss has that Hoplab does not show (timers, memory, TCP internals, other families). */
const UNMODELLED = new Set('dreomiTsbEZzNKSMAODF0f'.split(''));
const KNOWN = new Set('tulanpHxw46hV'.split(''));

type Parse = { ok: true; o: SsOptions } | { ok: false; out?: string; err: string; exit: number };

export function parseSsArgs(argv: readonly string[]): Parse {
  const o: SsOptions = { dbs: new Set(), listening: false, all: false, numeric: false, processes: false, noHeader: false };
  for (const a of argv) {
    if (!a.startsWith('-') || a === '-') return { ok: false, err: `ss: Hoplab's ss takes no filter expression ("${a}"): use -t, -u, -l, -a\n`, exit: 1 };
    if (a.startsWith('--')) {
      const long: Record<string, string> = { '--tcp': 't', '--udp': 'u', '--listening': 'l', '--all': 'a', '--numeric': 'n', '--processes': 'p', '--no-header': 'H', '--unix': 'x', '--raw': 'w', '--ipv4': '4', '--help': 'h', '--version': 'V' };
      const c = long[a];
      if (c === undefined) return { ok: false, err: `ss: unrecognized option '${a}'\n${SS_USAGE}`, exit: 255 };
      const r = flag(o, c);
      if (r) return r;
      continue;
    }
    for (const c of a.slice(1)) {
      const r = flag(o, c);
      if (r) return r;
    }
  }
  return { ok: true, o };
}

function flag(o: SsOptions, c: string): Parse | undefined {
  if (!KNOWN.has(c)) {
    if (UNMODELLED.has(c)) return { ok: false, err: `ss: Hoplab does not show what -${c} shows yet\n`, exit: 1 };
    return { ok: false, err: `ss: invalid option -- '${c}'\n${SS_USAGE}`, exit: 255 };
  }
  switch (c) {
    case 't':
      o.dbs.add('tcp');
      break;
    case 'u':
      o.dbs.add('udp');
      break;
    case 'x':
      o.dbs.add('unix');
      break;
    case 'w':
      o.dbs.add('raw');
      break;
    case 'l':
      o.listening = true;
      break;
    case 'a':
      o.all = true;
      break;
    case 'n':
      o.numeric = true;
      break;
    case 'p':
      o.processes = true;
      break;
    case 'H':
      o.noHeader = true;
      break;
    case 'h':
      return { ok: false, out: SS_USAGE, err: '', exit: 0 };
    case 'V':
      return { ok: false, out: 'ss utility, iproute2-6.1.0\n', err: '', exit: 0 };
  }
  return undefined;
}

/** ss's state of a socket (UDP: ESTAB when connected, UNCONN otherwise). */
function stateOf(sk: Sock): TcpState {
  if (sk instanceof TcpSock) return sk.state;
  return sk.raddr !== 0 ? 'ESTABLISHED' : 'CLOSED';
}

/** Which states a listing shows (ss's state filter after -l / -a and the tables' defaults). */
function wanted(o: SsOptions, db: Db, state: TcpState): boolean {
  if (o.all) return true;
  if (o.listening) return state === 'LISTEN' || state === 'CLOSED';
  // SS_CONN for TCP (every state but LISTEN, CLOSE, TIME_WAIT, SYN_RECV); ESTABLISHED for UDP and raw
  if (db === 'tcp') return state !== 'LISTEN' && state !== 'CLOSED' && state !== 'TIME_WAIT' && state !== 'SYN_RECV';
  return state === 'ESTABLISHED';
}

/** How many states the filter allows: a single one hides the State column. */
function stateCount(o: SsOptions): number {
  if (o.all) return 12;
  if (o.listening) return 2;
  return o.dbs.has('tcp') || o.dbs.has('unix') ? 8 : 1;
}

/** resolve_service(): "*" for 0, a name unless -n or an ephemeral port, else the number. */
function service(ns: Netns, o: SsOptions, port: number, proto: 'tcp' | 'udp'): string {
  if (port === 0) return '*';
  if (o.numeric) return String(port);
  const [lo, hi] = localPortRange(ns);
  if (port >= lo && port <= hi) return String(port);
  return serviceName(port, proto) ?? String(port);
}

/** Recv-Q and Send-Q as inet_diag reports them. */
function queues(sk: Sock): [number, number] {
  if (sk instanceof TcpSock) {
    if (sk.state === 'LISTEN') return [sk.acceptQ.length, sk.backlog];
    return [sk.recvQueued, sk.writeQueued];
  }
  // Linux counts a datagram's buffer memory (skb truesize), which Hoplab does not model: it counts payload bytes
  if (sk instanceof UdpSock) return [sk.recvQ.reduce((n, d) => n + d.payload.len, 0), 0];
  return [0, 0];
}

function row(ns: Netns, o: SsOptions, db: 'tcp' | 'udp', sk: Sock): SsRow {
  const [rq, wq] = queues(sk);
  const r: SsRow = {
    netid: db,
    state: TCP_STATE_NAME[stateOf(sk)],
    recvq: String(rq).padEnd(6),
    sendq: String(wq).padEnd(6),
    addr: `${formatIpv4(sk.laddr)}:`,
    serv: service(ns, o, sk.lport, db),
    raddr: `${formatIpv4(sk.raddr)}:`,
    rserv: service(ns, o, sk.rport, db),
  };
  // a socket in TIME_WAIT belongs to no process any more
  if (o.processes && sk.owner && stateOf(sk) !== 'TIME_WAIT') r.ext = ` users:(("${sk.owner.comm}",pid=${sk.owner.pid},fd=${sk.owner.fd}))`;
  return r;
}

export function ssListing(ns: Netns, o: SsOptions): string {
  const dbs = o.dbs.size > 0 ? o.dbs : new Set<Db>(['tcp', 'udp', 'raw', 'unix']);
  const socks = ns.sockets.all();
  const rows: SsRow[] = [];
  for (const db of ['udp', 'tcp'] as const) {
    if (!dbs.has(db)) continue;
    const mine = socks.filter((s) => s.proto === db && wanted(o, db, stateOf(s)));
    // the listening hash is dumped before the established one
    const listeners = mine.filter((s) => stateOf(s) === 'LISTEN');
    for (const s of [...listeners, ...mine.filter((s) => stateOf(s) !== 'LISTEN')]) rows.push(row(ns, o, db, s));
  }
  const disabled = new Set<SsColumn>();
  if (dbs.size === 1 && !dbs.has('unix')) disabled.add('netid');
  if (stateCount(o) === 1) disabled.add('state');
  return renderColumns(rows, disabled, o.noHeader);
}

function ss(ctx: Ctx, argv: string[]): number {
  const p = parseSsArgs(argv);
  if (!p.ok) {
    if (p.out) ctx.out.push(p.out);
    if (p.err) ctx.err.push(p.err);
    return p.exit;
  }
  ctx.out.push(ssListing(ctx.ns, p.o));
  return 0;
}

export const ssCommand: CommandSpec = {
  name: 'ss',
  kind: 'read',
  summary: 'list TCP and UDP sockets: listeners, connections and their states (iproute2)',
  learn: 'ss -h',
  complete: () => ['-t', '-u', '-l', '-a', '-n', '-p', '-tuna', '-tlnp'],
  run: ss,
};
