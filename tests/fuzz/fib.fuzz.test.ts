/**
 * FibTable against an oracle written from the specification: random inserts (add, replace,
 * change, append, prepend), deletes, flushes and lookups over prefixes crowded enough to collide,
 * and tables that grow past the sizes where FibTable changes its scheme (a flat list up to 8
 * prefixes, per-/12 masks from 512 routes, per-/16 from 8192) and shrink back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asIpv4, formatIpv4, inPrefix, networkOf, type Ipv4 } from '../../src/engine/addr/ipv4';
import { KernelError, type FibRoute, type RouteType } from '../../src/engine/fib/route';
import { FibTable } from '../../src/engine/fib/table';
import type { Netdev } from '../../src/engine/netns/netdev';

type Mode = 'add' | 'replace' | 'change' | 'append' | 'prepend';

const DEV = [{ name: 'd0' }, { name: 'd1' }] as unknown as Netdev[];

/**
 * The oracle, written from the specification rather than from FibTable.insert (ip-route(8) and
 * fib_table_insert()'s documented contract): a table is a set of routes, each with a place; the
 * dump is the routes sorted by (destination ascending, prefix length descending, metric
 * ascending, place ascending). `add` (NLM_F_EXCL) fails with EEXIST when the prefix has a route of
 * the same metric; `change` (no NLM_F_CREATE) fails with ENOENT when it has none; `replace` and
 * `change` take the place of the first such route; `append` goes after every route of the same
 * prefix and metric, `prepend` before them, and both fail with EEXIST on an identical route. A
 * lookup is the longest prefix that has an accepted route, and within it the first accepted in
 * dump order.
 */
class Oracle {
  private routes: { r: FibRoute; place: number }[] = [];
  private last = 0;
  private first = 0;

  private samePrefix(r: { dst: number; plen: number }) {
    return this.routes.filter((x) => x.r.dst === r.dst && x.r.plen === r.plen);
  }

  insert(r: FibRoute, mode: Mode): string | undefined {
    const same = this.samePrefix(r)
      .filter((x) => x.r.metric === r.metric)
      .sort((a, b) => a.place - b.place);
    if (mode === 'add' && same.length) return 'EEXIST';
    if (mode === 'change' && !same.length) return 'ENOENT';
    this.sorted = null;
    if ((mode === 'replace' || mode === 'change') && same.length) {
      same[0].r = r;
      return undefined;
    }
    if ((mode === 'append' || mode === 'prepend') && same.some((x) => identical(x.r, r))) return 'EEXIST';
    this.routes.push({ r, place: mode === 'prepend' ? --this.first : ++this.last });
    return undefined;
  }

  delete(dst: number, plen: number, match: (r: FibRoute) => boolean): FibRoute | string {
    const hit = this.dumpEntries().find((x) => x.r.dst === dst && x.r.plen === plen && match(x.r));
    if (!hit) return 'ESRCH';
    this.routes = this.routes.filter((x) => x !== hit);
    this.sorted = null;
    return hit.r;
  }

  flush(pred: (r: FibRoute) => boolean): number {
    const before = this.routes.length;
    this.routes = this.routes.filter((x) => !pred(x.r));
    this.sorted = null;
    return before - this.routes.length;
  }

  /** the sorted routes, kept until the next change (lookups in a 9,000-route table stay cheap) */
  private sorted: { r: FibRoute; place: number }[] | null = null;

  private dumpEntries() {
    return (this.sorted ??= [...this.routes].sort((a, b) => a.r.dst - b.r.dst || b.r.plen - a.r.plen || a.r.metric - b.r.metric || a.place - b.place));
  }

  dump(): FibRoute[] {
    return this.dumpEntries().map((x) => x.r);
  }

  lookup(addr: number, accept: (r: FibRoute) => boolean = () => true): FibRoute | undefined {
    let best: FibRoute | undefined;
    for (const r of this.dump()) if (inPrefix(addr, r.dst, r.plen) && accept(r) && (!best || r.plen > best.plen)) best = r;
    return best;
  }
}

function identical(a: FibRoute, b: FibRoute): boolean {
  return a.type === b.type && a.scope === b.scope && a.proto === b.proto && a.prefsrc === b.prefsrc && a.nh?.gw === b.nh?.gw && a.nh?.dev === b.nh?.dev && a.nh?.onlink === b.nh?.onlink;
}

const errnoOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
};

