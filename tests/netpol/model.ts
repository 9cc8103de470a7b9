/**
 * The upstream NetworkPolicy e2e model (kubernetes test/e2e/network/netpol: model.go,
 * kubemanager.go, probe.go) as scenario steps on the `cluster` preset: namespaces x, y, z, pods
 * a, b, c in each (label `pod=<name>`; a on node01, b on node02, c on node03, so pairs on one node
 * and across nodes both occur), one agnhost serve-hostname container per port × protocol
 * (`cont-80-tcp` … with ports named `serve-80-tcp` …), and a Service `s-<ns>-<pod>` per pod with a
 * fixed ClusterIP. A probe is what upstream's probeConnectivity runs: `kubectl exec POD -c
 * cont-80-tcp -n NS -- /agnhost connect SERVICE_IP:PORT --timeout=1s --protocol=tcp|udp`; exit 0
 * is "connected".
 */
import type { Scenario, Step } from '../../src/scenarios/scenario';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
export const PORTS = [80, 81] as const;
export const PROTOCOLS = ['TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** every pod as `ns/name`, in upstream's order */
export const POD_STRINGS = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

export const serviceIp = (podString: string): string => {
  const [ns, pod] = podString.split('/');
  return `10.96.${NAMESPACES.indexOf(ns as never) + 1}.${PODS.indexOf(pod as never) + 10}`;
};

const container = (port: number, proto: Protocol) => `  - name: cont-${port}-${proto.toLowerCase()}
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    command: [/agnhost, serve-hostname, --${proto.toLowerCase()}, --http=false, --port, "${port}"]
    ports: [{containerPort: ${port}, name: serve-${port}-${proto.toLowerCase()}, protocol: ${proto}}]
`;

function modelManifests(): string {
  const docs: string[] = [];
  for (const ns of NAMESPACES) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`);
  for (const ns of NAMESPACES)
    for (const [i, pod] of PODS.entries()) {
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata: {name: ${pod}, namespace: ${ns}, labels: {pod: ${pod}}}\nspec:\n  nodeName: node0${i + 1}\n  containers:\n${PORTS.flatMap((p) => PROTOCOLS.map((proto) => container(p, proto))).join('')}`);
      const ports = PORTS.flatMap((p) => PROTOCOLS.map((proto) => `  - {name: service-port-${proto.toLowerCase()}-${p}, protocol: ${proto}, port: ${p}}\n`)).join('');
      docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: s-${ns}-${pod}, namespace: ${ns}}\nspec:\n  clusterIP: ${serviceIp(`${ns}/${pod}`)}\n  selector: {pod: ${pod}}\n  ports:\n${ports}`);
    }
  return docs.join('---\n');
}

/** The cluster's setup: the model's objects, applied and waited for. */
export function setupSteps(): Step[] {
  return [
    { on: 'node01', run: 'kubectl apply -f -', stdin: modelManifests() },
    ...NAMESPACES.map((ns) => ({ on: 'node01', run: `kubectl wait --for=condition=Ready pod --all -n ${ns} --timeout=60s` })),
  ];
}

export const probeLine = (from: string, to: string, port: number, proto: Protocol): string => {
  const [ns, pod] = from.split('/');
  return `kubectl exec ${pod} -c cont-80-tcp -n ${ns} -- /agnhost connect ${serviceIp(to)}:${port} --timeout=1s --protocol=${proto.toLowerCase()}`;
};

/** Every pod probing every pod on one port and protocol (upstream's ProbePodToPodConnectivity). */
export function probeSteps(port: number, proto: Protocol): Step[] {
  return POD_STRINGS.flatMap((from) => POD_STRINGS.map((to) => ({ on: `node0${PODS.indexOf(from.split('/')[1] as never) + 1}`, run: probeLine(from, to, port, proto) })));
}

const PROBE_RE = /^kubectl exec (\S+) -c \S+ -n (\S+) -- \/agnhost connect ([\d.]+):(\d+) --timeout=\S+ --protocol=(tcp|udp)$/;

export interface ObservedTable {
  port: number;
  protocol: Protocol;
  /** "from>to" → connected */
  cells: Map<string, boolean>;
  /** what the failed probes printed, by cell */
  errors: Map<string, string>;
}

/** The observed truth tables of a run, in order: a new table starts when the port changes or a cell comes again. */
export function observed(results: { run: string; exit: number; stderr: string }[]): ObservedTable[] {
  const byIp = new Map(POD_STRINGS.map((p) => [serviceIp(p), p]));
  const tables: ObservedTable[] = [];
  for (const r of results) {
    const m = PROBE_RE.exec(r.run);
    if (!m) continue;
    const port = Number(m[4]);
    const protocol = m[5].toUpperCase() as Protocol;
    const cell = `${m[2]}/${m[1]}>${byIp.get(m[3])}`;
    let t = tables.at(-1);
    if (!t || t.port !== port || t.protocol !== protocol || t.cells.has(cell)) tables.push((t = { port, protocol, cells: new Map(), errors: new Map() }));
    t.cells.set(cell, r.exit === 0);
    if (r.exit !== 0) t.errors.set(cell, r.stderr);
  }
  return tables;
}

/** A scenario: the model, then each stage's commands (policies applied, changed, deleted) and its probes. */
export function modelScenario(name: string, description: string, stages: { steps: Step[]; probes: [number, Protocol][] }[]): Scenario {
  return {
    name,
    description,
    preset: 'cluster',
    steps: [...setupSteps(), ...stages.flatMap((s) => [...s.steps, ...s.probes.flatMap(([port, proto]) => probeSteps(port, proto))])],
  };
}
