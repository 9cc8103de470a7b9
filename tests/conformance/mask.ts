/**
 * What differs between two runs of the same DNS tool and must not count (applied to the golden
 * and to the simulator's output before comparing): the query id dig and nslookup pick at random,
 * the query time, the date in dig's WHEN: line and the random client cookie dig sends and CoreDNS
 * echoes. Everything else in their output is compared byte for byte.
 */
export function maskDnsNoise(text: string): string {
  return text
    .replace(/(->>HEADER<<- opcode: \w+, status: \w+, id: )\d+/g, '$1<id>')
    .replace(/^;; Query time: \d+ msec$/gm, ';; Query time: <ms> msec')
    .replace(/^;; WHEN: .*$/gm, ';; WHEN: <date>')
    .replace(/^; COOKIE: [0-9a-f]+/gm, '; COOKIE: <cookie>');
}
