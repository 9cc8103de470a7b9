/**
 * netcat-openbsd 1.219 (Debian) command line: getopt("46bCDdFhI:i:jklM:m:NnO:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz")
 * with glibc's argument permutation, its messages and exit codes, and the ports argument
 * ("80", "8990-9001", "http").
 */
import { servicePort } from '../../engine/netfilter/netdb';

export const NC_USAGE = `usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]
\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]
\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]
\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]
\t  [destination] [port]
`;

export const NC_HELP = `OpenBSD netcat (Debian patchlevel 1.219-1)
${NC_USAGE}\tCommand Summary:
\t\t-4\t\tUse IPv4
\t\t-6\t\tUse IPv6
\t\t-b\t\tAllow broadcast
\t\t-C\t\tSend CRLF as line-ending
\t\t-D\t\tEnable the debug socket option
\t\t-d\t\tDetach from stdin
\t\t-F\t\tPass socket fd
\t\t-h\t\tThis help text
\t\t-I length\tTCP receive buffer length
\t\t-i interval\tDelay interval for lines sent, ports scanned
\t\t-k\t\tKeep inbound sockets open for multiple connects
\t\t-l\t\tListen mode, for inbound connects
\t\t-M ttl\t\tOutgoing TTL / Hop Limit
\t\t-m minttl\tMinimum incoming TTL / Hop Limit
\t\t-N\t\tShutdown the network socket after EOF on stdin
\t\t-n\t\tSuppress name/port resolutions
\t\t-O length\tTCP send buffer length
\t\t-P proxyuser\tUsername for proxy authentication
\t\t-p port\t\tSpecify local port for remote connects
\t\t-q secs\t\tquit after EOF on stdin and delay of secs
\t\t-r\t\tRandomize remote ports
\t\t-S\t\tEnable the TCP MD5 signature option
\t\t-s sourceaddr\tLocal source address
\t\t-T keyword\tTOS value
\t\t-t\t\tAnswer TELNET negotiation
\t\t-U\t\tUse UNIX domain socket
\t\t-u\t\tUDP mode
\t\t-V rtable\tSpecify alternate routing table
\t\t-v\t\tVerbose
\t\t-W recvlimit\tTerminate after receiving a number of packets
\t\t-w timeout\tTimeout for connects and final net reads
\t\t-X proto\tProxy protocol: "4", "5" (SOCKS) or "connect"
\t\t-x addr[:port]\tSpecify proxy address and port
\t\t-Z\t\tDCCP mode
\t\t-z\t\tZero-I/O mode [used for scanning]
\tPort numbers can be individual or ranges: lo-hi [inclusive]
`;

const WITH_ARG = new Set('IiMmOPpqsTVWwXx'.split(''));
const FLAGS = new Set('46bCDdFhjklNnrStUuvZz'.split(''));

export interface NcOptions {
  listen: boolean;
  keep: boolean;
  udp: boolean;
  zero: boolean;
  verbose: boolean;
  numeric: boolean;
  /** -N */
  shutdownOnEof: boolean;
  /** -d */
  noStdin: boolean;
  /** -C */
  crlf: boolean;
  /** -w, in seconds (-1: none) */
  timeout: number;
  /** -q, in seconds (-1: never) */
  quit: number;
  /** -i, in seconds */
  interval: number;
  /** -W: stop after this many packets received (0: no limit) */
  recvLimit: number;
  /** -M */
  ttl: number | undefined;
  sourcePort: string | undefined;
  sourceAddr: string | undefined;
  /** the operands left after the options */
  args: string[];
}

/** How parsing ended early: text for stderr and the exit status. */
export type NcParse = { ok: true; o: NcOptions } | { ok: false; stderr: string; exit: number };

const bad = (stderr: string, exit = 1): NcParse => ({ ok: false, stderr, exit });

