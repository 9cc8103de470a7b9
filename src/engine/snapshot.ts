/**
 * A read-only picture of the whole world for the UI: namespaces, devices, addresses, routes.
 * Produced by World.snapshot(); plain data, safe to keep in a zustand store and diff.
 */
export type NetnsRole = 'host' | 'lan'; // 'lan' = the hidden namespace that holds a LAN switch

export interface DevSnapshot {
  ifindex: number;
  name: string;
  kind: 'loopback' | 'veth' | 'bridge' | 'vxlan';
  mac: string;
  adminUp: boolean;
  carrier: boolean;
  operstate: 'UP' | 'DOWN' | 'UNKNOWN' | 'LOWERLAYERDOWN';
  master?: string; // bridge this device is a port of
  peer?: { netns: string; dev: string }; // veth peer
  addrs: { addr: string; prefixlen: number; secondary: boolean }[]; // IPv4
}

export interface NetnsSnapshot {
  name: string;
  role: NetnsRole;
  devs: DevSnapshot[];
  routes: string[]; // `ip route` lines of the main table
  ipForward: boolean;
}

export interface WorldSnapshot {
  version: number; // bumps on every change
  netns: NetnsSnapshot[];
  /** LAN segments: name, and the host-side members ("node01:eth0") */
  lans: { name: string; members: { netns: string; dev: string }[] }[];
}
