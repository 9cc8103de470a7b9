/**
 * Per-namespace sysctls under their full dotted names (net.ipv4.ip_forward,
 * net.ipv4.conf.eth0.forwarding …), with the kernel's defaults and its coupling rules:
 * writing ip_forward or conf.all.forwarding sets forwarding on every device (inet_forward_change).
 */
export const IPV4_CONF_DEFAULTS: Record<string, string> = {
  forwarding: '0',
  rp_filter: '0',
  accept_redirects: '1',
  send_redirects: '1',
  secure_redirects: '1',
  shared_media: '1',
  accept_local: '0',
  route_localnet: '0',
  proxy_arp: '0',
  arp_ignore: '0',
  arp_announce: '0',
  arp_filter: '0',
  arp_accept: '0',
  arp_notify: '0',
  ignore_routes_with_linkdown: '0',
  promote_secondaries: '0',
  accept_source_route: '1',
  log_martians: '0',
  disable_policy: '0',
  mc_forwarding: '0',
};

export const NS_DEFAULTS: Record<string, string> = {
  'net.ipv4.ip_forward': '0',
  'net.ipv4.icmp_echo_ignore_all': '0',
  'net.ipv4.icmp_echo_ignore_broadcasts': '1',
  'net.ipv4.icmp_ratelimit': '1000',
  'net.ipv4.icmp_ratemask': '6168',
  'net.ipv4.icmp_errors_use_inbound_ifaddr': '0',
  'net.ipv4.ip_default_ttl': '64',
  'net.ipv4.ip_local_port_range': '32768\t60999',
  'net.ipv4.ping_group_range': '0\t2147483647',
  'net.ipv4.neigh.default.gc_stale_time': '60',
  'net.ipv6.conf.all.forwarding': '0',
  'net.ipv6.conf.all.disable_ipv6': '0',
  'net.ipv6.conf.default.disable_ipv6': '0',
};

/** Values that must be integers (every key we model is numeric except the port ranges). */
export const isNumericKey = (key: string): boolean => !key.endsWith('_range');

export class Sysctls {
  private readonly values = new Map<string, string>();

  constructor() {
    for (const [k, v] of Object.entries(NS_DEFAULTS)) this.values.set(k, v);
    for (const c of ['all', 'default']) this.addConf(c);
    this.values.set('net.ipv4.conf.all.accept_source_route', '0');
  }

  /** A new device copies conf.default (devinet_copy_dflt_conf). */
  addConf(dev: string): void {
    for (const k of Object.keys(IPV4_CONF_DEFAULTS)) {
      const dflt = this.values.get(`net.ipv4.conf.default.${k}`) ?? IPV4_CONF_DEFAULTS[k];
      this.values.set(`net.ipv4.conf.${dev}.${k}`, dev === 'all' || dev === 'default' ? IPV4_CONF_DEFAULTS[k] : dflt);
    }
  }

  removeConf(dev: string): void {
    for (const k of Object.keys(IPV4_CONF_DEFAULTS)) this.values.delete(`net.ipv4.conf.${dev}.${k}`);
  }

  renameConf(from: string, to: string): void {
    for (const k of Object.keys(IPV4_CONF_DEFAULTS)) {
      const v = this.values.get(`net.ipv4.conf.${from}.${k}`);
      this.values.delete(`net.ipv4.conf.${from}.${k}`);
      if (v !== undefined) this.values.set(`net.ipv4.conf.${to}.${k}`, v);
    }
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  keys(): string[] {
    return [...this.values.keys()].sort();
  }

  /** Writes a value the way the kernel's proc handlers do, including forwarding propagation. */
  set(key: string, value: string): void {
    if (key === 'net.ipv4.ip_forward' || key === 'net.ipv4.conf.all.forwarding') {
      const on = value;
      this.values.set('net.ipv4.ip_forward', on);
      for (const k of this.values.keys()) if (/^net\.ipv4\.conf\.[^.]+\.forwarding$/.test(k)) this.values.set(k, on);
      return;
    }
    this.values.set(key, value);
  }

  /** IN_DEV_FORWARD(in_dev) */
  forwarding(dev: string): boolean {
    const v = this.values.get(`net.ipv4.conf.${dev}.forwarding`);
    return v !== undefined && v !== '0';
  }

  conf(dev: string, name: string): number {
    return Number(this.values.get(`net.ipv4.conf.${dev}.${name}`) ?? IPV4_CONF_DEFAULTS[name] ?? 0);
  }

  clone(): Sysctls {
    const c = new Sysctls();
    c.values.clear();
    for (const [k, v] of this.values) c.values.set(k, v);
    return c;
  }
}
