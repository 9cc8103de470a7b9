import type { NetnsSnapshot } from '../engine/snapshot';

/** A host's own address: the first primary address of a device that is not a bridge or its port. */
export function primaryAddress(ns: NetnsSnapshot): string | null {
  const devs = ns.devs.filter((d) => d.kind !== 'loopback');
  const pick = (ds: typeof devs) => ds.flatMap((d) => d.addrs.filter((a) => !a.secondary).map((a) => a.addr))[0];
  return pick(devs.filter((d) => d.kind !== 'bridge' && !d.master)) ?? pick(devs) ?? null;
}
