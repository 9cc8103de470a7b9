/**
 * What getaddrinfo() says about a host name Hoplab cannot resolve (there is no DNS in a lab):
 * a well-formed name would need a resolver ("Temporary failure in name resolution"), a malformed
 * one is refused outright ("Name or service not known"), as glibc does in a namespace without DNS.
 */
export function unresolvable(name: string): string {
  const wellFormed = /^(?!-)[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(name);
  return wellFormed ? 'Temporary failure in name resolution' : 'Name or service not known';
}
