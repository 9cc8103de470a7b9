/**
 * The agent's rules on real packets: pods on one node (through the bridge, br_netfilter calling
 * iptables) and on two nodes, TCP and UDP, ingress and egress; replies and established flows pass
 * by conntrack; the trace names the policies and its fix is a policy change that works.
 */
import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand, startJob } from '../../commands/job';
import { Verdict } from '../../engine/sim/trace';
import type { Pod } from '../api/types';
import { podManifest, policyManifest } from './testManifests';

vi.setConfig({ testTimeout: 60_000 });

const pod = podManifest;
const policy = policyManifest;

function cluster() {
  const world = new World();
  world.machines = true;
  const c = bootCluster(world);
  const sh = (on: string, line: string, stdin?: string) => runCommand(world, on, line, { stdin, shell: 'sh' });
  sh('node01', 'kubectl create namespace x');
  sh('node01', 'kubectl apply -f -', [pod('x', 'a', 'node01'), pod('x', 'b', 'node01'), pod('x', 'c', 'node02')].join('---\n'));
  const ip = (n: string) => c.store.get<Pod>('Pod', 'x', n)!.status!.podIP!;
  const netns = (n: string) => c.runtime.get(c.store.get<Pod>('Pod', 'x', n)!.metadata.uid!)!.netns;
  const nodeOf = (n: string) => c.store.get<Pod>('Pod', 'x', n)!.spec.nodeName!;
  // a server in the pod's netns (from its node, which can name the sandbox), and a probe from another pod
  const serve = (n: string, args: string) => {
    startJob(world, nodeOf(n), `ip netns exec ${netns(n)} ${args}`, { shell: 'sh' });
    world.advance(10);
  };
  const probe = (from: string, to: string, port = 80, proto = 'tcp') => sh(nodeOf(from), `kubectl exec -n x ${from} -- /agnhost connect ${ip(to)}:${port} --timeout=1s --protocol=${proto}`);
  return { world, sh, ip, serve, probe };
}

