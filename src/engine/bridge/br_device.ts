import { KernelError } from '../fib/route';
import { carrierOk, defineNetdevKind, makeNetdev, type Bridge } from '../netns/netdev';
import type { Netns } from '../netns/netns';
import { setMaster } from '../netns/link';
import { isBroadcast, type Frame } from '../wire/ethernet';
import { brFdbDeletePort, brFdbFind, brFdbInsertLocal } from './fdb';
import { brFlood, brForward } from './br_forward';

/** The bridge device (net/bridge/br_device.c): its own IP stack sends through the bridge. No STP. */

/** br_dev_xmit(): to the port the FDB names, else to every port. */
export function brDevXmit(br: Bridge, frame: Frame): void {
  if (!isBroadcast(frame)) {
    const e = brFdbFind(br, frame.dst, br.netns.world.now);
    if (e && !e.local) {
      brForward(br, e.port, frame, undefined);
      return;
    }
  }
  brFlood(br, frame, undefined);
}

export const bridgeOps = defineNetdevKind<Bridge>({
  kind: 'bridge',
  loopback: false,
  netnsLocal: false,
  minMtu: 68,
  maxMtu: 65535,
  fields: () => ({ ports: [], fdb: new Map(), macFixed: false, hadPort: false, mtuFixed: false, ageingTime: 300 }),
  xmit: brDevXmit,
  // a bridge that never had a port keeps its birth carrier; once it had one, no forwarding port means no carrier
  carrier: (br) => br.adminUp && (br.ports.length === 0 ? !br.hadPort : br.ports.some((p) => p.adminUp && carrierOk(p))),
  operUnknown: (br) => br.ports.length === 0 && !br.hadPort,
  peer: () => undefined,
  // br_dev_stop(): what the ports taught the FDB is forgotten
  stop: (br) => {
    for (const p of br.ports) brFdbDeletePort(br, p, false);
  },
  // br_dev_delete(): the ports are released
  uninit: (br) => {
    for (const p of [...br.ports]) setMaster(p, null);
  },
  dellink: (br) => [br],
  enslaveError: () => ({ errno: 'ELOOP', msg: 'Can not enslave a bridge to a bridge' }),
});

/** br_add_bridge(): a bridge, down, with a random address until its first port. */
export function createBridge(ns: Netns, name: string): Bridge {
  if (ns.devByName(name)) throw new KernelError('EEXIST');
  const br = makeNetdev<Bridge>(ns, name, bridgeOps, ns.world.randomMac(), 1500, 'noop');
  ns.attach(br);
  brFdbInsertLocal(br, br, br.mac);
  ns.world.touch();
  return br;
}

