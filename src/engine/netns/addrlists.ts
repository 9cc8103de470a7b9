/**
 * The addresses added by hand to a device's own unicast and multicast lists (dev_uc_add_excl(),
 * dev_mc_add_excl(), which ndo_dflt_fdb_add() calls for `bridge fdb add MAC dev DEV [self]` on a
 * device with no FDB of its own). `bridge fdb show` lists them as "self permanent", the unicast
 * ones before the device's multicast memberships and the multicast ones after.
 */
import type { Mac } from '../addr/mac';
import { registerSoftState } from '../rollback/softstate';
import type { Netdev } from './netdev';
import type { Netns } from './netns';

interface AddrLists {
  uc: Mac[];
  mc: Mac[];
}

const lists = new WeakMap<Netdev, AddrLists>();
const NONE: AddrLists = { uc: [], mc: [] };

const isMulticast = (mac: Mac): boolean => (parseInt(mac.slice(0, 2), 16) & 1) === 1;

/** The device's hand-added addresses. */
export const devAddrLists = (dev: Netdev): Readonly<AddrLists> => lists.get(dev) ?? NONE;

/** Add to the list the address belongs in; EEXIST when it is there already. */
export function devAddrAdd(dev: Netdev, mac: Mac): 'EEXIST' | undefined {
  dev.netns.world.willChange(dev.netns);
  let l = lists.get(dev);
  if (l === undefined) {
    l = { uc: [], mc: [] };
    lists.set(dev, l);
  }
  const list = isMulticast(mac) ? l.mc : l.uc;
  if (list.includes(mac)) return 'EEXIST';
  list.push(mac);
  return undefined;
}

/** Take the address off its list; ENOENT when it is not there. */
export function devAddrDel(dev: Netdev, mac: Mac): 'ENOENT' | undefined {
  const l = lists.get(dev);
  const list = l === undefined ? undefined : isMulticast(mac) ? l.mc : l.uc;
  const i = list?.indexOf(mac) ?? -1;
  if (i < 0) return 'ENOENT';
  dev.netns.world.willChange(dev.netns);
  list!.splice(i, 1);
  return undefined;
}

type Saved = [Netdev, AddrLists][];

registerSoftState<never, Saved>({
  name: 'device address lists',
  netns: {
    save: (ns: Netns) => ns.devList().flatMap((d): Saved => (lists.has(d) ? [[d, { uc: [...lists.get(d)!.uc], mc: [...lists.get(d)!.mc] }]] : [])),
    restore: (ns: Netns, saved: Saved) => {
      for (const d of ns.devList()) lists.delete(d);
      for (const [d, l] of saved) lists.set(d, { uc: [...l.uc], mc: [...l.mc] });
    },
  },
});
