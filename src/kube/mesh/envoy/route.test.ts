/**
 * VirtualService routing as Istio's reference documents it (networking.istio.io/v1 VirtualService,
 * HTTPRoute, HTTPMatchRequest, HTTPRetry): rules in order, the first whose match holds wins;
 * conditions inside one match block are ANDed, match blocks are ORed; a rule without match takes
 * everything; a lone destination gets all the traffic; weights split it.
 */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../types';
import { chooseRoute, DEFAULT_RETRY, pickWeighted, type RouteRequest } from './route';

const vs = (http: VirtualService['spec']['http']): VirtualService => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'default' },
  spec: { hosts: ['reviews'], http },
});

const req = (o: Partial<RouteRequest> = {}): RouteRequest => ({ method: 'GET', path: '/', headers: [], authority: 'reviews', port: 9080, sourceLabels: {}, sourceNamespace: 'default', ...o });

describe('VirtualService http rules', () => {
  const rules = vs([
    { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } }, uri: { prefix: '/api' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
    { name: 'either', match: [{ uri: { exact: '/login' } }, { method: { exact: 'POST' } }], route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
    { name: 'rest', route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
  ]);

  it('takes the first rule whose match holds, ANDing the conditions of one match block', () => {
    expect(chooseRoute(rules, 'x', req({ path: '/api/x', headers: [['end-user', 'jason']] }))?.name).toBe('jason');
    // the header alone, or the prefix alone, is not the block
    expect(chooseRoute(rules, 'x', req({ path: '/other', headers: [['end-user', 'jason']] }))?.name).toBe('rest');
    expect(chooseRoute(rules, 'x', req({ path: '/api/x', headers: [['end-user', 'bob']] }))?.name).toBe('rest');
  });

  it('ORs match blocks, and a rule without match takes the rest', () => {
    expect(chooseRoute(rules, 'x', req({ path: '/login' }))?.targets[0].subset).toBe('v3');
    expect(chooseRoute(rules, 'x', req({ method: 'POST', path: '/anything' }))?.targets[0].subset).toBe('v3');
    expect(chooseRoute(rules, 'x', req({ path: '/anything' }))?.targets[0].subset).toBe('v1');
  });

  it('answers no route (404) when no rule matches, and routes to the Service itself without a VirtualService', () => {
    expect(chooseRoute(vs([{ match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'reviews' } }] }]), 'x', req({ path: '/v1' }))).toBeUndefined();
    const none = chooseRoute(undefined, 'reviews.default.svc.cluster.local', req())!;
    expect([none.name, none.targets]).toEqual(['default', [{ host: 'reviews.default.svc.cluster.local', subset: '', port: undefined, weight: 100 }]]);
    expect(none.retry).toBe(DEFAULT_RETRY);
  });

  it('matches a header by prefix and regex (the whole value, as Envoy’s safe_regex), and ignoreUriCase', () => {
    const r = vs([
      { name: 'canary', match: [{ headers: { cookie: { regex: '.*user=canary.*' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { name: 'case', match: [{ uri: { exact: '/Reviews' }, ignoreUriCase: true }], route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
      { name: 'rest', route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ]);
    expect(chooseRoute(r, 'x', req({ headers: [['Cookie', 'a=1; user=canary; b=2']] }))?.name).toBe('canary');
    expect(chooseRoute(r, 'x', req({ headers: [['Cookie', 'user=stable']] }))?.name).toBe('rest');
    expect(chooseRoute(r, 'x', req({ path: '/REVIEWS' }))?.name).toBe('case');
  });

  it('names a rule without a name by its VirtualService, and gives a lone destination all the traffic', () => {
    const c = chooseRoute(vs([{ route: [{ destination: { host: 'reviews' } }] }]), 'x', req())!;
    expect(c.name).toBe('reviews.default');
    expect(c.targets[0].weight).toBe(100);
  });

  it('reads retries: attempts, perTryTimeout, retryOn with status codes', () => {
    const c = chooseRoute(vs([{ route: [{ destination: { host: 'reviews' } }], retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,504' } }]), 'x', req())!;
    expect(c.retry.attempts).toBe(3);
    expect(c.retry.perTryTimeoutMs).toBe(2000);
    expect([...c.retry.on].sort()).toEqual(['connect-failure', 'gateway-error', 'retriable-status-codes']);
    expect([...c.retry.statuses]).toEqual([504]);
    // attempts 0 turns retries off
    expect(chooseRoute(vs([{ route: [{ destination: { host: 'reviews' } }], retries: { attempts: 0 } }]), 'x', req())!.retry.attempts).toBe(0);
  });
});

describe('weighted destinations', () => {
  it('split by weight, deterministically for a given draw', () => {
    const targets = [
      { host: 'reviews', subset: 'v1', port: undefined, weight: 90 },
      { host: 'reviews', subset: 'v2', port: undefined, weight: 10 },
    ];
    expect(pickWeighted(targets, () => 0)?.subset).toBe('v1');
    expect(pickWeighted(targets, () => 0.899)?.subset).toBe('v1');
    expect(pickWeighted(targets, () => 0.9)?.subset).toBe('v2');
    let seed = 1;
    const lcg = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const n = 10_000;
    let v2 = 0;
    for (let i = 0; i < n; i++) if (pickWeighted(targets, lcg)?.subset === 'v2') v2++;
    expect(Math.abs(v2 / n - 0.1)).toBeLessThan(0.015);
  });
});
