import { fail, type Ctx } from '../context';
import { IFF, type Netdev } from '../../engine/netns/netdev';
import { Argv, getInteger, incomplete, invarg, matches } from './args';

/**
 * The keywords of iproute2's iplink_parse(), shared by `ip link add`, `set` and `delete`, in the
 * order it tries them: some by strcmp (the whole word), the rest by matches() (any prefix), so
 * `ip link set br0 m` means `master` and wants a device after it. A word that is none of them is
 * the device's name.
 */
const KEYWORDS: readonly (readonly [word: string, how: 'word' | 'prefix', means?: string])[] = [
  ['up', 'word'],
  ['down', 'word'],
  ['name', 'word'],
  ['index', 'word'],
  ['link', 'prefix'],
  ['address', 'prefix'],
  ['broadcast', 'prefix'],
  ['brd', 'word', 'broadcast'],
  ['txqueuelen', 'prefix'],
  ['qlen', 'word', 'txqueuelen'],
  ['txqlen', 'prefix', 'txqueuelen'],
  ['mtu', 'word'],
  ['xdpgeneric', 'word', 'xdp'],
  ['xdpdrv', 'word', 'xdp'],
  ['xdpoffload', 'word', 'xdp'],
  ['xdp', 'word'],
  ['netns', 'word'],
  ['multicast', 'word'],
  ['allmulticast', 'word'],
  ['promisc', 'word'],
  ['trailers', 'word'],
  ['arp', 'word'],
  ['carrier', 'word'],
  ['vf', 'word'],
  ['master', 'prefix'],
  ['vrf', 'word'],
  ['nomaster', 'prefix'],
  ['dynamic', 'prefix'],
  ['type', 'prefix'],
  ['alias', 'prefix'],
  ['group', 'word'],
  ['mode', 'word'],
  ['state', 'word'],
  ['numtxqueues', 'prefix'],
  ['numrxqueues', 'prefix'],
  ['addrgenmode', 'prefix'],
  ['link-netnsid', 'prefix'],
  ['protodown', 'word'],
];

/** The keyword iplink_parse() takes `t` for, spelled out, or undefined when `t` names a device. */
export function iplinkKeyword(t: string): string | undefined {
  for (const [word, how, means] of KEYWORDS) {
    if (how === 'word' ? t === word : matches(t, word)) return means ?? word;
  }
  return undefined;
}

const OPERSTATES = new Set(['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP']);
const ADDRGENMODES = new Set(['eui64', 'none', 'stable_secret', 'random']);

/** The integer after txqueuelen (and the other counts iplink_parse() reads with get_integer()). */
export function txqueuelen(ctx: Ctx, a: Argv, keyword = 'txqueuelen'): number {
  const v = a.next();
  const n = getInteger(v);
  if (n === null) invarg(ctx, `Invalid "${keyword}" value\n`, v);
  return n!;
}

/** Flags iplink_parse() takes as `on` or `off`. */
const ON_OFF = new Set(['multicast', 'allmulticast', 'promisc', 'trailers', 'arp', 'carrier', 'dynamic', 'protodown']);

/** The `on`/`off` after a flag keyword; anything else is on_off()'s error. */
export function onOff(ctx: Ctx, a: Argv, keyword: string): boolean {
  const v = a.next();
  if (v !== 'on' && v !== 'off') fail(ctx, `Error: argument of "${keyword}" must be "on" or "off", not "${v}"\n`, 1);
  return v === 'on';
}

/** Keyword -> the IFF_* bit `on` sets (trailers is inverted: `trailers off` sets NOTRAILERS). */
export const FLAG_KEYWORDS: Readonly<Record<string, { bit: number; onSets: boolean }>> = {
  multicast: { bit: IFF.MULTICAST, onSets: true },
  allmulticast: { bit: IFF.ALLMULTI, onSets: true },
  promisc: { bit: IFF.PROMISC, onSets: true },
  dynamic: { bit: IFF.DYNAMIC, onSets: true },
  trailers: { bit: IFF.NOTRAILERS, onSets: false },
};

/** `KEYWORD on|off` on a device's flags (FLAG_KEYWORDS names the bit). */
export function applyFlag(dev: Netdev, keyword: string, on: boolean): void {
  const { bit, onSets } = FLAG_KEYWORDS[keyword];
  dev.ifflags = on === onSets ? dev.ifflags | bit : dev.ifflags & ~bit;
}

/**
 * Take the arguments of a keyword Hoplab has no device state for (queue lengths, link flags,
 * groups …), checking them as iproute2 does, and change nothing. Returns false for the keywords
 * the caller must handle itself.
 */
export function skipIplinkKeyword(ctx: Ctx, a: Argv, keyword: string): boolean {
  if (ON_OFF.has(keyword)) {
    onOff(ctx, a, keyword);
    return true;
  }
  switch (keyword) {
    case 'txqueuelen':
    case 'numtxqueues':
    case 'numrxqueues':
    case 'link-netnsid':
      txqueuelen(ctx, a, keyword);
      return true;
    case 'vrf':
      // no VRF devices exist in a Hoplab lab
      invarg(ctx, 'Not a valid VRF name\n', a.next());
      return true;
    case 'group': {
      const v = a.next();
      if (v !== 'default' && !/^\d+$/.test(v)) invarg(ctx, 'Invalid "group" value\n', v);
      return true;
    }
    case 'mode': {
      const v = a.next();
      if (v !== 'default' && v !== 'dormant') invarg(ctx, 'Invalid link mode\n', v);
      return true;
    }
    case 'state': {
      const v = a.next();
      if (!OPERSTATES.has(v.toUpperCase())) invarg(ctx, 'Invalid operstate\n', v);
      return true;
    }
    case 'addrgenmode': {
      const v = a.next();
      if (!ADDRGENMODES.has(v)) invarg(ctx, 'Invalid address generation mode\n', v);
      return true;
    }
    case 'vf':
      // iplink_parse_vf() wants VF settings after the number; SR-IOV has none to give here
      a.next();
      incomplete(ctx);
      return true;
    case 'index':
    case 'link':
    case 'broadcast':
    case 'xdp':
    case 'alias':
      a.next();
      return true;
    default:
      return false;
  }
}
