/** The extensions iptables can load by name (`-m NAME`, `-j NAME`, and `-p` for the protocol matches). */
import type { MatchExtension, TargetExtension } from './types';
import { icmpMatch, multiportMatch, sctpMatch, tcpMatch, udpMatch } from './proto';
import { addrtypeMatch, commentMatch, connmarkMatch, conntrackMatch, markMatch, ownerMatch, physdevMatch, statisticMatch, stateMatch } from './misc';
import { recentMatch } from './recent';
import { connmarkTarget, ctTarget, dnatTarget, logTarget, markTarget, masqueradeTarget, notrackTarget, redirectTarget, rejectTarget, snatTarget } from './targets';

export const MATCHES: Record<string, MatchExtension> = Object.fromEntries(
  [tcpMatch, udpMatch, sctpMatch, icmpMatch, multiportMatch, commentMatch, markMatch, connmarkMatch, conntrackMatch, stateMatch, addrtypeMatch, statisticMatch, physdevMatch, ownerMatch, recentMatch].map((m) => [m.name, m as unknown as MatchExtension]),
);

export const TARGETS: Record<string, TargetExtension> = Object.fromEntries(
  [rejectTarget, dnatTarget, snatTarget, masqueradeTarget, redirectTarget, markTarget, connmarkTarget, logTarget, ctTarget, notrackTarget].map((t) => [t.name, t as unknown as TargetExtension]),
);

/** The standard target's names: verdicts, not extensions */
export const STANDARD_VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

export const findMatch = (name: string): MatchExtension | undefined => (Object.prototype.hasOwnProperty.call(MATCHES, name) ? MATCHES[name] : undefined);

/** xtables_find_target(): the standard verdicts load the "standard" target, other names their extension. */
export const findTarget = (name: string): TargetExtension | 'standard' | undefined => {
  if (STANDARD_VERDICTS.has(name)) return 'standard';
  return Object.prototype.hasOwnProperty.call(TARGETS, name) ? TARGETS[name] : undefined;
};

/** Which extension (by -L/-S name) a typed match or target came from. */
export const matchExtOf = (kind: string): MatchExtension | undefined => findMatch(kind);
