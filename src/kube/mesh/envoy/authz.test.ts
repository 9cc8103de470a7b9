/**
 * AuthorizationPolicy as Istio's reference documents it (security.istio.io/v1): DENY policies are
 * evaluated before ALLOW; a workload with no ALLOW policy allows what no DENY denies; with ALLOW
 * policies a request must match one; a policy with an empty rule (`rules: [{}]`) matches every
 * request (allow-all / deny-all), one with no rules matches none (allow-nothing).
 */
import { describe, expect, it } from 'vitest';
import type { AuthorizationPolicy } from '../types';
import { authorize, type AuthzRequest } from './authz';

const ap = (name: string, spec: AuthorizationPolicy['spec']): AuthorizationPolicy => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: 'bank' },
  spec,
});

const req = (o: Partial<AuthzRequest> = {}): AuthzRequest => ({
  principal: 'cluster.local/ns/bank/sa/teller',
  namespace: 'bank',
  sourceIp: '10.244.1.5',
  method: 'GET',
  path: '/balance',
  host: 'ledger',
  port: 8080,
  ...o,
});

describe('AuthorizationPolicy', () => {
  it('allows everything when no policy applies', () => {
    expect(authorize([], req()).allowed).toBe(true);
  });

  it('ALLOW with an empty rule allows all; ALLOW with no rules allows nothing', () => {
    expect(authorize([ap('allow-all', { action: 'ALLOW', rules: [{}] })], req()).allowed).toBe(true);
    expect(authorize([ap('allow-nothing', {})], req()).allowed).toBe(false);
  });

  it('DENY with an empty rule denies all, and DENY wins over a matching ALLOW', () => {
    expect(authorize([ap('deny-all', { action: 'DENY', rules: [{}] })], req()).allowed).toBe(false);
    const v = authorize([ap('allow-all', { rules: [{}] }), ap('no-posts', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['POST'] } }] }] })], req({ method: 'POST' }));
    expect(v).toMatchObject({ allowed: false, policy: 'bank/no-posts' });
    // DENY with no rules denies nothing
    expect(authorize([ap('deny-nothing', { action: 'DENY' })], req()).allowed).toBe(true);
  });

  it('a request must match one ALLOW policy: principals, namespaces, methods, paths (prefix and suffix)', () => {
    const policies = [
      ap('tellers-read', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/bank/sa/teller'] } }], to: [{ operation: { methods: ['GET'], paths: ['/balance*'] } }] }] }),
      ap('audit-ns', { rules: [{ from: [{ source: { namespaces: ['audit'] } }], to: [{ operation: { paths: ['*.csv'] } }] }] }),
    ];
    expect(authorize(policies, req()).allowed).toBe(true);
    expect(authorize(policies, req({ method: 'DELETE' })).allowed).toBe(false);
    expect(authorize(policies, req({ principal: 'cluster.local/ns/bank/sa/intruder' })).allowed).toBe(false);
    expect(authorize(policies, req({ principal: 'cluster.local/ns/audit/sa/default', namespace: 'audit', path: '/export/2026.csv' })).allowed).toBe(true);
    // plaintext has no principal: a principals rule cannot match it
    expect(authorize(policies, req({ principal: undefined, namespace: undefined })).allowed).toBe(false);
  });

  it('fields are ANDed inside a rule, sources and operations ORed, notValues exclude, conditions (when) must all hold', () => {
    const p = [
      ap('mixed', {
        rules: [
          {
            from: [{ source: { namespaces: ['bank'] } }, { source: { ipBlocks: ['192.168.0.0/16'] } }],
            to: [{ operation: { methods: ['GET'], notPaths: ['/admin*'] } }],
            when: [{ key: 'request.headers[:method]', values: ['GET'] }],
          },
        ],
      }),
    ];
    expect(authorize(p, req()).allowed).toBe(true);
    expect(authorize(p, req({ namespace: 'other', principal: undefined, sourceIp: '192.168.1.4' })).allowed).toBe(true);
    expect(authorize(p, req({ namespace: 'other', principal: undefined })).allowed).toBe(false);
    expect(authorize(p, req({ path: '/admin/users' })).allowed).toBe(false);
    // the query string is not part of the path a rule sees
    expect(authorize(p, req({ path: '/balance?admin=1' })).allowed).toBe(true);
  });
});
