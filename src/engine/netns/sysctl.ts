import { BRNF_SYSCTL_DEFAULTS, CT_SYSCTL_DEFAULTS } from '../netfilter/sysctls';
/**
 * Per-namespace sysctls under their full dotted names (net.ipv4.ip_forward,
 * net.ipv4.conf.eth0.forwarding …), with the kernel's defaults and its coupling rules:
 * writing ip_forward or conf.all.forwarding sets forwarding on every device (inet_forward_change).
 */
export const IPV4_CONF_DEFAULTS: Record<string, string> = {
  // every file of /proc/sys/net/ipv4/conf/<dev>/ in kernel 6.x, in the order sysctl lists them
  accept_local: '0',
  accept_redirects: '1',
  accept_source_route: '1',
  arp_accept: '0',
  arp_announce: '0',
  arp_evict_nocarrier: '1',
  arp_filter: '0',
  arp_ignore: '0',
  arp_notify: '0',
  bc_forwarding: '0',
  bootp_relay: '0',
  disable_policy: '0',
  disable_xfrm: '0',
  drop_gratuitous_arp: '0',
  drop_unicast_in_l2_multicast: '0',
  force_igmp_version: '0',
  forwarding: '0',
  igmpv2_unsolicited_report_interval: '10000',
  igmpv3_unsolicited_report_interval: '1000',
  ignore_routes_with_linkdown: '0',
  log_martians: '0',
  mc_forwarding: '0',
  medium_id: '0',
  promote_secondaries: '0',
  proxy_arp: '0',
  proxy_arp_pvlan: '0',
  route_localnet: '0',
  rp_filter: '0',
  secure_redirects: '1',
  send_redirects: '1',
  shared_media: '1',
  src_valid_mark: '0',
  tag: '0',
};

export const NS_DEFAULTS: Record<string, string> = {
  // conntrack's and br_netfilter's (both loaded on the machine the goldens are recorded on)
  ...CT_SYSCTL_DEFAULTS,
  ...BRNF_SYSCTL_DEFAULTS,
  'net.ipv4.ip_forward': '0',
  'net.ipv4.icmp_echo_ignore_all': '0',
  'net.ipv4.icmp_echo_ignore_broadcasts': '1',
  'net.ipv4.icmp_ratelimit': '1000',
  'net.ipv4.icmp_ratemask': '6168',
  'net.ipv4.icmp_errors_use_inbound_ifaddr': '0',
  'net.ipv4.ip_default_ttl': '64',
  'net.ipv4.ip_local_port_range': '32768\t60999',
  'net.ipv4.ping_group_range': '0\t2147483647',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_retries2': '15',
  'net.ipv4.tcp_syn_retries': '6',
  'net.ipv4.tcp_synack_retries': '5',
  'net.core.somaxconn': '4096',
  'net.ipv4.neigh.default.gc_stale_time': '60',
  'net.ipv6.conf.all.forwarding': '0',
  'net.ipv6.conf.all.disable_ipv6': '0',
  'net.ipv6.conf.default.disable_ipv6': '0',
};

/** Values that must be integers (every key we model is numeric except the port ranges). */
export const isNumericKey = (key: string): boolean => !key.endsWith('_range');

const CONF_PREFIX = 'net.ipv4.conf.';
const CONF_NAMES = Object.keys(IPV4_CONF_DEFAULTS);

/** A file of net.ipv4.conf.<dev>/ */
export type ConfName = keyof typeof IPV4_CONF_DEFAULTS & string;
/** each conf name's slot in a device's devconf array (the kernel's IPV4_DEVCONF_* index) */
export const IPV4_DEVCONF = Object.fromEntries(CONF_NAMES.map((k, i) => [k, i])) as Record<ConfName, number>;

/** `net.ipv4.conf.<dev>.<name>` keys, built once per device name and shared by every namespace. */
const confKeyCache = new Map<string, Map<string, string>>();
function confKeys(dev: string): Map<string, string> {
  let keys = confKeyCache.get(dev);
  if (!keys) {
    keys = new Map(CONF_NAMES.map((k) => [k, `${CONF_PREFIX}${dev}.${k}`]));
    if (confKeyCache.size < 10_000) confKeyCache.set(dev, keys);
  }
  return keys;
}
const confKey = (dev: string, name: string): string => confKeys(dev).get(name) ?? `${CONF_PREFIX}${dev}.${name}`;

/**
 * The kernel default of a conf value: what IPV4_CONF_DEFAULTS says, except conf.all.accept_source_route
 * (0) and lo's disable_policy and disable_xfrm (1: inetdev_init() exempts loopback from IPsec).
 */
function confDefault(dev: string, name: string): string {
  if (dev === 'all' && name === 'accept_source_route') return '0';
  if (dev === 'lo' && (name === 'disable_policy' || name === 'disable_xfrm')) return '1';
  return IPV4_CONF_DEFAULTS[name];
}

/**
 * Copy-on-write: only values that differ from the kernel default (or were written) are stored, so
 * an untouched namespace costs a few entries instead of a hundred strings per device.
 */
export class Sysctls {
  /** written values, and conf values copied from conf.default when a device appeared (made on first write) */
  private values: Map<string, string> | null = null;
  /** devices with a net.ipv4.conf.<dev> directory ("all" and "default" included; a switch has thousands) */
  private confDevs = new Set<string>(['all', 'default']);
  /**
   * Each device's conf values as numbers (the kernel's in_dev->cnf.data[]), as the packet path asks
   * them on every hop (forwarding, rp_filter, accept_local …); made on first use, dropped on any change.
   */
  private devconfs: Map<string, number[]> | null = null;
  /** conf.all's, asked beside the device's at nearly every decision */
  private allConf: number[] | null = null;

