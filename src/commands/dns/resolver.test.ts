import { describe, expect, it } from 'vitest';
import { DnsType, Rcode, replyTo, type DnsMessage } from '../../engine/wire/dns';
import { runDnsIo, type DnsExchange, type DnsOutcome } from '../../kube/dns/io';
import { getaddrinfo, resSearch, type ResolverHost } from './resolver';

const POD_RESOLV = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';

function host(resolvConf: string, hostsFile = ''): ResolverHost & { clock: { t: number } } {
  const clock = { t: 0 };
  let id = 0;
  return { resolvConf, hostsFile, hostname: 'pod', now: () => clock.t, rnd: { id: () => ++id, cookie: () => new Uint8Array(8) }, clock };
}

/** Run a lookup against `answer` and list the questions asked ("server name type after ms"). */
function walk(h: ReturnType<typeof host>, io: Generator<DnsExchange, unknown, DnsOutcome>, answer: (x: DnsExchange) => DnsOutcome) {
  const asked: string[] = [];
  const result = runDnsIo(io, (x) => {
    asked.push(`${x.server} ${x.query.question[0].name} ${x.query.question[0].type === DnsType.A ? 'A' : x.query.question[0].type === DnsType.AAAA ? 'AAAA' : x.query.question[0].type} +${x.timeoutMs / 1000}s`);
    const out = answer(x);
    if (out.kind === 'timeout') h.clock.t += x.timeoutMs;
    return out;
  });
  return { asked, result };
}

const reply = (x: DnsExchange, rcode: number, address?: string): DnsOutcome => {
  const m: DnsMessage = replyTo(x.query, rcode);
  if (address) m.answer = [{ name: x.query.question[0].name, type: DnsType.A, class: 1, ttl: 30, data: { kind: 'A', address } }];
  return { kind: 'reply', reply: m, size: 100, rttMs: 1 };
};

/** A cluster DNS: only web.default.svc.cluster.local and google.com exist. */
const cluster = (x: DnsExchange): DnsOutcome => {
  const n = x.query.question[0].name;
  const a = x.query.question[0].type === DnsType.A;
  if (n === 'web.default.svc.cluster.local.') return reply(x, 0, a ? '10.96.0.20' : undefined);
  if (n === 'google.com.') return reply(x, 0, a ? '142.250.0.1' : undefined);
  return reply(x, Rcode.NXDOMAIN);
};

describe('the ndots:5 search walk of a pod', () => {
  it('a short name is found with the first search domain', () => {
    const h = host(POD_RESOLV);
    const { asked, result } = walk(h, getaddrinfo('web', 4, h), cluster);
    expect(asked).toEqual(['10.96.0.10 web.default.svc.cluster.local. A +5s']);
    expect(result).toMatchObject({ canonical: 'web.default.svc.cluster.local', addrs: [{ addr: '10.96.0.20' }] });
  });

  it('an outside name walks every search domain before it is asked as it is (four questions)', () => {
    const h = host(POD_RESOLV);
    const { asked } = walk(h, getaddrinfo('google.com', 4, h), cluster);
    expect(asked).toEqual([
      '10.96.0.10 google.com.default.svc.cluster.local. A +5s',
      '10.96.0.10 google.com.svc.cluster.local. A +5s',
      '10.96.0.10 google.com.cluster.local. A +5s',
      '10.96.0.10 google.com. A +5s',
    ]);
  });

  it('a name with 4 dots still walks the list; with 5 it is asked as it is first; a trailing dot asks once', () => {
    const h = host(POD_RESOLV);
    expect(walk(h, getaddrinfo('a.b.c.d.e', 4, h), cluster).asked.map((a) => a.split(' ')[1])).toEqual([
      'a.b.c.d.e.default.svc.cluster.local.', 'a.b.c.d.e.svc.cluster.local.', 'a.b.c.d.e.cluster.local.', 'a.b.c.d.e.',
    ]);
    expect(walk(h, getaddrinfo('a.b.c.d.e.f', 4, h), cluster).asked.map((a) => a.split(' ')[1])[0]).toBe('a.b.c.d.e.f.');
    const once = walk(h, getaddrinfo('nope.example.', 4, h), cluster);
    expect(once.asked).toEqual(['10.96.0.10 nope.example. A +5s']);
    expect(once.result).toEqual({ error: 'NONAME' });
  });

  it('AF_UNSPEC asks A and AAAA for each name; NODATA for one of them is no failure', () => {
    const h = host(POD_RESOLV);
    expect(walk(h, getaddrinfo('web', 0, h), cluster).asked).toEqual(['10.96.0.10 web.default.svc.cluster.local. A +5s', '10.96.0.10 web.default.svc.cluster.local. AAAA +5s']);
  });
});