// crowded address space: few bases, many prefix lengths, so prefixes nest and collide
const base = fc.constantFrom(0x0a000000, 0x0af40000, 0x0af40200, 0x0af40202, 0xc0a80100, 0x00000000, 0xffffffff);
const plen = fc.constantFrom(0, 1, 8, 15, 16, 23, 24, 25, 30, 31, 32);
const prefix = fc.tuple(base, plen).map(([a, l]) => ({ dst: networkOf(a, l), plen: l }));
const route = fc
  .record({
    p: prefix,
    metric: fc.constantFrom(0, 0, 1, 5, 100),
    type: fc.constantFrom<RouteType>('unicast', 'unicast', 'unicast', 'blackhole', 'local'),
    gw: fc.option(fc.constantFrom(0xc0a8010c, 0xc0a8010d), { nil: undefined }),
    dev: fc.constantFrom(0, 1),
    scope: fc.constantFrom(0, 253),
  })
  .map(
    (x): FibRoute => ({
      table: 254,
      type: x.type,
      dst: x.p.dst,
      plen: x.p.plen,
      metric: x.metric,
      proto: 3,
      scope: x.scope,
      nh: x.type === 'blackhole' ? undefined : { gw: x.gw === undefined ? undefined : asIpv4(x.gw), dev: DEV[x.dev], onlink: false, scope: 253 },
    }),
  );

type Op =
  | { kind: 'insert'; r: FibRoute; mode: Mode }
  | { kind: 'delete'; p: { dst: Ipv4; plen: number }; metric?: number; gw?: number }
  | { kind: 'flush'; dev: number }
  | { kind: 'lookup'; addr: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), r: route, mode: fc.constantFrom<Mode>('add', 'add', 'replace', 'change', 'append', 'prepend') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), p: prefix, metric: fc.option(fc.constantFrom(0, 1, 5, 100), { nil: undefined }), gw: fc.option(fc.constantFrom(0xc0a8010c, 0xc0a8010d), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const), dev: fc.constantFrom(0, 1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('lookup' as const), addr: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), base, base.map((b) => (b + 1) >>> 0)) }) },
);

function probes(o: Oracle, extra: number[]): number[] {
  const out = new Set(extra);
  for (const r of o.dump()) {
    out.add(r.dst);
    out.add((r.dst - 1) >>> 0);
    out.add((r.dst | (r.plen === 0 ? 0xffffffff : ~((0xffffffff << (32 - r.plen)) >>> 0))) >>> 0);
  }
  return [...out];
}

const ACCEPTS: [string, ((r: FibRoute) => boolean) | undefined][] = [
  ['any', undefined],
  ['scope link', (r) => r.scope >= 253],
  ['dev d1', (r) => r.nh?.dev === DEV[1]],
  ['not blackhole', (r) => r.type !== 'blackhole'],
];

function check(t: FibTable, o: Oracle, addrs: number[]): void {
  const dump = o.dump();
  expect(t.dump()).toEqual(dump);
  expect(t.size).toBe(dump.length);
  for (const a of probes(o, addrs)) {
    for (const [name, accept] of ACCEPTS) {
      expect(t.lookup(a as Ipv4, accept), `lookup ${formatIpv4(a)} (${name})`).toBe(o.lookup(a, accept));
    }
    expect(t.covering(a as Ipv4)).toEqual(dump.filter((r) => inPrefix(a, r.dst, r.plen)));
  }
}

function replay(ops: Op[]): void {
  const t = new FibTable(254);
  const o = new Oracle();
  const looked: number[] = [];
  for (const x of ops) {
    switch (x.kind) {
      case 'insert': {
        const want = o.insert(x.r, x.mode);
        expect(errnoOf(() => t.insert(x.r, x.mode)), `${x.mode} ${formatIpv4(x.r.dst)}/${x.r.plen} metric ${x.r.metric}`).toBe(want);
        break;
      }
      case 'delete': {
        const match = (r: FibRoute) => (x.metric === undefined || r.metric === x.metric) && (x.gw === undefined || r.nh?.gw === x.gw);
        const want = o.delete(x.p.dst, x.p.plen, match);
        if (typeof want === 'string') expect(errnoOf(() => t.delete(x.p.dst, x.p.plen, match))).toBe(want);
        else expect(t.delete(x.p.dst, x.p.plen, match)).toBe(want);
        break;
      }
      case 'flush':
        expect(t.flush((r) => r.nh?.dev === DEV[x.dev])).toHaveLength(o.flush((r) => r.nh?.dev === DEV[x.dev]));
        break;
      case 'lookup':
        looked.push(x.addr);
        break;
    }
    check(t, o, looked);
  }
}

