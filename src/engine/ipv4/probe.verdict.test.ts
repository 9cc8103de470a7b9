/**
 * A probe's verdict is data: its kind and the kernel drop reason with the place, the same whether
 * the trace is built or not, so the matrix never reads sentences.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { buildWorld } from '../../scenarios/runner';
import { probe } from './probe';

const lab = (preset: string) => buildWorld({ name: `verdict-${preset}`, preset, steps: [] });

describe('probe verdicts', () => {
  for (const trace of [true, false]) {
    describe(trace ? 'traced' : 'verdict only', () => {
      it('a reply', () => {
        expect(probe(lab('routed'), 'pod1', '10.244.2.2', { trace }).verdict).toEqual({ kind: 'reply' });
      });

      it('no route on the pinging host: connect() fails, IP_OUTNOROUTES', () => {
        expect(probe(lab('before-routes'), 'node01', '10.244.2.2', { trace }).verdict).toEqual({ kind: 'connect', errno: 'ENETUNREACH' });
      });

      it('forwarding off at the next router: a silent drop there, IP_FORWARDING_DISABLED', () => {
        const w = lab('routed');
        runCommand(w, 'node02', 'sysctl -qw net.ipv4.ip_forward=0');
        expect(probe(w, 'pod1', '10.244.2.2', { trace }).verdict).toEqual({ kind: 'dropped', reason: 'IP_FORWARDING_DISABLED', netns: 'node02', dev: 'eth0' });
      });

      it('no route at the router: an ICMP error back, with the reason and the place of the drop', () => {
        const w = lab('routed');
        expect(probe(w, 'pod1', '10.99.0.1', { trace }).verdict).toEqual({ kind: 'icmp', type: 3, code: 0, from: '10.244.1.1', drop: { reason: 'IP_INNOROUTES', netns: 'node01', dev: 'v-net-0' } });
      });

      it('bad input is refused without a packet', () => {
        expect(probe(lab('routed'), 'pod1', 'nonsense', { trace })).toMatchObject({ verdict: { kind: 'bad-input' }, summary: 'bad address nonsense' });
        expect(probe(lab('routed'), 'nobody', '10.244.2.2', { trace })).toMatchObject({ verdict: { kind: 'bad-input' }, summary: 'no host nobody' });
      });
    });
  }
});
