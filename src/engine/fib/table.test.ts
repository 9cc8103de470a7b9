import { describe, expect, it } from 'vitest';
import { formatPrefix, parseIpv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';
import { KernelError, type FibRoute } from './route';
import { FibTable } from './table';

const eth0 = { name: 'eth0' } as Netdev;
const eth1 = { name: 'eth1' } as Netdev;

/** `10.9.0.0/16 via 10.0.0.2 metric 5` as a FibRoute (gateway optional, dev eth0 unless given). */
function route(spec: string, dev: Netdev = eth0): FibRoute {
  const [pfx, ...rest] = spec.split(' ');
  const [a, l] = pfx === 'default' ? ['0.0.0.0', '0'] : pfx.split('/');
  const opt = (k: string) => {
    const i = rest.indexOf(k);
    return i < 0 ? undefined : rest[i + 1];
  };
  const via = opt('via');
  return {
    table: 254,
    type: 'unicast',
    dst: parseIpv4(a)!,
    plen: l === undefined ? 32 : Number(l),
    metric: Number(opt('metric') ?? 0),
    proto: 3,
    scope: via ? 0 : 253,
    nh: { gw: via ? parseIpv4(via)! : undefined, dev, onlink: false, scope: 253 },
  };
}

const text = (r: FibRoute | undefined) =>
  r ? `${r.plen === 0 ? 'default' : formatPrefix(r.dst, r.plen)}${r.nh?.gw !== undefined ? ` via ${[24, 16, 8, 0].map((s) => (r.nh!.gw! >>> s) & 255).join('.')}` : ''} dev ${r.nh?.dev.name}${r.metric ? ` metric ${r.metric}` : ''}` : 'none';

function table(...specs: string[]): FibTable {
  const t = new FibTable(254);
  for (const s of specs) t.insert(route(s), 'append');
  return t;
}

const errno = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as KernelError).errno;
  }
  return 'ok';
};

describe('FibTable: longest prefix wins', () => {
  const t = table('default via 192.168.1.1', '10.244.0.0/16 via 192.168.1.1', '10.244.2.0/24 via 192.168.1.12', '10.244.2.2 via 192.168.1.13', '192.168.1.0/24');
  it.each([
    ['10.244.2.2', '10.244.2.2 via 192.168.1.13 dev eth0'],
    ['10.244.2.3', '10.244.2.0/24 via 192.168.1.12 dev eth0'],
    ['10.244.3.2', '10.244.0.0/16 via 192.168.1.1 dev eth0'],
    ['192.168.1.99', '192.168.1.0/24 dev eth0'],
    ['8.8.8.8', 'default via 192.168.1.1 dev eth0'],
  ])('%s goes by %s', (dst, want) => expect(text(t.lookup(parseIpv4(dst)!))).toBe(want));

  it('falls back to a shorter prefix when no alias of the longest is acceptable (fib_table_lookup backtracking)', () => {
    const onlyEth1 = (r: FibRoute) => r.nh?.dev === eth1;
    const u = new FibTable(254);
    u.insert(route('10.244.2.0/24', eth0), 'add');
    u.insert(route('10.244.0.0/16', eth1), 'add');
    expect(text(u.lookup(parseIpv4('10.244.2.2')!, onlyEth1))).toBe('10.244.0.0/16 dev eth1');
    expect(u.lookup(parseIpv4('10.9.0.1')!, onlyEth1)).toBeUndefined();
  });

  it('an empty table finds nothing, and a default route catches everything', () => {
    expect(new FibTable(254).lookup(parseIpv4('1.2.3.4')!)).toBeUndefined();
    expect(text(table('default via 10.0.0.1').lookup(parseIpv4('255.255.255.255')!))).toBe('default via 10.0.0.1 dev eth0');
  });
});

