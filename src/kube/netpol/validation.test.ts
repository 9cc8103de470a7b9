/** NetworkPolicy validation: the API server's messages and field paths (pkg/apis/networking/validation). */
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../api/defaults';
import { formatFieldError } from '../api/errors';
import type { NetworkPolicy } from '../api/types';
import { validateObject } from '../api/validation';

const np = (spec: Record<string, unknown>): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'x' }, spec: { podSelector: {}, ...spec } as NetworkPolicy['spec'] });
const errors = (spec: Record<string, unknown>) => {
  const o = np(spec);
  applyDefaults(o);
  return validateObject(o).map(formatFieldError);
};

describe('NetworkPolicy validation', () => {
  it('accepts the documented example', () => {
    expect(
      errors({
        podSelector: { matchLabels: { role: 'db' } },
        ingress: [{ from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }, { namespaceSelector: { matchLabels: { project: 'myproject' } }, podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }, { port: 32000, endPort: 32768 }] }],
      }),
    ).toEqual([]);
  });

  it('rejects bad CIDRs and excepts outside the CIDR', () => {
    expect(errors({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] })).toEqual(['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": not a valid CIDR']);
    expect(errors({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/16', '10.0.5.0/24'] } }] }] })).toEqual([
      'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
      'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
    ]);
    expect(errors({ ingress: [{ from: [{ ipBlock: { cidr: '' } }] }] })).toEqual(['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
    expect(errors({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['x', '10.0.0.0/33'] } }] }] })).toEqual(['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "x": not a valid CIDR']);
  });

  it('rejects endPort without a port, with a named port, or below the port', () => {
    expect(errors({ ingress: [{ ports: [{ endPort: 90 }] }] })).toEqual(['spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified']);
    expect(errors({ ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] })).toEqual(['spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric']);
    expect(errors({ egress: [{ ports: [{ port: 90, endPort: 80 }] }] })).toEqual(['spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`']);
    expect(errors({ egress: [{ ports: [{ port: 0 }, { port: 'Bad_Name' }, { port: 80, protocol: 'ICMP' }] }] })).toEqual([
      'spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.egress[0].ports[1].port: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.egress[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    ]);
  });

  it('rejects empty peers, ipBlock with selectors, bad selectors and policyTypes', () => {
    expect(errors({ ingress: [{ from: [{}] }] })).toEqual(['spec.ingress[0].from[0]: Required value: must specify a peer']);
    expect(errors({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] })).toEqual(['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer']);
    expect(errors({ ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }] }] })).toEqual([
      "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
    expect(errors({ policyTypes: ['Ingress', 'Sideways'] })).toEqual(['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"']);
    expect(errors({ policyTypes: ['Ingress', 'Egress', 'Ingress'] })).toEqual(['spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes']);
  });
});

describe('NetworkPolicy defaulting', () => {
  it('Ingress always, Egress only when egress rules exist; `egress: []` does not isolate egress', () => {
    const types = (spec: Record<string, unknown>) => {
      const o = np(spec);
      applyDefaults(o);
      return o.spec.policyTypes;
    };
    expect(types({})).toEqual(['Ingress']);
    expect(types({ egress: [] })).toEqual(['Ingress']);
    expect(types({ egress: [{}] })).toEqual(['Ingress', 'Egress']);
    expect(types({ policyTypes: ['Egress'] })).toEqual(['Egress']);
    const o = np({ ingress: [{ ports: [{ port: 80 }] }] });
    applyDefaults(o);
    expect(o.spec.ingress![0].ports![0].protocol).toBe('TCP');
  });
});