describe('timeouts, attempts and nameservers (res_send)', () => {
  it('a dead nameserver: attempts × timeout, then a temporary failure after one try as it is', () => {
    const h = host('nameserver 10.96.0.10\nsearch svc.cluster.local\noptions timeout:2 attempts:3\n');
    const { asked, result } = walk(h, resSearch('web', [DnsType.A], h), () => ({ kind: 'timeout' }));
    expect(asked).toEqual(['10.96.0.10 web.svc.cluster.local. A +2s', '10.96.0.10 web.svc.cluster.local. A +2s', '10.96.0.10 web.svc.cluster.local. A +2s', '10.96.0.10 web. A +2s', '10.96.0.10 web. A +2s', '10.96.0.10 web. A +2s']);
    expect(result).toEqual({ herrno: 'TRY_AGAIN' });
  });

  it('servers in order within each attempt, later ones waiting timeout << n / count', () => {
    const h = host('nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions attempts:1\n');
    expect(walk(h, resSearch('x.example.', [DnsType.A], h), () => ({ kind: 'timeout' })).asked).toEqual([
      '10.0.0.1 x.example. A +5s', '10.0.0.2 x.example. A +3s', '10.0.0.3 x.example. A +6s',
    ]);
  });

  it('SERVFAIL asks the next server, then goes on down the search list', () => {
    const h = host('nameserver 10.0.0.1\nnameserver 10.0.0.2\nsearch a.example\noptions attempts:1\n');
    const { asked, result } = walk(h, resSearch('web', [DnsType.A], h), (x) => reply(x, Rcode.SERVFAIL));
    expect(asked.map((a) => a.split(' ').slice(0, 2).join(' '))).toEqual(['10.0.0.1 web.a.example.', '10.0.0.2 web.a.example.', '10.0.0.1 web.', '10.0.0.2 web.']);
    expect(result).toEqual({ herrno: 'TRY_AGAIN' });
  });

  it('no server at all (connection refused) stops the search at once', () => {
    const h = host('nameserver 10.0.0.1\nsearch a.example b.example\noptions attempts:1\n');
    expect(walk(h, resSearch('web', [DnsType.A], h), () => ({ kind: 'refused' })).asked).toEqual(['10.0.0.1 web.a.example. A +5s']);
  });

  it('/etc/hosts answers before DNS is asked', () => {
    const h = host(POD_RESOLV, '127.0.0.1\tlocalhost\n10.244.1.5\tweb-1\n');
    const { asked, result } = walk(h, getaddrinfo('web-1', 0, h), cluster);
    expect(asked).toEqual([]);
    expect(result).toMatchObject({ canonical: 'web-1', addrs: [{ addr: '10.244.1.5' }] });
  });

  it('a truncated reply is asked again over TCP', () => {
    const h = host('nameserver 10.0.0.1\n');
    const protos: string[] = [];
    runDnsIo(resSearch('big.example.', [DnsType.A], h), (x) => {
      protos.push(x.proto);
      const r = reply(x, 0, '10.0.0.9');
      if (r.kind === 'reply') r.reply.tc = x.proto === 'udp';
      return r;
    });
    expect(protos).toEqual(['udp', 'tcp']);
  });
});
