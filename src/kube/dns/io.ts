/**
 * DNS conversations without I/O: resolvers and servers are coroutines that yield the exchanges
 * they want made (send this query to that server over UDP or TCP, wait this long) and are resumed
 * with what happened (a reply, silence, a refusal). Whoever drives them supplies the network: the
 * engine's sockets in a lab, a table of servers in a unit test. So the same resolver code runs in
 * a pod's `getent`, in `dig`, and in CoreDNS's `forward` plugin, and the trace shows each packet.
 */
import type { DnsMessage } from '../../engine/wire/dns';

export interface DnsExchange {
  /** the server's address and port */
  server: string;
  port: number;
  proto: 'udp' | 'tcp';
  query: DnsMessage;
  /** how long to wait for the reply, in virtual milliseconds */
  timeoutMs: number;
}

/**
 * How an exchange ended. `refused`: the server's host answered with ICMP port unreachable (UDP)
 * or a reset (TCP). `unreachable`: the query could not even be sent (no route: connect() failed
 * with `error`, e.g. "Network is unreachable").
 */
export type DnsOutcome =
  | { kind: 'reply'; reply: DnsMessage; /** bytes on the wire */ size: number; rttMs: number; local?: SockName }
  | { kind: 'timeout'; local?: SockName }
  | { kind: 'refused'; local?: SockName }
  | { kind: 'unreachable'; error: string };

/** The local end of the socket an exchange used (for messages such as Go's "read udp A:P->B:53"). */
export interface SockName {
  ip: string;
  port: number;
}

/** A DNS conversation: yields exchanges, is resumed with their outcomes, returns R. */
export type DnsIo<R> = Generator<DnsExchange, R, DnsOutcome>;

/** What a server does with one query: a reply, or nothing at all (the query is dropped). */
export type DnsHandler = (query: DnsMessage, client: { ip: string; port: number; proto: 'udp' | 'tcp'; /** the address it was sent to */ dst: string }) => DnsIo<DnsMessage | null>;

/** Run a conversation to its end with a synchronous network (tests, and drivers that need no waiting). */
export function runDnsIo<R>(io: DnsIo<R>, exchange: (x: DnsExchange) => DnsOutcome): R {
  let r = io.next();
  while (!r.done) r = io.next(exchange(r.value));
  return r.value;
}