describe('NetworkPolicy on real packets', () => {
  it('drops and allows between pods of one node and of two nodes, TCP and UDP, and follows policy changes', () => {
    const { sh, serve, probe } = cluster();
    serve('a', 'agnhost netexec --http-port=80 --udp-port=81');
    expect(probe('b', 'a').exit).toBe(0);
    expect(probe('c', 'a').exit).toBe(0);
    expect(probe('c', 'a', 81, 'udp').exit).toBe(0);

    expect(sh('node01', 'kubectl apply -f -', policy('x', 'deny-all', '{podSelector: {}}')).exit).toBe(0);
    expect(probe('b', 'a')).toMatchObject({ exit: 1, stderr: 'TIMEOUT\ncommand terminated with exit code 1\n' });
    expect(probe('c', 'a').exit).toBe(1);
    expect(probe('c', 'a', 81, 'udp').stderr).toMatch(/^TIMEOUT: read udp/);

    // one rule for c on TCP 80 only
    expect(sh('node01', 'kubectl apply -f -', policy('x', 'allow-c', '{podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}], ports: [{port: 80}]}]}')).exit).toBe(0);
    expect(probe('c', 'a').exit).toBe(0);
    expect(probe('c', 'a', 81, 'udp').exit).toBe(1);
    expect(probe('b', 'a').exit).toBe(1);

    // c loses the label the rule names: the rule no longer admits it
    expect(sh('node01', 'kubectl label pod c -n x pod=d --overwrite').exit).toBe(0);
    expect(probe('c', 'a').exit).toBe(1);
    expect(sh('node01', 'kubectl delete netpol deny-all allow-c -n x').exit).toBe(0);
    expect(probe('b', 'a').exit).toBe(0);
  });

  it('isolates egress: only what a rule names leaves the pod; replies of allowed connections come back', () => {
    const { sh, serve, probe } = cluster();
    serve('a', 'agnhost netexec --http-port=80 --udp-port=81');
    serve('c', 'agnhost netexec --http-port=80 --udp-port=81');
    expect(sh('node01', 'kubectl apply -f -', policy('x', 'b-out', '{podSelector: {matchLabels: {pod: b}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {pod: c}}}]}]}')).exit).toBe(0);
    expect(probe('b', 'c').exit).toBe(0);
    expect(probe('b', 'c', 81, 'udp').exit).toBe(0);
    expect(probe('b', 'a').exit).toBe(1);
    // b's ingress is not isolated: a reaches it, and the reply to a leaves b although egress is isolated (conntrack)
    serve('b', 'agnhost netexec --http-port=80 --udp-port=81');
    expect(probe('a', 'b').exit).toBe(0);
    expect(probe('c', 'b', 81, 'udp').exit).toBe(0);
  });

  it('keeps a flow conntrack already knows after a policy denies new ones, until its entry times out', () => {
    const { world, sh, ip, serve, probe } = cluster();
    serve('a', 'agnhost netexec --http-port=80 --udp-port=81');
    const nodeOfC = 'node02';
    // one UDP flow from a fixed source port: the same 5-tuple each time
    const flow = () => sh(nodeOfC, `kubectl exec -n x c -- nc -u -p 40000 -w 1 ${ip('a')} 81`, 'hostname\n');
    expect(flow().stdout).toBe('a');
    expect(sh('node01', 'kubectl apply -f -', policy('x', 'deny-all', '{podSelector: {}}')).exit).toBe(0);
    expect(probe('c', 'a', 81, 'udp').exit).toBe(1);
    expect(flow().stdout).toBe('a');
    // a UDP flow answered and still active after 2 s is a stream (nf_conntrack_udp_timeout_stream,
    // 120 s): once that passes without a packet the entry is gone, and the flow is new again
    world.advance(121_000);
    expect(flow().stdout).toBe('');
  });

  it('names the deciding policies in the trace and offers a policy change as the fix, which works', () => {
    const { sh, serve, probe } = cluster();
    serve('a', 'agnhost netexec --http-port=80 --udp-port=81');
    sh('node01', 'kubectl apply -f -', policy('x', 'deny-all', '{podSelector: {}}') + '---\n' + policy('x', 'allow-c', '{podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}]}]}'));
    const denied = probe('b', 'a');
    const drop = denied.trace.find((e) => e.verdict === Verdict.NETFILTER_DROP)!;
    expect(drop.text).toMatch(/dropped by filter KUBE-POD-IN-\S+ rule \d+: x\/a ingress: isolated by policies x\/allow-c, x\/deny-all; no rule matched → DROP$/);
    expect(drop.fix).toEqual({
      text: 'add peer x/pod=b to policy x/allow-c ingress rule 1',
      on: 'node01',
      run: `kubectl patch networkpolicy allow-c -n x --type=json -p '[{"op":"add","path":"/spec/ingress/0/from/-","value":{"podSelector":{"matchLabels":{"pod":"b"}}}}]'`,
    });
    expect(denied.trace.some((e) => e.fix?.run.startsWith('iptables'))).toBe(false);
    expect(sh(drop.fix!.on, drop.fix!.run).exit).toBe(0);
    const allowed = probe('b', 'a');
    expect(allowed.exit).toBe(0);
    // the rule that let it through, by its comment: the peer just added
    expect(allowed.trace.some((e) => e.verdict === Verdict.NF_RULE && e.text.includes('"x/allow-c ingress rule 1: any port from x/pod=b"'))).toBe(true);

    // an egress drop with no rule to extend: a new policy, piped to kubectl apply
    sh('node01', 'kubectl apply -f -', policy('x', 'c-out', '{podSelector: {matchLabels: {pod: c}}, policyTypes: [Egress]}'));
    const egress = probe('c', 'a');
    const eg = egress.trace.find((e) => e.verdict === Verdict.NETFILTER_DROP)!;
    expect(eg.text).toMatch(/x\/c egress: isolated by policy x\/c-out; no rule matched → DROP$/);
    expect(eg.fix!.run).toMatch(/^echo '\{"apiVersion":"networking.k8s.io\/v1","kind":"NetworkPolicy",.*\}' \| kubectl apply -f -$/);
    expect(sh(eg.fix!.on, eg.fix!.run).exit).toBe(0);
    expect(probe('c', 'a').exit).toBe(0);
  });
});
