/**
 * The errors a socket reports to its program (connect(), recv(), send(), SO_ERROR), with the
 * strerror() text tools print after them ("nc: connect to … failed: Connection refused").
 */
export const SOCK_STRERROR = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EHOSTDOWN: 'Host is down',
  ENONET: 'Machine is not on the network',
  ENOPROTOOPT: 'Protocol not available',
  EMSGSIZE: 'Message too long',
  EOPNOTSUPP: 'Operation not supported',
  EPIPE: 'Broken pipe',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
  ENOTCONN: 'Transport endpoint is not connected',
  EISCONN: 'Transport endpoint is already connected',
} as const;

export type SockErrno = keyof typeof SOCK_STRERROR;

/**
 * icmp_err_convert[] (net/ipv4/icmp.c): the errno a "destination unreachable" code becomes, and
 * whether it is fatal (a hard error ends a connect() at once and is reported on a connected UDP
 * socket; a soft one is only remembered).
 */
const UNREACH: readonly [SockErrno, boolean][] = [
  ['ENETUNREACH', false], // net unreachable
  ['EHOSTUNREACH', false], // host unreachable
  ['ENOPROTOOPT', true], // protocol unreachable
  ['ECONNREFUSED', true], // port unreachable
  ['EMSGSIZE', false], // fragmentation needed
  ['EOPNOTSUPP', false], // source route failed
  ['ENETUNREACH', true], // net unknown
  ['EHOSTDOWN', true], // host unknown
  ['ENONET', true], // host isolated
  ['ENETUNREACH', true], // net administratively prohibited
  ['EHOSTUNREACH', true], // host administratively prohibited
  ['ENETUNREACH', false], // net unreachable for TOS
  ['EHOSTUNREACH', false], // host unreachable for TOS
  ['EHOSTUNREACH', true], // communication administratively prohibited
  ['EHOSTUNREACH', true], // host precedence violation
  ['EHOSTUNREACH', true], // precedence cutoff
];

/** The errno of an ICMP error (type 3 by code; time exceeded is EHOSTUNREACH, soft). */
export function icmpErrno(type: number, code: number): { errno: SockErrno; fatal: boolean } {
  if (type === 3) {
    const e = UNREACH[code];
    if (e) return { errno: e[0], fatal: e[1] };
  }
  return { errno: 'EHOSTUNREACH', fatal: false };
}
