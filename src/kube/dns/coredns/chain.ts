/**
 * The plugin chain of a CoreDNS server block: each plugin sees the request, may answer it, or
 * passes it to the next one and may change what comes back (cache stores it, loadbalance shuffles
 * it, log writes a line about it). As in CoreDNS, a plugin that neither answers nor has a next
 * returns SERVFAIL with "no next plugin found", and the server writes that rcode as the reply.
 */
import type { DnsMessage } from '../../../engine/wire/dns';
import type { DnsIo } from '../io';
import type { ClusterIndex } from '../cluster';

export interface Client {
  ip: string;
  port: number;
  proto: 'udp' | 'tcp';
}

export interface DnsRequest {
  msg: DnsMessage;
  client: Client;
  /** the query's size on the wire */
  size: number;
}

/** What a plugin did: the reply it wrote (null: none, the server writes `rcode`), and an error to log. */
export interface DnsResult {
  msg: DnsMessage | null;
  rcode: number;
  error?: string;
}

export type Next = (req: DnsRequest) => DnsIo<DnsResult>;

export interface Handler {
  readonly name: string;
  serve(req: DnsRequest, next: Next): DnsIo<DnsResult>;
}

/** What a CoreDNS instance runs on: its pod's view of the world. */
export interface CoreDnsEnv {
  /** virtual time now, ms */
  now(): number;
  /** a uniform random number in [0, 1) from the lab's seeded generator */
  random(): number;
  /** a line on the container's standard output (what `kubectl logs` shows) */
  log(line: string): void;
  /** a file in the CoreDNS container (its /etc/resolv.conf, /etc/hosts) */
  readFile(path: string): string | undefined;
  /** the cluster's objects (null outside a cluster: the kubernetes plugin then cannot start) */
  index: ClusterIndex | null;
  /** the pod's own addresses */
  localIPs: string[];
}

/** Link handlers into one Next, in order; the last one's next answers SERVFAIL "no next plugin found". */
export function chainOf(handlers: Handler[]): Next {
  const at = (i: number): Next => {
    if (i >= handlers.length) return noNext(handlers[handlers.length - 1]?.name ?? 'dnsserver');
    const h = handlers[i];
    const next = at(i + 1);
    return (req) => h.serve(req, next);
  };
  return at(0);
}

function noNext(last: string): Next {
  return function* () {
    return { msg: null, rcode: 2, error: `plugin/${last}: no next plugin found` };
  };
}
