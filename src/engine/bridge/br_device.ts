import type { Bridge } from '../netns/netdev';
import { isBroadcast, type Frame } from '../wire/ethernet';
import { brFdbFind } from './fdb';
import { brFlood, brForward } from './br_forward';

/** br_dev_xmit() (net/bridge/br_device.c): the bridge's own IP stack sends through the bridge. */
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
