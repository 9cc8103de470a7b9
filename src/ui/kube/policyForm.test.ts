import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emptyPort, emptyRule, parseLabels, readPolicy, writePolicy } from './policyForm';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: x
  annotations: {note: kept}
spec:
  podSelector:
    matchLabels: {app: web}
    matchExpressions: [{key: tier, operator: In, values: [front]}]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: y}}
      podSelector: {matchLabels: {pod: a}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{protocol: TCP, port: 80}, {protocol: SCTP, port: 9000, endPort: 9010}]
`;

describe('the NetworkPolicy form', () => {
  it('reads the fields it shows', () => {
    const r = readPolicy(POLICY);
    if (!r.ok) throw new Error(r.reason);
    expect(r.form).toEqual({
      name: 'allow-web',
      namespace: 'x',
      podSelector: 'app=web',
      types: { Ingress: true, Egress: false },
      ingress: [
        {
          peers: [
            { kind: 'podsInNamespaces', pods: 'pod=a', namespaces: 'team=y', cidr: '', except: '' },
            { kind: 'ipBlock', pods: '', namespaces: '', cidr: '10.0.0.0/8', except: '10.1.0.0/16' },
          ],
          ports: [
            { protocol: 'TCP', port: '80', endPort: '' },
            { protocol: 'SCTP', port: '9000', endPort: '9010' },
          ],
        },
      ],
      egress: [],
    });
  });

  it('writes its edits back, keeping what it does not show', () => {
    const r = readPolicy(POLICY);
    if (!r.ok) throw new Error(r.reason);
    const f = r.form;
    f.podSelector = 'app=api, tier=back';
    f.ingress[0].ports.push({ ...emptyPort(), protocol: 'UDP', port: 'dns' });
    f.types.Egress = true;
    f.egress.push({ ...emptyRule(), peers: [{ kind: 'namespaces', pods: '', namespaces: '', cidr: '', except: '' }] });
    const out = parse(writePolicy(r.doc, f));
    expect(out.metadata).toEqual({ name: 'allow-web', namespace: 'x', annotations: { note: 'kept' } });
    expect(out.spec.podSelector).toEqual({ matchLabels: { app: 'api', tier: 'back' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] });
    expect(out.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(out.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { pod: 'a' } }, namespaceSelector: { matchLabels: { team: 'y' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }]);
    expect(out.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 80 }, { protocol: 'SCTP', port: 9000, endPort: 9010 }, { protocol: 'UDP', port: 'dns' }]);
    expect(out.spec.egress).toEqual([{ to: [{ namespaceSelector: {} }] }]);
    // and reads back as it was written
    const again = readPolicy(writePolicy(r.doc, f));
    expect(again.ok && again.form).toEqual(f);
  });

  it('shows only a manifest of one NetworkPolicy', () => {
    expect(readPolicy('apiVersion: v1\nkind: Service\nmetadata: {name: s}\n')).toEqual({ ok: false, reason: 'the form shows a manifest that holds one NetworkPolicy' });
    expect(readPolicy(`${POLICY}---\n${POLICY}`).ok).toBe(false);
    expect(parseLabels(' a=1 ,b = 2, c')).toEqual({ a: '1', b: '2', c: '' });
  });
});
