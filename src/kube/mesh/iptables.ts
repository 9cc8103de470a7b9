/**
 * What istio-init's `istio-iptables` writes into a pod's network namespace (REDIRECT mode, no DNS
 * capture): the rules of tools/istio-iptables/pkg/capture/run.go, in the order its rule builder
 * emits them, as the iptables-restore input it hands the kernel. The sidecar injector turns the
 * pod's `traffic.sidecar.istio.io/*` annotations into these flags.
 */

/** The flags istio-init runs with (`istio-iptables -p 15001 -z 15006 -u 1337 -m REDIRECT -i '*' -x "" -b '*' -d 15090,15021,15020`). */
export interface CaptureConfig {
  /** -p: the outbound listener (ENVOY_PORT) */
  proxyPort: number;
  /** -z: the inbound capture port */
  inboundCapturePort: number;
  /** -u / -g: whose traffic is never captured */
  proxyUid: string;
  proxyGid: string;
  /** -i / -x: outbound IP ranges captured ('*' all) and excluded */
  outboundIpRangesInclude: string;
  outboundIpRangesExclude: string;
  /** -b / -d: inbound ports captured ('*' all) and excluded */
  inboundPortsInclude: string;
  inboundPortsExclude: string;
  /** -o / -q: outbound ports excluded and (besides the ranges) included */
  outboundPortsExclude: string;
  outboundPortsInclude: string;
}

/** The inbound tunnel (HBONE) port, never captured. */
export const INBOUND_TUNNEL_PORT = 15008;
const LOOPBACK = '127.0.0.1/32';
/** Envoy's inbound passthrough binds this address: its connections to the app are never captured */
export const INBOUND_PASSTHROUGH_SRC = '127.0.0.6';

const split = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** Parse istio-iptables' command line (the injected istio-init container's args). */
export function parseCaptureArgs(args: readonly string[]): CaptureConfig {
  const c: CaptureConfig = {
    proxyPort: 15001,
    inboundCapturePort: 15006,
    proxyUid: '1337',
    proxyGid: '',
    outboundIpRangesInclude: '',
    outboundIpRangesExclude: '',
    inboundPortsInclude: '',
    inboundPortsExclude: '',
    outboundPortsExclude: '',
    outboundPortsInclude: '',
  };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1] ?? '';
    switch (args[i]) {
      case '-p':
        c.proxyPort = Number(v);
        break;
      case '-z':
        c.inboundCapturePort = Number(v);
        break;
      case '-u':
        c.proxyUid = v;
        break;
      case '-g':
        c.proxyGid = v;
        break;
      case '-i':
        c.outboundIpRangesInclude = v;
        break;
      case '-x':
        c.outboundIpRangesExclude = v;
        break;
      case '-b':
        c.inboundPortsInclude = v;
        break;
      case '-d':
        c.inboundPortsExclude = v;
        break;
      case '-o':
        c.outboundPortsExclude = v;
        break;
      case '-q':
        c.outboundPortsInclude = v;
        break;
      default:
        continue;
    }
    i++;
  }
  // the GID defaults to the UID (config.go)
  if (c.proxyGid === '') c.proxyGid = c.proxyUid;
  return c;
}

/** The nat rules, as `-A CHAIN …` argument lists in the builder's order. */
export function captureRules(c: CaptureConfig): string[] {
  const rules: string[] = [];
  const A = (chain: string, ...args: string[]) => rules.push(['-A', chain, ...args].join(' '));
  A('ISTIO_INBOUND', '-p tcp --dport', String(INBOUND_TUNNEL_PORT), '-j RETURN');
  A('ISTIO_REDIRECT', '-p tcp -j REDIRECT --to-ports', String(c.proxyPort));
  A('ISTIO_IN_REDIRECT', '-p tcp -j REDIRECT --to-ports', String(c.inboundCapturePort));
  if (c.inboundPortsInclude !== '') {
    A('PREROUTING', '-p tcp -j ISTIO_INBOUND');
    if (c.inboundPortsInclude === '*') {
      for (const p of split(c.inboundPortsExclude)) A('ISTIO_INBOUND', '-p tcp --dport', p, '-j RETURN');
      A('ISTIO_INBOUND', '-p tcp -j ISTIO_IN_REDIRECT');
    } else for (const p of split(c.inboundPortsInclude)) A('ISTIO_INBOUND', '-p tcp --dport', p, '-j ISTIO_IN_REDIRECT');
  }
  A('OUTPUT', '-j ISTIO_OUTPUT');
  for (const p of split(c.outboundPortsExclude)) {
    A('ISTIO_OUTPUT', '-p tcp --dport', p, '-j RETURN');
    A('ISTIO_OUTPUT', '-p udp --dport', p, '-j RETURN');
  }
  A('ISTIO_OUTPUT', `-o lo -s ${INBOUND_PASSTHROUGH_SRC}/32 -j RETURN`);
  const includesLoopback = split(c.outboundIpRangesInclude).some((r) => r.startsWith('127.'));
  for (const [flag, ids] of [['--uid-owner', c.proxyUid], ['--gid-owner', c.proxyGid]] as const) {
    for (const id of split(ids)) {
      A('ISTIO_OUTPUT', `-o lo ! -d ${LOOPBACK} -p tcp ! --dport ${INBOUND_TUNNEL_PORT} -m owner ${flag} ${id} -j ISTIO_IN_REDIRECT`);
      if (!includesLoopback) A('ISTIO_OUTPUT', `-o lo -m owner ! ${flag} ${id} -j RETURN`);
      A('ISTIO_OUTPUT', `-m owner ${flag} ${id} -j RETURN`);
    }
  }
  A('ISTIO_OUTPUT', `-d ${LOOPBACK} -j RETURN`);
  for (const cidr of split(c.outboundIpRangesExclude)) A('ISTIO_OUTPUT', `-d ${cidr} -j RETURN`);
  for (const p of split(c.outboundPortsInclude)) A('ISTIO_OUTPUT', `-p tcp --dport ${p} -j ISTIO_REDIRECT`);
  if (c.outboundIpRangesInclude === '*') A('ISTIO_OUTPUT', '-j ISTIO_REDIRECT');
  else for (const cidr of split(c.outboundIpRangesInclude)) A('ISTIO_OUTPUT', `-d ${cidr} -j ISTIO_REDIRECT`);
  return rules;
}

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING', 'FORWARD']);

/** The iptables-restore input (BuildV4Restore): the table, its new chains in order of first use, the rules, COMMIT. */
export function captureRestore(c: CaptureConfig): string {
  const rules = captureRules(c);
  const chains: string[] = [];
  for (const r of rules) {
    const chain = r.split(' ')[1];
    if (!BUILTIN.has(chain) && !chains.includes(chain)) chains.push(chain);
  }
  return ['* nat', ...chains.map((ch) => `-N ${ch}`), ...rules, 'COMMIT', ''].join('\n');
}
