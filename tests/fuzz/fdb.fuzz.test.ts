/**
 * The bridge fdb against a plain-map oracle: random learning on ports, lookups with ageing,
 * local entries, port flushes and ports leaving, on virtual time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mac } from '../../src/engine/addr/mac';
import { brFdbDeletePort, brFdbFind, brFdbInsertLocal, brFdbLearn } from '../../src/engine/bridge/fdb';
import { createBridge, createVeth } from '../../src/engine/netns/link';
import type { Bridge, Netdev } from '../../src/engine/netns/netdev';
import { World } from '../../src/engine/world';

interface Entry {
  port: number; // index into ports, -1 for the bridge itself
  local: boolean;
  updated: number;
}

type Op =
  | { kind: 'learn'; port: number; mac: number; dt: number }
  | { kind: 'find'; mac: number; dt: number }
  | { kind: 'local'; port: number; mac: number }
  | { kind: 'flush'; port: number; includeLocal: boolean };

const MACS = [1, 2, 3, 4, 5, 6].map((i) => `02:00:00:00:00:0${i}` as Mac);
const AGEING = 300;

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('learn' as const), port: fc.nat(2), mac: fc.nat(5), dt: fc.constantFrom(0, 1000, 60_000, 299_999, 300_001) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('find' as const), mac: fc.nat(5), dt: fc.constantFrom(0, 1, 100_000, 300_000, 400_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('local' as const), port: fc.integer({ min: -1, max: 2 }), mac: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const), port: fc.nat(2), includeLocal: fc.boolean() }) },
);

function setup(): { br: Bridge; ports: Netdev[] } {
  const w = new World({ seed: 3 });
  w.addHost('sw');
  const ns = w.netns('sw')!;
  const br = createBridge(ns, 'br0');
  br.ageingTime = AGEING;
  const ports = [0, 1, 2].map((i) => createVeth(ns, `p${i}`, `q${i}`));
  // start from an fdb holding only what the test puts there
  br.fdb.clear();
  return { br, ports };
}

describe('fdb against a map oracle', () => {
  it('learn, find with ageing, local entries and flushes agree', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const { br, ports } = setup();
        const oracle = new Map<Mac, Entry>();
        const portOf = (i: number): Netdev => (i < 0 ? br : ports[i]);
        let now = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'learn': {
              now += o.dt;
              const mac = MACS[o.mac];
              const e = oracle.get(mac);
              // an entry past its ageing time counts as gone: learning it again is a new entry
              const alive = e && now - e.updated <= AGEING * 1000;
              const want = e?.local ? 'local' : alive && e.port === o.port ? 'refreshed' : 'learned';
              if (!e?.local) oracle.set(mac, { port: o.port, local: false, updated: now });
              expect(brFdbLearn(br, ports[o.port], mac, now)).toBe(want);
              break;
            }
            case 'find': {
              now += o.dt;
              const mac = MACS[o.mac];
              let e = oracle.get(mac);
              if (e && !e.local && now - e.updated > AGEING * 1000) {
                oracle.delete(mac);
                e = undefined;
              }
              const got = brFdbFind(br, mac, now);
              expect(got ? { port: got.port, local: got.local } : undefined).toEqual(e ? { port: portOf(e.port), local: e.local } : undefined);
              break;
            }
            case 'local':
              oracle.set(MACS[o.mac], { port: o.port, local: true, updated: 0 });
              brFdbInsertLocal(br, portOf(o.port), MACS[o.mac]);
              break;
            case 'flush':
              for (const [mac, e] of oracle) if (e.port === o.port && (!e.local || o.includeLocal)) oracle.delete(mac);
              brFdbDeletePort(br, ports[o.port], o.includeLocal);
              break;
          }
          // the whole table agrees, entry by entry
          expect(new Map([...br.fdb].map(([m, e]) => [m, { port: e.port, local: e.local, updated: e.local ? 0 : e.updated }]))).toEqual(
            new Map([...oracle].map(([m, e]) => [m, { port: portOf(e.port), local: e.local, updated: e.local ? 0 : e.updated }])),
          );
        }
      }),
      { seed: 0xfdb001, numRuns: 500 },
    );
  }, 60_000);
});
