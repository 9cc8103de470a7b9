import { protocolNumber } from '../../engine/netfilter/netdb';
import { CHAIN_PROTOS } from '../../engine/netfilter/save';
import { paramProblem, strtoui } from './xtables';

/** xtables_parse_protocol(): a number, "all", a name from /etc/protocols or iptables' own list. */
export function parseProtocol(s: string): number {
  const n = strtoui(s, 0, 255);
  if (n !== undefined) return n;
  if (s === 'all') return 0;
  const p = protocolNumber(s) ?? CHAIN_PROTOS.find(([name]) => name === s)?.[1];
  return p ?? paramProblem(`unknown protocol "${s}" specified`);
}
