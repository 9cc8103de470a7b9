/**
 * Device kinds are tables (NetdevOps): the engine asks a device's table what to do, so a kind
 * defined in one place — here a dummy (drivers/net/dummy.c) that swallows what it is given —
 * works with links, addresses, routes and the packet path without touching them.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import type { Mac } from '../addr/mac';
import type { Frame } from '../wire/ethernet';
import { World } from '../world';
import { deleteLink, setLinkUp } from './link';
import { carrierOk, defineNetdevKind, makeNetdev, operstate, type Loopback, type Netdev } from './netdev';

const swallowed: Frame[] = [];
const dummyOps = defineNetdevKind<Loopback>({
  kind: 'loopback', // the union has no dummy: borrow a shape, the table is what counts
  loopback: false,
  netnsLocal: false,
  minMtu: 68,
  maxMtu: 65535,
  fields: () => ({}),
  xmit: (_dev, frame) => void swallowed.push(frame),
  carrier: (dev) => dev.adminUp,
  operUnknown: () => true,
  peer: () => undefined,
  stop: () => {},
  uninit: () => {},
  dellink: (dev) => [dev],
  enslaveError: () => undefined,
});

describe('device kinds as ops tables', () => {
  it('a kind defined in one place is created, configured, routed through and deleted', () => {
    const w = new World();
    w.addHost('h');
    const ns = w.netns('h')!;
    const dummy: Netdev = makeNetdev(ns, 'dummy0', dummyOps, '02:00:00:00:00:aa' as Mac, 1500, 'noop');
    ns.attach(dummy);
    expect(operstate(dummy)).toBe('DOWN');
    setLinkUp(dummy, true);
    expect([carrierOk(dummy), operstate(dummy)]).toEqual([true, 'UNKNOWN']);
    expect(runCommand(w, 'h', 'ip addr add 10.7.0.1/24 dev dummy0').exit).toBe(0);
    expect(runCommand(w, 'h', 'ip route get 10.7.0.9').stdout).toContain('dev dummy0 src 10.7.0.1');
    const r = runCommand(w, 'h', 'ping -c 1 -W 1 10.7.0.9');
    expect(r.exit).toBe(1);
    // the ARP request went to the dummy's ndo_start_xmit, and nothing came back
    expect(swallowed.map((f) => f.arp?.op)).toContain('request');
    deleteLink(dummy);
    expect(ns.devByName('dummy0')).toBeUndefined();
  });

  it('each built-in kind answers for itself: lo cannot be deleted, moved or enslaved', () => {
    const w = new World();
    w.addHost('h');
    expect(runCommand(w, 'h', 'ip link del lo').stderr).toBe('RTNETLINK answers: Operation not supported\n');
    expect(runCommand(w, 'h', 'ip link add br0 type bridge && ip link set lo master br0').stderr).toBe('RTNETLINK answers: Invalid argument\n');
  });
});
