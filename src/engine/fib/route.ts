import type { Ipv4 } from '../addr/ipv4';
import type { Netdev } from '../netns/netdev';

/** Route types as rtnetlink names them (RTN_*). */
export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';

export const RT_SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export const RT_TABLE = { main: 254, local: 255, default: 253 } as const;
export const RTPROT = { unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4 } as const;

export interface Nexthop {
  gw?: Ipv4;
  dev: Netdev;
  onlink: boolean;
  /** RT_SCOPE_HOST for a directly connected nexthop, RT_SCOPE_LINK for one via a gateway */
  scope: number;
}

/** One fib_alias + fib_info: what `ip route` prints as one line. */
export interface FibRoute {
  table: number;
  type: RouteType;
  dst: Ipv4;
  plen: number;
  metric: number;
  proto: number;
  scope: number;
  prefsrc?: Ipv4;
  nh?: Nexthop; // absent for blackhole/unreachable/prohibit
}

/** Errors the kernel returns for a route lookup that hits a non-unicast route. */
export function routeTypeErrno(type: RouteType): Errno | undefined {
  // a switch, not a table: every lookup asks, and most types ('unicast', 'local') are not errors
  switch (type) {
    case 'blackhole':
      return 'EINVAL';
    case 'unreachable':
      return 'EHOSTUNREACH';
    case 'prohibit':
      return 'EACCES';
    case 'throw':
      return 'EAGAIN';
    default:
      return undefined;
  }
}

export type Errno =
  | 'EINVAL'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EACCES'
  | 'EAGAIN'
  | 'EEXIST'
  | 'ESRCH'
  | 'ENODEV'
  | 'ENETDOWN'
  | 'EADDRNOTAVAIL'
  | 'EOPNOTSUPP'
  | 'ENOENT'
  | 'EPERM'
  | 'EBUSY'
  | 'ELOOP'
  | 'ENOTCONN'
  | 'EADDRINUSE'
  | 'ENOSPC';

/** strerror() texts, as `RTNETLINK answers: …` and ping print them. */
export const STRERROR: Record<Errno, string> = {
  EINVAL: 'Invalid argument',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EACCES: 'Permission denied',
  EAGAIN: 'Resource temporarily unavailable',
  EEXIST: 'File exists',
  ESRCH: 'No such process',
  ENODEV: 'No such device',
  ENETDOWN: 'Network is down',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EOPNOTSUPP: 'Operation not supported',
  ENOENT: 'No such file or directory',
  EPERM: 'Operation not permitted',
  EBUSY: 'Device or resource busy',
  ELOOP: 'Too many levels of symbolic links',
  ENOTCONN: 'Transport endpoint is not connected',
  EADDRINUSE: 'Address already in use',
  ENOSPC: 'No space left on device',
};

/** A kernel error with the extack message iproute2 prints as "Error: <msg>." when present. */
export class KernelError extends Error {
  constructor(
    readonly errno: Errno,
    readonly extack?: string,
  ) {
    super(extack ?? STRERROR[errno]);
  }
}