describe('FibTable: aliases of one prefix, as ip route add / replace / change / append / prepend leave them', () => {
  it('orders by metric, the lowest first, whatever the insertion order', () => {
    const t = new FibTable(254);
    for (const s of ['default via 10.0.0.3 metric 300', 'default via 10.0.0.1 metric 100', 'default via 10.0.0.2 metric 200']) t.insert(route(s), 'add');
    expect(t.dump().map(text)).toEqual(['default via 10.0.0.1 dev eth0 metric 100', 'default via 10.0.0.2 dev eth0 metric 200', 'default via 10.0.0.3 dev eth0 metric 300']);
    expect(text(t.lookup(parseIpv4('1.1.1.1')!))).toBe('default via 10.0.0.1 dev eth0 metric 100');
  });

  it('add refuses a second route of the same prefix and metric: File exists', () => {
    const t = table('10.9.0.0/16 via 10.0.0.2');
    expect(errno(() => t.insert(route('10.9.0.0/16 via 10.0.0.3'), 'add'))).toBe('EEXIST');
    expect(errno(() => t.insert(route('10.9.0.0/16 via 10.0.0.3 metric 1'), 'add'))).toBe('ok');
    expect(t.size).toBe(2);
  });

  it('replace swaps the first alias of that metric, or adds one; change needs one to exist', () => {
    const t = table('10.9.0.0/16 via 10.0.0.2', '10.9.0.0/16 via 10.0.0.3');
    t.insert(route('10.9.0.0/16 via 10.0.0.7'), 'replace');
    expect(t.dump().map(text)).toEqual(['10.9.0.0/16 via 10.0.0.7 dev eth0', '10.9.0.0/16 via 10.0.0.3 dev eth0']);
    t.insert(route('10.8.0.0/16 via 10.0.0.7'), 'replace');
    expect(t.size).toBe(3);
    expect(errno(() => t.insert(route('10.7.0.0/16 via 10.0.0.7'), 'change'))).toBe('ENOENT');
    t.insert(route('10.8.0.0/16 via 10.0.0.9'), 'change');
    expect(text(t.lookup(parseIpv4('10.8.1.1')!))).toBe('10.8.0.0/16 via 10.0.0.9 dev eth0');
  });

  it('append goes last and prepend first among equals; both refuse an identical route (checked on Linux)', () => {
    const t = new FibTable(254);
    t.insert(route('10.9.0.0/16 via 10.0.0.2'), 'prepend');
    expect(errno(() => t.insert(route('10.9.0.0/16 via 10.0.0.2'), 'prepend'))).toBe('EEXIST');
    t.insert(route('10.9.0.0/16 via 10.0.0.3'), 'prepend');
    t.insert(route('10.9.0.0/16 via 10.0.0.4'), 'append');
    expect(errno(() => t.insert(route('10.9.0.0/16 via 10.0.0.4'), 'prepend'))).toBe('EEXIST');
    expect(errno(() => t.insert(route('10.9.0.0/16 via 10.0.0.3'), 'append'))).toBe('EEXIST');
    t.insert(route('10.9.0.0/16 via 10.0.0.5 metric 5'), 'add');
    t.insert(route('10.9.0.0/16 via 10.0.0.6 metric 5'), 'prepend');
    expect(t.dump().map(text)).toEqual([
      '10.9.0.0/16 via 10.0.0.3 dev eth0',
      '10.9.0.0/16 via 10.0.0.2 dev eth0',
      '10.9.0.0/16 via 10.0.0.4 dev eth0',
      '10.9.0.0/16 via 10.0.0.6 dev eth0 metric 5',
      '10.9.0.0/16 via 10.0.0.5 dev eth0 metric 5',
    ]);
    // the first alias carries the traffic
    expect(text(t.lookup(parseIpv4('10.9.1.1')!))).toBe('10.9.0.0/16 via 10.0.0.3 dev eth0');
  });

  it('delete removes the first alias every given attribute matches, else No such process', () => {
    const t = table('10.9.0.0/16 via 10.0.0.2', '10.9.0.0/16 via 10.0.0.3', '10.9.0.0/16 via 10.0.0.4 metric 5');
    expect(text(t.delete(parseIpv4('10.9.0.0')!, 16, () => true))).toBe('10.9.0.0/16 via 10.0.0.2 dev eth0');
    expect(text(t.delete(parseIpv4('10.9.0.0')!, 16, (r) => r.metric === 5))).toBe('10.9.0.0/16 via 10.0.0.4 dev eth0 metric 5');
    expect(errno(() => t.delete(parseIpv4('10.9.0.0')!, 24, () => true))).toBe('ESRCH');
    expect(errno(() => t.delete(parseIpv4('10.9.0.0')!, 16, (r) => r.metric === 5))).toBe('ESRCH');
    expect(t.size).toBe(1);
  });
});

describe('FibTable: dump order and flush', () => {
  it('dumps by network address, the longer prefix first for equal addresses (as ip route lists)', () => {
    const t = table('192.168.1.0/24', '10.244.2.0/24 via 192.168.1.12', 'default via 192.168.1.1', '10.244.0.0/16 via 192.168.1.1', '10.244.2.2 via 192.168.1.13', '10.0.0.0/8 via 192.168.1.1');
    expect(t.dump().map(text)).toEqual([
      'default via 192.168.1.1 dev eth0',
      '10.0.0.0/8 via 192.168.1.1 dev eth0',
      '10.244.0.0/16 via 192.168.1.1 dev eth0',
      '10.244.2.0/24 via 192.168.1.12 dev eth0',
      '10.244.2.2 via 192.168.1.13 dev eth0',
      '192.168.1.0/24 dev eth0',
    ]);
    expect(t.covering(parseIpv4('10.244.2.2')!).map(text)).toEqual([
      'default via 192.168.1.1 dev eth0',
      '10.0.0.0/8 via 192.168.1.1 dev eth0',
      '10.244.0.0/16 via 192.168.1.1 dev eth0',
      '10.244.2.0/24 via 192.168.1.12 dev eth0',
      '10.244.2.2 via 192.168.1.13 dev eth0',
    ]);
  });

  it('flush removes what the predicate selects and lookups keep working', () => {
    const t = new FibTable(254);
    t.insert(route('10.244.2.0/24', eth1), 'add');
    t.insert(route('10.244.0.0/16', eth0), 'add');
    t.insert(route('default via 10.0.0.1', eth0), 'add');
    expect(t.flush((r) => r.nh?.dev === eth0)).toHaveLength(2);
    expect(t.size).toBe(1);
    expect(text(t.lookup(parseIpv4('10.244.2.9')!))).toBe('10.244.2.0/24 dev eth1');
    expect(t.lookup(parseIpv4('10.244.3.9')!)).toBeUndefined();
    expect(t.routesVia(eth1).map(text)).toEqual(['10.244.2.0/24 dev eth1']);
  });

  it('a refused change leaves nothing behind that a later flush or lookup trips over', () => {
    const t = table('10.244.2.2');
    expect(errno(() => t.insert(route('10.9.0.0/16 via 10.0.0.1'), 'change'))).toBe('ENOENT');
    expect(t.flush(() => false)).toEqual([]);
    expect(t.lookup(parseIpv4('10.9.1.1')!)).toBeUndefined();
    expect(t.dump().map(text)).toEqual(['10.244.2.2 dev eth0']);
  });
});
