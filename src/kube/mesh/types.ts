/**
 * Istio's configuration objects as stored (istio.io/api networking/v1 and security/v1): the fields
 * the mesh acts on, with their real names. A manifest may carry others; they are kept as written.
 * Durations are protobuf Duration strings (`1.5s`, `300ms`), as the CRDs store them.
 */
import type { Labels, ObjectMeta } from '../api/types';

/** networking/v1 StringMatch: one of exact, prefix, regex (RE2; JavaScript's engine here). */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface PortSelector {
  number?: number;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: PortSelector;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  withoutHeaders?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Labels;
  sourceNamespace?: string;
  ignoreUriCase?: boolean;
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
}

export interface HTTPRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
}

export interface Percent {
  value?: number;
}

export interface HTTPFaultInjection {
  delay?: { fixedDelay?: string; percentage?: Percent; percent?: number };
  abort?: { httpStatus?: number; percentage?: Percent; grpcStatus?: string };
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  redirect?: Record<string, unknown>;
  rewrite?: { uri?: string; authority?: string };
  timeout?: string;
  retries?: HTTPRetry;
  fault?: HTTPFaultInjection;
}

export interface VirtualService {
  apiVersion: string;
  kind: 'VirtualService';
  metadata: ObjectMeta;
  spec: {
    hosts?: string[];
    gateways?: string[];
    http?: HTTPRoute[];
    tcp?: unknown[];
    tls?: unknown[];
    exportTo?: string[];
  };
}

export type SimpleLB = 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';

export interface TrafficPolicy {
  loadBalancer?: { simple?: SimpleLB };
  connectionPool?: {
    tcp?: { maxConnections?: number; connectTimeout?: string };
    http?: { http1MaxPendingRequests?: number; http2MaxRequests?: number; maxRequestsPerConnection?: number; maxRetries?: number };
  };
  outlierDetection?: {
    consecutive5xxErrors?: number;
    consecutiveGatewayErrors?: number;
    interval?: string;
    baseEjectionTime?: string;
    maxEjectionPercent?: number;
    minHealthPercent?: number;
  };
  tls?: { mode?: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL' };
}

export interface Subset {
  name: string;
  labels?: Labels;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRule {
  apiVersion: string;
  kind: 'DestinationRule';
  metadata: ObjectMeta;
  spec: {
    host?: string;
    trafficPolicy?: TrafficPolicy;
    subsets?: Subset[];
    exportTo?: string[];
  };
}

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthentication {
  apiVersion: string;
  kind: 'PeerAuthentication';
  metadata: ObjectMeta;
  spec: {
    selector?: { matchLabels?: Labels };
    mtls?: { mode?: MtlsMode };
    portLevelMtls?: Record<string, { mode?: MtlsMode }>;
  };
}

export interface AuthzSource {
  principals?: string[];
  notPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  ipBlocks?: string[];
  notIpBlocks?: string[];
}

export interface AuthzOperation {
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
  ports?: string[];
  notPorts?: string[];
  hosts?: string[];
  notHosts?: string[];
}

export interface AuthzRule {
  from?: { source?: AuthzSource }[];
  to?: { operation?: AuthzOperation }[];
  when?: { key: string; values?: string[]; notValues?: string[] }[];
}

export type AuthzAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

export interface AuthorizationPolicy {
  apiVersion: string;
  kind: 'AuthorizationPolicy';
  metadata: ObjectMeta;
  spec: {
    selector?: { matchLabels?: Labels };
    action?: AuthzAction;
    rules?: AuthzRule[];
  };
}

export type IstioObject = VirtualService | DestinationRule | PeerAuthentication | AuthorizationPolicy;