/** strtonum(): a decimal integer in [min, max], or the reason it is not ("invalid", "too large"…). */
function strtonum(s: string, min: number, max: number): number | string {
  if (!/^\s*[-+]?\d+$/.test(s)) return 'invalid';
  const n = Number(s);
  if (n < min) return 'too small';
  if (n > max) return 'too large';
  return n;
}

export function parseNcArgs(argv: readonly string[]): NcParse {
  const o: NcOptions = { listen: false, keep: false, udp: false, zero: false, verbose: false, numeric: false, shutdownOnEof: false, noStdin: false, crlf: false, timeout: -1, quit: -1, interval: 0, recvLimit: 0, ttl: undefined, sourcePort: undefined, sourceAddr: undefined, args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      o.args.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      o.args.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (FLAGS.has(c)) {
        switch (c) {
          case 'h':
            return { ok: false, stderr: NC_HELP, exit: 0 };
          case 'l':
            o.listen = true;
            break;
          case 'k':
            o.keep = true;
            break;
          case 'u':
            o.udp = true;
            break;
          case 'z':
            o.zero = true;
            break;
          case 'v':
            o.verbose = true;
            break;
          case 'n':
            o.numeric = true;
            break;
          case 'N':
            o.shutdownOnEof = true;
            break;
          case 'd':
            o.noStdin = true;
            break;
          case 'C':
            o.crlf = true;
            break;
        }
        continue;
      }
      if (!WITH_ARG.has(c)) return bad(`nc: invalid option -- '${c}'\n${NC_USAGE}`);
      const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
      if (v === undefined) return bad(`nc: option requires an argument -- '${c}'\n${NC_USAGE}`);
      switch (c) {
        case 'w': {
          const n = strtonum(v, 0, Math.floor(2147483647 / 1000));
          if (typeof n === 'string') return bad(`nc: timeout ${n}: ${v}\n`);
          o.timeout = n;
          break;
        }
        case 'q': {
          const n = strtonum(v, -2147483648, 2147483647);
          if (typeof n === 'string') return bad(`nc: quit timer ${n}: ${v}\n`);
          o.quit = n;
          break;
        }
        case 'i': {
          const n = strtonum(v, 0, 4294967295);
          if (typeof n === 'string') return bad(`nc: interval ${n}: ${v}\n`);
          o.interval = n;
          break;
        }
        case 'W': {
          const n = strtonum(v, 1, 2147483647);
          if (typeof n === 'string') return bad(`nc: receive limit ${n}: ${v}\n`);
          o.recvLimit = n;
          break;
        }
        case 'M': {
          const n = strtonum(v, 0, 255);
          if (typeof n === 'string') return bad(`nc: ttl is ${n}: ${v}\n`);
          o.ttl = n;
          break;
        }
        case 'p':
          o.sourcePort = v;
          break;
        case 's':
          o.sourceAddr = v;
          break;
      }
      break;
    }
  }
  return { ok: true, o };
}

/**
 * strtoport(): a number in 1..65535, else (when it is not a number at all) a service name of the
 * protocol; Debian's nc says "port number invalid" for a name it does not know.
 */
export function strtoport(s: string, udp: boolean): number | string {
  const n = strtonum(s, 1, 65535);
  if (typeof n === 'number') return n;
  if (n === 'invalid') {
    const p = servicePort(s, udp ? 'udp' : 'tcp');
    if (p !== undefined) return p;
  }
  return `nc: port number ${n}: ${s}\n`;
}

/** build_ports(): the ports of "lo-hi" (inclusive, either order) or of one port. */
export function buildPorts(s: string, udp: boolean): number[] | string {
  const dash = s.indexOf('-');
  if (dash > 0) {
    const lo = strtoport(s.slice(0, dash), udp);
    if (typeof lo === 'string') return lo;
    const hi = strtoport(s.slice(dash + 1), udp);
    if (typeof hi === 'string') return hi;
    const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const p = strtoport(s, udp);
  return typeof p === 'string' ? p : [p];
}
