/**
 * NetworkPolicy validation as the API server of v1.31 does it (pkg/apis/networking/validation:
 * ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer,
 * ValidateIPBlock), in its order, so the aggregated message kubectl prints is the same.
 */
import { forbidden, GoLiteral, invalid, notSupported, required, type FieldError } from '../errors';
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../types';
import { validateLabelSelector } from './meta';
import { isValidCIDR, isValidPortName, isValidPortNum } from './names';

/** NetworkPolicyPort lists TCP, UDP, SCTP in this order (not sorted, unlike the core types). */
const NP_PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

function validatePort(p: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.protocol !== undefined && !NP_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, NP_PROTOCOLS));
  if (p.port !== undefined && p.port !== null) {
    if (typeof p.port === 'number') {
      for (const m of isValidPortNum(p.port)) errs.push(invalid(`${path}.port`, p.port, m));
      if (p.endPort !== undefined) {
        if (p.endPort < p.port) errs.push(invalid(`${path}.endPort`, p.endPort, 'must be greater than or equal to `port`'));
        for (const m of isValidPortNum(p.endPort)) errs.push(invalid(`${path}.endPort`, p.endPort, m));
      }
    } else {
      if (p.endPort !== undefined) errs.push(invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is non-numeric'));
      for (const m of isValidPortName(String(p.port))) errs.push(invalid(`${path}.port`, p.port, m));
    }
  } else if (p.endPort !== undefined) errs.push(invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is not specified'));
  return errs;
}

/** ParseCIDRSloppy accepts IPv6 too; the simulator only routes IPv4, but the API stores either. */
const isCIDR = (v: string): boolean => isValidCIDR(v) || /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*\/(\d|[1-9]\d|1[01]\d|12[0-8])$/.test(v);

const ipv4Net = (cidr: string): { base: number; len: number } | undefined => {
  if (!isValidCIDR(cidr)) return undefined;
  const [ip, l] = cidr.split('/');
  const len = Number(l);
  const n = ip.split('.').reduce((a, x) => a * 256 + Number(x), 0);
  const size = 2 ** (32 - len);
  return { base: Math.floor(n / size) * size, len };
};

function validateIPBlock(b: IPBlock, path: string): FieldError[] {
  if (!b.cidr) return [required(`${path}.cidr`, '')];
  if (!isCIDR(b.cidr)) return [invalid(`${path}.cidr`, b.cidr, 'not a valid CIDR')];
  const errs: FieldError[] = [];
  const outer = ipv4Net(b.cidr);
  for (const [i, e] of (b.except ?? []).entries()) {
    const p = `${path}.except[${i}]`;
    if (!isCIDR(e)) {
      errs.push(invalid(p, e, 'not a valid CIDR'));
      return errs;
    }
    const inner = ipv4Net(e);
    // cidrIPNet.Contains(except.IP) and a strictly longer mask; an address of the other family is never contained
    const within = outer && inner ? inner.len > outer.len && Math.floor(inner.base / 2 ** (32 - outer.len)) * 2 ** (32 - outer.len) === outer.base : !outer && !inner && e.split('/')[1] > b.cidr.split('/')[1];
    if (!within) errs.push(invalid(p, e, 'must be a strict subset of `cidr`'));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (n === 0) errs.push(required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

/** ValidateNetworkPolicySpec with its field paths under `spec`. */
export function validateNetworkPolicySpec(np: NetworkPolicy): FieldError[] {
  const s = np.spec;
  if (!s) return [];
  const errs: FieldError[] = [...validateLabelSelector(s.podSelector ?? {}, 'spec.podSelector')];
  (s.ingress ?? []).forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
    (r.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  (s.egress ?? []).forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
    (r.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  const types = s.policyTypes ?? [];
  if (types.length > 2) {
    errs.push(invalid('spec.policyTypes', new GoLiteral(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return errs;
}
