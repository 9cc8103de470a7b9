/**
 * The `kubernetes` stanza of a Corefile, read as plugin/kubernetes/setup.go reads it, with its
 * errors word for word.
 */
import { CorefileError, Dispenser, normalizeZone } from './corefile';

export type PodMode = 'disabled' | 'verified' | 'insecure';

export interface KubernetesConfig {
  zones: string[];
  /** the first zone that is not a reverse zone: PTR answers are named in it */
  primaryZone: string;
  podMode: PodMode;
  /** null: no fallthrough; []: for every name; else only for names in these zones */
  fallthrough: string[] | null;
  ttl: number;
  /** `namespaces`: only these are exposed (empty: all) */
  namespaces: Set<string>;
  endpointPodNames: boolean;
  ignoreEmptyService: boolean;
}

const isReverse = (z: string): boolean => z.endsWith('in-addr.arpa.') || z.endsWith('ip6.arpa.');

/** A zone argument as CoreDNS normalises it: a CIDR becomes its reverse zone. */
export function zoneArg(z: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(8|16|24)$/.exec(z);
  if (m) {
    const octets = Number(m[5]) / 8;
    return `${[m[1], m[2], m[3], m[4]].slice(0, octets).reverse().join('.')}.in-addr.arpa.`;
  }
  return normalizeZone(z);
}

/** fall.F's SetZonesFromArgs: no zones means every name. */
export const fallthroughZones = (args: string[]): string[] => args.map(zoneArg);

export const pluginError = (name: string, e: unknown): CorefileError => new CorefileError(`plugin/${name}: ${e instanceof Error ? e.message : String(e)}`);

export function parseKubernetes(d: Dispenser): KubernetesConfig {
  let cfg: KubernetesConfig | undefined;
  let seen = 0;
  while (d.next()) {
    if (seen++ > 0) throw pluginError('kubernetes', 'this plugin can only be used once per Server Block');
    cfg = parseStanza(d);
  }
  return cfg!;
}

const atoi = (s: string): number => {
  if (!/^[+-]?\d+$/.test(s)) throw new CorefileError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
};

function parseStanza(d: Dispenser): KubernetesConfig {
  const args = d.remainingArgs();
  const zones = (args.length ? args : d.keys).map(zoneArg);
  const primaryZone = zones.find((z) => !isReverse(z));
  if (primaryZone === undefined) throw pluginError('kubernetes', 'non-reverse zone name must be used');
  const cfg: KubernetesConfig = {
    zones, primaryZone, podMode: 'disabled', fallthrough: null, ttl: 5, namespaces: new Set(), endpointPodNames: false, ignoreEmptyService: false,
  };
  const fail = (e: CorefileError) => pluginError('kubernetes', e);
  while (d.nextBlock()) {
    const prop = d.val();
    switch (prop) {
      case 'endpoint_pod_names':
        if (d.remainingArgs().length > 0) throw fail(d.argErr());
        cfg.endpointPodNames = true;
        break;
      case 'pods': {
        const a = d.remainingArgs();
        if (a.length !== 1) throw fail(d.argErr());
        if (a[0] !== 'disabled' && a[0] !== 'verified' && a[0] !== 'insecure') {
          throw pluginError('kubernetes', `wrong value for pods: ${a[0]},  must be one of: disabled, verified, insecure`);
        }
        cfg.podMode = a[0];
        break;
      }
      case 'namespaces': {
        const a = d.remainingArgs();
        if (a.length === 0) throw fail(d.argErr());
        for (const ns of a) cfg.namespaces.add(ns);
        break;
      }
      case 'endpoint':
      case 'kubeconfig':
      case 'tls':
      case 'labels':
      case 'namespace_labels': {
        // connection settings: the lab's CoreDNS reads the cluster's own store whatever they say
        if (d.remainingArgs().length === 0) throw fail(d.argErr());
        break;
      }
      case 'fallthrough':
        cfg.fallthrough = fallthroughZones(d.remainingArgs());
        break;
      case 'ttl': {
        const a = d.remainingArgs();
        if (a.length === 0) throw fail(d.argErr());
        let t: number;
        try {
          t = atoi(a[0]);
        } catch (e) {
          throw fail(e as CorefileError);
        }
        if (t < 0 || t > 3600) throw fail(d.errf(`ttl must be in range [0, 3600]: ${t}`));
        cfg.ttl = t;
        break;
      }
      case 'noendpoints':
        if (d.remainingArgs().length !== 0) throw fail(d.argErr());
        break;
      case 'ignore': {
        const a = d.remainingArgs();
        if (a.length > 0) {
          if (a[0] !== 'empty_service') throw pluginError('kubernetes', `unable to parse ignore value: '${a[0]}'`);
          cfg.ignoreEmptyService = true;
        }
        break;
      }
      case 'resyncperiod':
      case 'upstream':
        d.remainingArgs();
        break;
      default:
        throw fail(d.errf(`unknown property '${prop}'`));
    }
  }
  return cfg;
}
