/**
 * Ephemeral ports (net/ipv4/inet_hashtables.c, inet_connection_sock.c, udp.c), drawn from
 * `net.ipv4.ip_local_port_range` and the world's seeded generator, so a lab replays identically.
 *
 * The rule Hoplab follows, after Linux 6.x:
 * - connect() (`__inet_hash_connect`): Linux starts at an offset made of a keyed hash of
 *   (source, destination, destination port) plus a perturbation slot that moves by 2 after each
 *   connection, scanning ports of the range's low parity first. Hoplab keeps one slot per
 *   (namespace, source, destination, port), its first value drawn from the world's generator:
 *   the first connection to a destination gets a random even port, each next one the port two
 *   above (as `ss` shows on Linux), skipping ports in use.
 * - bind() to port 0 and listen() without bind (`inet_csk_get_port`): a random port of the
 *   other parity (odd), then upwards.
 * - UDP autobind (`udp_lib_get_port`): a random port, then upwards.
 */
import type { Ipv4 } from '../addr/ipv4';
import type { Netns } from '../netns/netns';
import { registerSoftState } from '../rollback/softstate';
import type { IpProto } from '../wire/ipv4';

/** `net.ipv4.ip_local_port_range` as [low, high] (inclusive); a bad value falls back to the default. */
export function localPortRange(ns: Netns): [number, number] {
  const v = ns.sysctl.get('net.ipv4.ip_local_port_range') ?? '';
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(v);
  const lo = m ? Number(m[1]) : 32768;
  const hi = m ? Number(m[2]) : 60999;
  return lo >= 1 && hi <= 65535 && lo <= hi ? [lo, hi] : [32768, 60999];
}

/** Perturbation slots of connect()'s port choice, per namespace (made on first use). */
const perturb = new WeakMap<Netns, Map<string, number>>();

const undoSlot = (m: Map<string, number>, s: { key: string; old: number | undefined }): void => {
  if (s.old === undefined) m.delete(s.key);
  else m.set(s.key, s.old);
};

function setSlot(ns: Netns, m: Map<string, number>, key: string, v: number): void {
  if (ns.world.journaling) ns.world.journalUndo(undoSlot, m, { key, old: m.get(key) });
  m.set(key, v);
}

/**
 * The local port of a connect() from saddr to daddr:dport, or undefined when every port of the
 * range is taken. `inUse(port)` says whether the 4-tuple (or a bound socket) holds the port.
 */
export function connectPort(ns: Netns, saddr: Ipv4, daddr: Ipv4, dport: number, inUse: (port: number) => boolean): number | undefined {
  const [low, highIncl] = localPortRange(ns);
  const high = highIncl + 1;
  let remaining = high - low;
  if (remaining > 1) remaining &= ~1;
  let slots = perturb.get(ns);
  if (!slots) perturb.set(ns, (slots = new Map()));
  const key = `${saddr}|${daddr}|${dport}`;
  let base = slots.get(key);
  if (base === undefined) base = Math.floor(ns.world.random() * 0x100000000);
  let offset = (base % remaining) & ~1;
  for (let pass = 0; pass < 2; pass++, offset++) {
    let port = low + offset;
    for (let i = 0; i < remaining; i += 2, port += 2) {
      if (port >= high) port -= remaining;
      if (inUse(port)) continue;
      setSlot(ns, slots, key, base + i + 2);
      return port;
    }
    if (remaining <= 1) break;
  }
  return undefined;
}

/**
 * The port of a bind() to port 0 (TCP: odd ports first; UDP: any), or undefined when the range is
 * full. `inUse(port)` says whether another socket holds it.
 */
export function bindPort(ns: Netns, proto: IpProto, inUse: (port: number) => boolean): number | undefined {
  const [low, high] = localPortRange(ns);
  const span = high - low + 1;
  let offset = Math.floor(ns.world.random() * span);
  if (proto === 'tcp') offset |= 1;
  for (let i = 0; i < span; i++) {
    const port = low + ((offset + i) % span);
    if (!inUse(port)) return port;
  }
  return undefined;
}

registerSoftState<never, never>({
  name: 'connect port slots',
  netnsDigest: (ns) => [...(perturb.get(ns) ?? new Map<string, number>()).entries()].sort(),
});