  private write(key: string, value: string): void {
    this.devconfs = this.allConf = null;
    (this.values ??= new Map()).set(key, value);
  }

  /** The value a key has when nobody wrote it, or undefined when the key does not exist. */
  private fallback(key: string): string | undefined {
    const ns = NS_DEFAULTS[key];
    if (ns !== undefined) return ns;
    if (!key.startsWith(CONF_PREFIX)) return undefined;
    const dot = key.lastIndexOf('.');
    if (dot <= CONF_PREFIX.length) return undefined;
    const name = key.slice(dot + 1);
    const dev = key.slice(CONF_PREFIX.length, dot);
    if (!Object.hasOwn(IPV4_CONF_DEFAULTS, name) || !this.confDevs.has(dev)) return undefined;
    return confDefault(dev, name);
  }

  /** A new device copies conf.default (devinet_copy_dflt_conf). */
  addConf(dev: string): void {
    this.devconfs = this.allConf = null;
    this.removeConf(dev);
    this.confDevs.add(dev);
    if (dev === 'all' || dev === 'default' || this.values === null) return;
    const dflt = confKeys('default');
    for (const [k, key] of confKeys(dev)) {
      const v = this.values.get(dflt.get(k)!);
      if (v !== undefined) this.values.set(key, v);
    }
  }

  removeConf(dev: string): void {
    this.devconfs = this.allConf = null;
    if (!this.confDevs.delete(dev)) return;
    if (this.values !== null) for (const key of confKeys(dev).values()) this.values.delete(key);
  }

  renameConf(from: string, to: string): void {
    this.devconfs = this.allConf = null;
    if (!this.confDevs.has(from)) return;
    const moved: [string, string][] = [];
    for (const [k, key] of confKeys(from)) {
      // what the device had by default goes with it too (lo's disable_policy is lo's, whatever its name)
      const v = this.values?.get(key) ?? (confDefault(from, k) !== confDefault(to, k) ? confDefault(from, k) : undefined);
      if (v !== undefined) moved.push([k, v]);
    }
    this.removeConf(from);
    this.removeConf(to);
    this.confDevs.add(to);
    for (const [k, v] of moved) this.write(confKey(to, k), v);
  }

  has(key: string): boolean {
    return this.values?.has(key) || this.fallback(key) !== undefined;
  }

  get(key: string): string | undefined {
    return this.values?.get(key) ?? this.fallback(key);
  }

  /** The keys below a directory (`net.ipv4.conf.eth0` lists the device's conf files), sorted. */
  keysUnder(dir: string): string[] {
    const prefix = `${dir}.`;
    return this.keys().filter((k) => k.startsWith(prefix));
  }

  keys(): string[] {
    const all = new Set<string>(Object.keys(NS_DEFAULTS));
    for (const dev of this.confDevs) for (const key of confKeys(dev).values()) all.add(key);
    if (this.values !== null) for (const key of this.values.keys()) all.add(key);
    return [...all].sort();
  }

  /** Writes a value the way the kernel's proc handlers do, including forwarding propagation. */
  set(key: string, value: string): void {
    this.devconfs = this.allConf = null;
    if (key === 'net.ipv4.ip_forward' || key === 'net.ipv4.conf.all.forwarding') {
      const on = value;
      this.write('net.ipv4.ip_forward', on);
      for (const dev of this.confDevs) this.write(confKey(dev, 'forwarding'), on);
      // a written key outside a device directory that looks like one still follows, as before
      for (const k of this.values!.keys()) if (/^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)) this.values!.set(k, on);
      return;
    }
    this.write(key, value);
  }

  /** IN_DEV_FORWARD(in_dev) */
  forwarding(dev: string): boolean {
    return this.devconf(dev)[IPV4_DEVCONF.forwarding] !== 0;
  }

  /** IN_DEV_CONF_GET(in_dev, name): a device's value as a number (a device without conf reads the defaults) */
  conf(dev: string, name: ConfName): number {
    return this.devconf(dev)[IPV4_DEVCONF[name]]!;
  }

  /**
   * in_dev->cnf.data[]: a device's conf values as numbers, indexed by IPV4_DEVCONF, for the packet
   * path to read several at once (read it again after a write: a write makes new arrays).
   */
  devconf(dev: string): readonly number[] {
    if (dev === 'all') return (this.allConf ??= this.loadDevconf('all'));
    const cache = (this.devconfs ??= new Map());
    let cnf = cache.get(dev);
    if (cnf === undefined) {
      cnf = this.loadDevconf(dev);
      cache.set(dev, cnf);
    }
    return cnf;
  }

  private loadDevconf(dev: string): number[] {
    return CONF_NAMES.map((name) => Number(this.confValue(dev, name) ?? IPV4_CONF_DEFAULTS[name]));
  }

  /** get(`net.ipv4.conf.<dev>.<name>`) without building the key (the packet path asks often). */
  private confValue(dev: string, name: string): string | undefined {
    if (this.values !== null) {
      const v = this.values.get(confKey(dev, name));
      if (v !== undefined) return v;
    }
    return this.confDevs.has(dev) && Object.hasOwn(IPV4_CONF_DEFAULTS, name) ? confDefault(dev, name) : undefined;
  }

  clone(): Sysctls {
    const c = new Sysctls();
    c.values = this.values === null ? null : new Map(this.values);
    c.confDevs = new Set(this.confDevs);
    return c;
  }
}
