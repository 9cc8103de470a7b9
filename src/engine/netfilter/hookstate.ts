import type { Netdev } from '../netns/netdev';
import { NF_INET, type NfHookState } from '../nf/hooks';
import type { Ipv4Packet } from '../wire/ipv4';
import { makeHookState, type HookState } from './skb';
import { skbExtIfAny } from './skbext';
import type { NfHook } from './types';

/** A hook state br_netfilter made: the IP hooks run for a bridged frame, with its bridge ports. */
export interface BrnfHookState extends NfHookState {
  brnf: { physIn: Netdev | undefined; physOut: Netdev | undefined };
}

export const isBrnf = (s: NfHookState): s is BrnfHookState => 'brnf' in s;

/** The packet's place as the matches see it: devices, bridge ports, its connection. */
export function hookStateOf(state: NfHookState, pkt: Ipv4Packet): HookState {
  const st = makeHookState(state.ns, state.hook as NfHook, state.in, state.out);
  const ext = skbExtIfAny(state.ns, pkt.pid);
  if (ext !== undefined) {
    st.ct = ext.ct;
    st.ctinfo = ext.ctinfo;
    st.uid = ext.uid;
    st.gid = ext.gid;
  }
  if (isBrnf(state)) {
    st.bridged = true;
    st.physIn = state.brnf.physIn;
    st.physOut = state.brnf.physOut;
  }
  return st;
}

/**
 * ip_sabotage_in(): br_netfilter already ran the IP PREROUTING hooks for this packet on the
 * bridge, so ip_rcv skips them when the bridge passes it up.
 */
export const sabotaged = (state: NfHookState, pkt: Ipv4Packet): boolean => state.hook === NF_INET.PRE_ROUTING && !isBrnf(state) && skbExtIfAny(state.ns, pkt.pid)?.brPrerouted === true;
