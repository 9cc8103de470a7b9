/** The packet-forwarding engine: pure TypeScript, deterministic, no DOM. */
export { World, LAN_NS_PREFIX } from './world';
export type { Lan } from './world';
export { Verdict, isDrop } from './sim/trace';
export type { TraceEvent, PacketView, SuggestedFix } from './sim/trace';
export type { WorldSnapshot, NetnsSnapshot, DevSnapshot } from './snapshot';
export { probe } from './ipv4/probe';
export type { ProbeResult } from './ipv4/probe';
