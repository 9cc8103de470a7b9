/**
 * What a container listens on follows from its image and command, as in a real cluster: the e2e
 * image agnhost (`netexec`, `serve-hostname`, `pause`), nginx and httpd on 80, CoreDNS, `nc -l` and
 * `python3 -m http.server` as commands; any other image listens on its declared containerPorts
 * and answers as netexec does.
 */
import type { Container, Pod } from '../api/types';
import type { Listener } from './runtime';

/** Docker's reference normalisation: `nginx` is `docker.io/library/nginx:latest`. */
export function normalizeImage(image: string): string {
  let ref = image;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.slice(lastSlash + 1).includes(':') && !ref.includes('@')) ref += ':latest';
  const first = ref.split('/')[0];
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
  return ref;
}

/** the image's repository name without registry and tag: `agnhost`, `nginx` */
const imageName = (image: string | undefined): string => {
  const s = (image ?? '').split('@')[0];
  const last = s.slice(s.lastIndexOf('/') + 1);
  return last.split(':')[0];
};

/** The words a container runs: command and args, with `sh -c "..."` opened up. */
function argvOf(c: Container): string[] {
  const words = [...(c.command ?? []), ...(c.args ?? [])];
  const i = words.findIndex((w) => w === '-c');
  if (i > 0 && /(^|\/)(ba)?sh$/.test(words[0]) && words[i + 1] !== undefined) return words[i + 1].split(/\s+/).filter(Boolean);
  return words;
}

/** `--flag=value` or `--flag value` */
function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}` || a === `-${name}`) return argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') ? argv[i + 1] : 'true';
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    if (a.startsWith(`-${name}=`)) return a.slice(name.length + 2);
  }
  return undefined;
}

const num = (v: string | undefined, d: number): number => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : d);

function agnhost(c: Container, argv: string[]): Listener[] {
  const sub = argv.find((w) => ['netexec', 'serve-hostname', 'pause', 'connect', 'porter'].includes(w));
  const L = (protocol: 'TCP' | 'UDP', port: number, server: Listener['server']): Listener => ({ protocol, port, container: c.name, server });
  if (sub === 'netexec') {
    const out: Listener[] = [];
    const http = num(flag(argv, 'http-port'), 8080);
    const udp = num(flag(argv, 'udp-port'), 8081);
    if (http > 0) out.push(L('TCP', http, 'netexec-http'));
    if (udp > 0) out.push(L('UDP', udp, 'netexec-udp'));
    return out;
  }
  if (sub === 'serve-hostname') {
    const port = num(flag(argv, 'port'), 9376);
    const tcp = flag(argv, 'tcp') === 'true';
    const udp = flag(argv, 'udp') === 'true';
    const http = flag(argv, 'http') !== 'false';
    if (tcp) return [L('TCP', port, 'serve-hostname-tcp')];
    if (udp) return [L('UDP', port, 'serve-hostname-udp')];
    return http ? [L('TCP', port, 'serve-hostname-http')] : [];
  }
  if (sub === 'pause' || sub === 'connect') return [];
  return declared(c);
}

/** outbound 15001, inbound 15006, admin 15000, health 15021, merged metrics 15020, Envoy's metrics 15090 */
const ENVOY_PORTS = [15001, 15006, 15000, 15021, 15020, 15090];

const declared = (c: Container): Listener[] => (c.ports ?? []).map((p) => ({ protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP', port: p.containerPort, container: c.name, server: 'declared' }));

/** `nc -l -p N`, `nc -lk N`, `nc -lu -p N`; `python3 -m http.server [N]` */
function commandListeners(c: Container, argv: string[]): Listener[] | undefined {
  const prog = (argv[0] ?? '').split('/').pop();
  if (prog === 'nc' || prog === 'ncat' || prog === 'netcat') {
    const opts = argv.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
    if (!opts.includes('l')) return [];
    const p = flag(argv, 'p') ?? argv.slice(1).filter((a) => /^\d+$/.test(a)).pop();
    if (p === undefined) return [];
    return [{ protocol: opts.includes('u') ? 'UDP' : 'TCP', port: Number(p), container: c.name, server: 'nc', keepOpen: opts.includes('k') }];
  }
  if (/^python3?$/.test(prog ?? '') && argv[1] === '-m' && argv[2] === 'http.server') {
    const p = argv.slice(3).find((a) => /^\d+$/.test(a));
    return [{ protocol: 'TCP', port: p ? Number(p) : 8000, container: c.name, server: 'python-http' }];
  }
  return undefined;
}

export function containerListeners(c: Container): Listener[] {
  const argv = argvOf(c);
  const fromCommand = argv.length ? commandListeners(c, argv) : undefined;
  if (fromCommand) return fromCommand;
  const name = imageName(c.image);
  if (name === 'agnhost') return agnhost(c, argv);
  if (name === 'pause') return [];
  // Istio's proxy image: the sidecar (Envoy's listeners and the agent's ports) or istio-init (nothing)
  if (name === 'proxyv2') return argv[0] === 'proxy' ? ENVOY_PORTS.map((port) => ({ protocol: 'TCP', port, container: c.name, server: 'envoy' })) : [];
  if (name === 'nginx' || name === 'httpd') return [{ protocol: 'TCP', port: 80, container: c.name, server: name }];
  if (name === 'coredns')
    return [
      { protocol: 'UDP', port: 53, container: c.name, server: 'coredns' },
      { protocol: 'TCP', port: 53, container: c.name, server: 'coredns' },
      { protocol: 'TCP', port: 9153, container: c.name, server: 'coredns-metrics' },
      { protocol: 'TCP', port: 8080, container: c.name, server: 'coredns-health' },
      { protocol: 'TCP', port: 8181, container: c.name, server: 'coredns-ready' },
    ];
  return declared(c);
}

export const podListeners = (pod: Pod): Listener[] => (pod.spec.containers ?? []).flatMap(containerListeners);

/**
 * Does the container's main process end on SIGTERM? Go programs (agnhost, CoreDNS), nginx and
 * httpd do; a shell, `sleep`, `nc` or python as PID 1 have no handler and PID 1 ignores the
 * signal, so the kubelet waits out the grace period and kills them.
 */
export function exitsOnSigterm(c: Container): boolean {
  const argv = argvOf(c);
  if (argv.length) {
    const prog = (argv[0] ?? '').split('/').pop() ?? '';
    if (['sh', 'bash', 'sleep', 'nc', 'ncat', 'netcat', 'python', 'python3', 'tail'].includes(prog)) return false;
  }
  return true;
}
