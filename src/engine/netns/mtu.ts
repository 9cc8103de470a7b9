import { KernelError } from '../fib/route';
import { flushAddresses } from './devinet';
import { addrconfUp } from './link';
import type { Bridge, Netdev } from './netdev';

/**
 * A device's mtu (dev_set_mtu() and the NETDEV_CHANGEMTU notifier): held to the kind's limits, and
 * what the other layers do when it changes. IPv4 leaves a device whose mtu is below 68
 * (inetdev_valid_mtu), IPv6 one below 1280, and a bridge follows its ports' smallest mtu until
 * someone sets its own.
 */

/** IPV4_MIN_MTU */
export const IPV4_MIN_MTU = 68;
/** IPV6_MIN_MTU (link.ts's addrconfUp holds new link-local addresses to it too) */
const IPV6_MIN_MTU = 1280;
/** ETH_DATA_LEN: a bridge without ports */
const ETH_DATA_LEN = 1500;

/**
 * dev_validate_mtu(): an mtu outside the kind's limits is EINVAL; `ip link set` gets the words
 * (extack), a device being created (rtnl_create_link) only the errno.
 */
export function validateMtu(dev: Netdev, mtu: number, extack: boolean): void {
  if (mtu < dev.ops.minMtu) throw new KernelError('EINVAL', extack ? 'mtu less than device minimum' : undefined);
  if (dev.ops.maxMtu > 0 && mtu > dev.ops.maxMtu) throw new KernelError('EINVAL', extack ? 'mtu greater than device maximum' : undefined);
}

/** dev_set_mtu_ext(): `ip link set DEV mtu N`. */
export function setLinkMtu(dev: Netdev, mtu: number): void {
  if (mtu === dev.mtu) return;
  validateMtu(dev, mtu, true);
  // a kind's own ceiling refuses with no words (a vxlan's -EINVAL)
  const limit = dev.ops.mtuLimit?.(dev);
  if (limit !== undefined && mtu > limit) throw new KernelError('EINVAL');
  // br_change_mtu(): a bridge's mtu set by hand stays
  if (dev.kind === 'bridge') dev.mtuFixed = true;
  changeMtu(dev, mtu);
}

/** The new mtu and its NETDEV_CHANGEMTU notifier. */
function changeMtu(dev: Netdev, mtu: number): void {
  dev.mtu = mtu;
  // inetdev_event(): below IPv4's minimum the device's IPv4 config is destroyed, addresses and all
  if (mtu < IPV4_MIN_MTU && dev.addrs.length) flushAddresses(dev.netns, dev);
  // addrconf_notify(): below IPv6's minimum IPv6 stops on the device (lo's ::1 does not come back)
  if (mtu < IPV6_MIN_MTU) dev.ll6 = false;
  else if (!dev.ops.loopback) addrconfUp(dev);
  if (dev.master) brMtuAutoAdjust(dev.master);
  dev.netns.world.touch();
}

/** br_mtu_auto_adjust(): the smallest port mtu (1500 without ports), unless set by hand. */
export function brMtuAutoAdjust(br: Bridge): void {
  if (br.mtuFixed) return;
  let min = 0;
  for (const p of br.ports) if (!min || p.mtu < min) min = p.mtu;
  const mtu = min || ETH_DATA_LEN;
  if (mtu !== br.mtu) changeMtu(br, mtu);
}
