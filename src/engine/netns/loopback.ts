import { asIpv4 } from '../addr/ipv4';
import { MAC_ZERO } from '../addr/mac';
import { addAddress } from './devinet';
import { HOP_DELAY, netifRcv } from './dev';
import { defineNetdevKind, makeNetdev, type Loopback } from './netdev';
import type { Netns } from './netns';

/**
 * lo (drivers/net/loopback.c): what a namespace sends to itself goes out and straight back in.
 * Every namespace has one from birth, ifindex 1, and it can be neither deleted nor moved.
 */
export const loopbackOps = defineNetdevKind<Loopback>({
  kind: 'loopback',
  loopback: true,
  netnsLocal: true,
  // loopback_setup() leaves min_mtu 0 and max_mtu 0: any mtu goes
  minMtu: 0,
  maxMtu: 0,
  fields: () => ({}),
  xmit: (dev, frame) => dev.netns.world.scheduleCall(HOP_DELAY, netifRcv, dev, frame),
  carrier: () => true,
  operUnknown: () => true,
  peer: () => undefined,
  stop: () => {},
  uninit: () => {},
  dellink: () => 'EOPNOTSUPP',
  // br_add_if(): a loopback device is not Ethernet
  enslaveError: () => ({ errno: 'EINVAL', msg: '' }),
});

/** loopback_net_init(): lo, down, with 127.0.0.1/8. */
export function createLoopback(ns: Netns): Loopback {
  const lo = makeNetdev<Loopback>(ns, 'lo', loopbackOps, MAC_ZERO, 65536, 'noqueue');
  ns.attach(lo, 1);
  ns.loopback = lo;
  addAddress(ns, lo, asIpv4(0x7f000001), 8, { scope: 254 });
  return lo;
}
