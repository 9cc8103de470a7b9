import { describe, expect, it } from 'vitest';
import { captureRules, parseCaptureArgs } from './iptables';

const DEFAULT_ARGS = ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];

describe('istio-iptables (REDIRECT mode)', () => {
  it("writes the injector's default capture as run.go orders it", () => {
    const r = captureRules(parseCaptureArgs(DEFAULT_ARGS));
    expect(r.slice(0, 4)).toEqual([
      '-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN',
      '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
      '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
      '-A PREROUTING -p tcp -j ISTIO_INBOUND',
    ]);
    expect(r.filter((x) => x.includes('--gid-owner 1337')).length).toBe(3);
    expect(r.at(-1)).toBe('-A ISTIO_OUTPUT -j ISTIO_REDIRECT');
  });

  it('captures only the listed inbound ports and outbound ranges when told so', () => {
    const r = captureRules(parseCaptureArgs(['-p', '15001', '-z', '15006', '-u', '1337', '-i', '10.96.0.0/12', '-x', '10.96.0.1/32', '-b', '9080', '-o', '3306']));
    expect(r).toContain('-A ISTIO_INBOUND -p tcp --dport 9080 -j ISTIO_IN_REDIRECT');
    expect(r).toContain('-A ISTIO_OUTPUT -p udp --dport 3306 -j RETURN');
    expect(r.slice(-2)).toEqual(['-A ISTIO_OUTPUT -d 10.96.0.1/32 -j RETURN', '-A ISTIO_OUTPUT -d 10.96.0.0/12 -j ISTIO_REDIRECT']);
  });
});
