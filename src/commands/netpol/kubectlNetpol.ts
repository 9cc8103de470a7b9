/**
 * `kubectl netpol` — a kubectl plugin (the `kubectl-netpol` program on the PATH, which kubectl
 * runs for `kubectl netpol …`, as kubectl runs every `kubectl-NAME` plugin):
 *
 *   kubectl netpol explain SRC DST [--port N] [--protocol tcp|udp|sctp] [-n NS]
 *   kubectl netpol matrix [--port N] [--protocol tcp|udp|sctp] [-n NS]...
 *
 * SRC and DST are pods (`NAME` in -n's namespace, `NS/NAME`, `pod/NAME`) or IPv4 addresses.
 * `explain` prints the verdict of a new connection, the policies that select the source (egress)
 * and the destination (ingress), the rule that allowed each direction or the fact that none did,
 * and for a denied one the smallest change that would allow it, with the kubectl command that
 * makes it and the one that undoes it. Like `kubectl auth can-i`, it exits 0 for yes and 1 for no.
 * `matrix` prints the upstream e2e suite's truth table (`.` allowed, `X` denied) for the pods.
 */
import { Exit, type Ctx } from '../context';
import { clusterOf } from '../../kube/cluster';
import type { Protocol } from '../../kube/api/types';
import { policyViewOf } from '../../kube/netpol/cluster';
import { endpointOf, evaluate, type Connection, type Endpoint } from '../../kube/netpol/evaluate';
import { verdictText } from '../../kube/netpol/explain';
import { matrixText, policyMatrix } from '../../kube/netpol/analysis';
import { suggest } from '../../kube/netpol/suggest';
import { podKey, type PolicyView } from '../../kube/netpol/view';
import { KubectlError } from '../kubectl/errors';
import { flagValue, parseFlags, type FlagSpec, type Parsed } from '../kubectl/flags';

const SPECS: FlagSpec[] = [
  { name: 'port', short: 'p', value: true },
  { name: 'protocol', value: true },
];

const USAGE = `Usage:
  kubectl netpol explain SRC DST [--port N] [--protocol tcp|udp|sctp] [-n NAMESPACE]
  kubectl netpol matrix [--port N] [--protocol tcp|udp|sctp] [-n NAMESPACE]

SRC and DST are pods (NAME, NAMESPACE/NAME, pod/NAME) or IPv4 addresses.
`;

function endpoint(view: PolicyView, arg: string, ns: string): Endpoint {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(arg)) return endpointOf(view, arg);
  const bare = arg.replace(/^(pods?|po)\//, '');
  const [pns, name] = bare.includes('/') ? bare.split('/', 2) : [ns, bare];
  const pod = view.pod(pns, name);
  if (!pod) throw new KubectlError(`Error from server (NotFound): pods "${name}" not found${bare.includes('/') || pns !== 'default' ? ` in namespace "${pns}"` : ''}\n`);
  return { kind: 'pod', pod };
}

function portAndProtocol(p: Parsed): { port: number; protocol: Protocol } {
  const portText = flagValue(p, 'port') ?? '80';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new KubectlError(`error: invalid port "${portText}": must be between 1 and 65535\n`);
  const proto = (flagValue(p, 'protocol') ?? 'tcp').toUpperCase();
  if (proto !== 'TCP' && proto !== 'UDP' && proto !== 'SCTP') throw new KubectlError(`error: invalid protocol "${flagValue(p, 'protocol')}": must be tcp, udp or sctp\n`);
  return { port, protocol: proto };
}

const label = (e: Endpoint): string => (e.kind === 'pod' ? `${podKey(e.pod)} (${e.pod.ip})` : e.ip);

function explain(ctx: Ctx, view: PolicyView, p: Parsed): number {
  if (p.args.length !== 2) throw new KubectlError(`error: explain needs a source and a destination\n${USAGE}`);
  const ns = flagValue(p, 'namespace') ?? 'default';
  const { port, protocol } = portAndProtocol(p);
  const c: Connection = { src: endpoint(view, p.args[0], ns), dst: endpoint(view, p.args[1], ns), port, protocol };
  const v = evaluate(view, c);
  const out: string[] = [`${label(c.src)} -> ${label(c.dst)} ${protocol}/${port}: ${v.allowed ? 'allowed' : 'denied'}`];
  for (const line of verdictText(v)) out.push(`  ${line.replace('→', '->')}`);
  const fixes = suggest(view, c);
  if (fixes.length) {
    out.push('To allow it:');
    for (const s of fixes) {
      out.push(`  ${s.text}`);
      out.push(`    ${s.command}`);
      if (s.manifest) out.push(...s.manifest.split('\n').map((l) => `      ${l}`));
      out.push(`    undo: ${s.undo}`);
    }
  }
  ctx.out.push(out.join('\n') + '\n');
  return v.allowed ? 0 : 1;
}

function matrix(ctx: Ctx, view: PolicyView, p: Parsed): number {
  const { port, protocol } = portAndProtocol(p);
  ctx.out.push(`${protocol}/${port}\n${matrixText(policyMatrix(view, port, protocol, p.flags.get('namespace')))}\n`);
  return 0;
}

export function kubectlNetpol(ctx: Ctx, argv: string[]): void {
  const cluster = clusterOf(ctx.world);
  let code = 0;
  try {
    if (!cluster || !cluster.isNode(ctx.ns.name)) throw new KubectlError('The connection to the server localhost:8080 was refused - did you specify the right host or port?\n');
    const [sub, ...rest] = argv;
    if (sub !== 'explain' && sub !== 'matrix') throw new KubectlError(sub === undefined || sub === '-h' || sub === '--help' ? USAGE : `error: unknown command "${sub}" for "kubectl netpol"\n${USAGE}`);
    const specs = sub === 'matrix' ? [...SPECS, { name: 'namespace', short: 'n', value: true, multi: true }] : SPECS;
    const p = parseFlags(rest, specs, `netpol ${sub}`);
    const view = policyViewOf(cluster.store);
    code = sub === 'explain' ? explain(ctx, view, p) : matrix(ctx, view, p);
  } catch (e) {
    if (!(e instanceof KubectlError)) throw e;
    ctx.err.push(e.text);
    code = e.code;
  }
  if (code !== 0) throw new Exit(code);
}
