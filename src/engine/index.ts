/**
 * The engine's public API: what the layers above (kube, commands, scenarios, store) use to reach the
 * kernel model. They call these functions and read what they return; they never write engine
 * objects' fields themselves.
 */
export { World, LAN_NS_PREFIX } from './world';
export type { Lan } from './world';
export type { Netns } from './netns/netns';
export type { Netdev } from './netns/netdev';

// trace
export { Verdict, isDrop } from './sim/trace';
export type { TraceEvent, PacketView, SuggestedFix } from './sim/trace';
export type { WorldSnapshot, NetnsSnapshot, DevSnapshot } from './snapshot';

// probes
export { probe } from './ipv4/probe';
export type { ProbeResult, ProbeVerdict, DropPlace } from './ipv4/probe';

// routing: where a connect() would send packets
export { ipRouteOutput } from './fib/frontend';
export type { Rtable, RouteOutcome } from './fib/frontend';

// sockets
export type { Sock, SockError, BindErrno } from './socket/table';
export { udpBind, udpSendmsg, sockClose } from './ipv4/udp';
export type { UdpSendOpts } from './ipv4/udp';

// neighbours (ip neigh)
export { neighAdd, neighDelete, neighDump, neighKey } from './neighbour/config';
export type { NeighConfig, NeighMode, NeighAddErrno } from './neighbour/config';
export { nudValid } from './neighbour/table';
export type { Neighbour, NudState } from './neighbour/table';

// netfilter hook points (the tables that register there live in ./netfilter)
export { NF_INET, NF_BR, NF_IP_PRI, NF_BR_PRI, NF_ACCEPT, NF_DROP, NF_STOLEN, nfRegisterNetHook, nfUnregisterNetHook, nfHookEntries, nfReinject } from './nf/hooks';
export type { NfHookOps, NfHookState, NfVerdict, NfHookPoint, InetHook, BrHook } from './nf/hooks';

// the wire: packets, frames, payloads, and their words
export * from './wire';