describe('FibTable against a brute-force oracle', () => {
  it('agrees on every insert mode, delete, flush, dump order and longest-prefix lookup', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => replay(ops)),
      { seed: 0xf1b001, numRuns: 1000 },
    );
  }, 60_000);

  it('agrees on large random tables (uniform prefixes, lookups of random addresses)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), fc.constantFrom(0, 10)), { minLength: 50, maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 50, maxLength: 50 }),
        (prefixes, addrs) => {
          const t = new FibTable(254);
          const o = new Oracle();
          for (const [a, l, m] of prefixes) {
            const r: FibRoute = { table: 254, type: 'unicast', dst: networkOf(a, l), plen: l, metric: m, proto: 3, scope: 0, nh: { dev: DEV[0], onlink: false, scope: 253 } };
            expect(errnoOf(() => t.insert(r, 'add'))).toBe(o.insert(r, 'add'));
          }
          for (const a of addrs) expect(t.lookup(a as Ipv4)).toBe(o.lookup(a));
          expect(t.dump()).toEqual(o.dump());
        },
      ),
      { seed: 0xf1b002, numRuns: 100 },
    );
  }, 60_000);

  it('agrees while a table grows past 512 and 8192 routes and shrinks back (the mask schemes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.constantFrom(600, 9000), (seed, size) => {
        const t = new FibTable(254);
        const o = new Oracle();
        // a small linear congruential walk: many prefixes, every length, clustered and spread
        let x = seed >>> 0;
        const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
        const made: FibRoute[] = [];
        for (let i = 0; i < size; i++) {
          const plen = next() % 33;
          const base = i % 3 === 0 ? 0x0af40000 | (next() & 0xffff) : next();
          const r: FibRoute = { table: 254, type: 'unicast', dst: networkOf(base, plen), plen, metric: next() % 3, proto: 3, scope: 0, nh: { dev: DEV[i & 1], onlink: false, scope: 253 } };
          expect(errnoOf(() => t.insert(r, 'add'))).toBe(o.insert(r, 'add'));
          made.push(r);
        }
        const probeAll = () => {
          for (let i = 0; i < 300; i++) {
            const a = i % 2 ? next() : (made[next() % made.length].dst + (next() & 0xff)) >>> 0;
            expect(t.lookup(a as Ipv4)).toBe(o.lookup(a));
            expect(t.lookup(a as Ipv4, (r) => r.nh?.dev === DEV[1])).toBe(o.lookup(a, (r) => r.nh?.dev === DEV[1]));
          }
        };
        probeAll();
        expect(t.size).toBe(o.dump().length);
        // back below the thresholds: every other route goes, then one device's
        for (let i = 0; i < made.length; i += 2) {
          const r = made[i];
          const want = o.delete(r.dst, r.plen, (y) => y === r);
          if (typeof want === 'string') expect(errnoOf(() => t.delete(r.dst, r.plen, (y) => y === r))).toBe(want);
          else expect(t.delete(r.dst, r.plen, (y) => y === r)).toBe(want);
        }
        probeAll();
        expect(t.flush((r) => r.nh?.dev === DEV[0])).toHaveLength(o.flush((r) => r.nh?.dev === DEV[0]));
        probeAll();
        expect(t.dump()).toEqual(o.dump());
      }),
      { seed: 0xf1b003, numRuns: 4 },
    );
  }, 120_000);

  it('pinned (seed 0xf1b001): a failed change, then a flush that removes nothing, must not leave a dangling prefix length', () => {
    const dflt: FibRoute = { table: 254, type: 'unicast', dst: asIpv4(0), plen: 0, metric: 0, proto: 3, scope: 0, nh: { dev: DEV[0], onlink: false, scope: 253 } };
    replay([
      { kind: 'insert', r: dflt, mode: 'change' },
      { kind: 'flush', dev: 0 },
      { kind: 'lookup', addr: 0x0a000000 },
      { kind: 'insert', r: dflt, mode: 'add' },
    ]);
  });

  it('pinned: prepend of a route identical to one already there is refused (kernel fa_match)', () => {
    const r = (gw: number): FibRoute => ({ table: 254, type: 'unicast', dst: asIpv4(0x0a090000), plen: 16, metric: 0, proto: 3, scope: 0, nh: { gw: asIpv4(gw), dev: DEV[0], onlink: false, scope: 253 } });
    replay([
      { kind: 'insert', r: r(0x0a000002), mode: 'prepend' },
      { kind: 'insert', r: r(0x0a000002), mode: 'prepend' },
      { kind: 'insert', r: r(0x0a000003), mode: 'prepend' },
      { kind: 'insert', r: r(0x0a000004), mode: 'append' },
      { kind: 'insert', r: r(0x0a000004), mode: 'prepend' },
      { kind: 'lookup', addr: 0x0a090101 },
    ]);
  });
});
