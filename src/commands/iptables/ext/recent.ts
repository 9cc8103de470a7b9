/** libxt_recent.c (revision 1): parse, final check and -L print of `-m recent`. */
import { asIpv4, parseDottedQuad } from '../../../engine/addr/ipv4';
import { XT_RECENT, recentText, type RecentMatch } from '../../../engine/netfilter/xt/recent';
import { paramProblem, strtoui, XT_EXIT, XtError } from '../xtables';
import type { MatchExtension } from './types';

const OPS = ['set', 'rcheck', 'update', 'remove'];
const OP_BIT: Record<string, number> = { set: XT_RECENT.SET, rcheck: XT_RECENT.CHECK, update: XT_RECENT.UPDATE, remove: XT_RECENT.REMOVE };

const uint32 = (arg: string, opt: string, min: number): number => {
  const n = strtoui(arg, min, 0xffffffff);
  if (n === undefined) paramProblem(`recent: bad value for option "--${opt}", or out of range (${min}-4294967295).\n`);
  return n!;
};

export const recentMatch: MatchExtension<RecentMatch> = {
  name: 'recent',
  options: [
    ...OPS.map((name) => ({ name, hasArg: 0 as const, invert: true, excl: OPS.filter((o) => o !== name) })),
    { name: 'seconds' },
    // --reap's need of --seconds is checked after the operation (recent_check runs first)
    { name: 'reap', hasArg: 0 },
    { name: 'hitcount' },
    { name: 'rttl', hasArg: 0, excl: ['set', 'remove'] },
    { name: 'name' },
    { name: 'rsource', hasArg: 0 },
    { name: 'rdest', hasArg: 0 },
    { name: 'mask' },
  ],
  init: () => ({ kind: 'recent', seconds: 0, hitCount: 0, checkSet: 0, invert: false, name: 'DEFAULT', side: 'source', mask: asIpv4(0xffffffff) }),
  parse(v, opt, arg, invert) {
    switch (opt) {
      case 'seconds':
        v.seconds = uint32(arg, opt, 1);
        return;
      case 'hitcount':
        v.hitCount = uint32(arg, opt, 0);
        return;
      case 'reap':
        v.checkSet |= XT_RECENT.REAP;
        return;
      case 'rttl':
        v.checkSet |= XT_RECENT.TTL;
        return;
      case 'name':
        v.name = arg;
        return;
      case 'rsource':
      case 'rdest':
        v.side = opt === 'rdest' ? 'dest' : 'source';
        return;
      case 'mask': {
        // XTTYPE_HOST: an address, never a prefix
        const a = parseDottedQuad(arg);
        if (a === null) throw new XtError(XT_EXIT.PARAMETER_PROBLEM, 'getaddrinfo: Name or service not known\n');
        v.mask = a;
        return;
      }
      default:
        v.checkSet |= OP_BIT[opt];
        if (invert) v.invert = true;
    }
  },
  final(v, seen) {
    if (!OPS.some((o) => seen.has(o))) paramProblem("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    if (seen.has('reap') && !seen.has('seconds')) paramProblem('recent: option "--reap" also requires "--seconds".\n');
  },
  print: (v) => recentText(v, false),
};
