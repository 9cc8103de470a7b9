/**
 * The wall-clock date virtual time 0 stands for: the same as the cluster's (creation timestamps,
 * AGE), so dig's WHEN:, CoreDNS's SOA serial and kubectl agree on when things happened.
 */
export const LAB_EPOCH_MS = Date.UTC(2025, 0, 1, 0, 0, 0);
