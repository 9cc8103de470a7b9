import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastOf, formatIpv4, formatPrefix, inPrefix, networkOf, parseDottedQuad, parseInetAton, parseIpv4, parsePrefix, prefixMask } from './ipv4';

const ip = (t: string) => {
  const a = parseIpv4(t);
  return a === null ? null : formatIpv4(a);
};
const aton = (t: string) => {
  const a = parseInetAton(t);
  return a === null ? null : formatIpv4(a);
};

describe('parseIpv4: iproute2 get_addr_ipv4(), answers checked against `ip route get` on Linux', () => {
  it.each([
    ['10.244.2.2', '10.244.2.2'],
    ['10.1', '10.1.0.0'], // missing parts are zero bytes at the end
    ['127.1', '127.1.0.0'],
    ['127.0.1', '127.0.1.0'],
    ['010.0.0.1', '8.0.0.1'], // a leading 0 means octal
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.1.0.0'], // 0x means hex
    ['127.0.0.0x1', '127.0.0.1'],
    ['+127.0.0.1', '127.0.0.1'], // strtoul takes a sign and leading blanks
    [' 127.0.0.1', '127.0.0.1'],
    ['-0.1.2.3', '0.1.2.3'],
    ['0', '0.0.0.0'],
  ])('%s is %s', (text, want) => expect(ip(text)).toBe(want));

  it.each(['127.0.0.1.', '1..2', '0x', '08.1.1.1', '4294967295', '1e1.0.0.1', '256.0.0.1', '1.2.3.4.5', '', '-1.2.3.4', '1.2.3.4 ', 'abc', '10.244.2.2/24'])('rejects %j', (text) => {
    expect(parseIpv4(text)).toBeNull();
  });
});

describe('parseInetAton: glibc inet_aton(), as ping reads its target (checked with iputils ping)', () => {
  it.each([
    ['127.1', '127.0.0.1'], // the last part fills the remaining bytes: unlike iproute2
    ['10.1', '10.0.0.1'],
    ['127.1.1', '127.1.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.000.000.001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'], // one 32-bit number
    ['10.244.2.2', '10.244.2.2'],
  ])('%s is %s', (text, want) => expect(aton(text)).toBe(want));

  it.each(['127.0.0.1.', '08.0.0.1', '+127.0.0.1', '1.2.3.4.5', '256.1', '1.16777216', '4294967296', '', 'node02'])('rejects %j', (text) => {
    expect(parseInetAton(text)).toBeNull();
  });

  it('agrees with iproute2 on every full dotted quad', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), (b) => {
        const t = b.join('.');
        expect(parseInetAton(t)).toBe(parseIpv4(t));
        expect(parseDottedQuad(t)).toBe(parseIpv4(t));
        expect(formatIpv4(parseIpv4(t)!)).toBe(t);
      }),
      { seed: 4, numRuns: 500 },
    );
  });
});

describe('prefixes', () => {
  it('parses "default", "any", "all" and A.B.C.D[/N]', () => {
    expect(parsePrefix('default')).toEqual({ addr: 0, plen: 0 });
    expect(parsePrefix('all')).toEqual({ addr: 0, plen: 0 });
    expect(parsePrefix('10.244.2.2')).toEqual({ addr: parseIpv4('10.244.2.2'), plen: 32 });
    expect(parsePrefix('10.244/16')).toEqual({ addr: parseIpv4('10.244.0.0'), plen: 16 });
    expect(parsePrefix('default', false)).toBeNull();
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/-1', '/24']) expect(parsePrefix(bad), bad).toBeNull();
  });

  it('network, broadcast and membership for every prefix length', () => {
    const a = parseIpv4('10.244.2.130')!;
    expect(formatIpv4(networkOf(a, 24))).toBe('10.244.2.0');
    expect(formatIpv4(broadcastOf(a, 24))).toBe('10.244.2.255');
    expect(formatIpv4(networkOf(a, 25))).toBe('10.244.2.128');
    expect(formatIpv4(networkOf(a, 0))).toBe('0.0.0.0');
    expect(formatIpv4(broadcastOf(a, 32))).toBe('10.244.2.130');
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(32)).toBe(0xffffffff);
    expect(formatPrefix(a, 32)).toBe('10.244.2.130');
    expect(formatPrefix(networkOf(a, 16), 16)).toBe('10.244.0.0/16');
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (x, y, l) => {
        const net = networkOf(x, l);
        expect(inPrefix(x, net, l)).toBe(true);
        expect(inPrefix(broadcastOf(x, l), net, l)).toBe(true);
        // membership is the same as comparing the top l bits
        expect(inPrefix(y, net, l)).toBe(l === 0 || x >>> (32 - l) === y >>> (32 - l));
      }),
      { seed: 5, numRuns: 1000 },
    );
  });
});
