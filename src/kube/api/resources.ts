import type { Kind } from './types';

/** What discovery says about a resource: how kubectl names it and where it lives. */
export interface ResourceInfo {
  kind: Kind;
  /** the plural (the resource's name in URLs and in `pods "x" not found`) */
  plural: string;
  singular: string;
  shortNames: string[];
  group: string;
  version: string;
  namespaced: boolean;
}

const r = (kind: Kind, plural: string, shortNames: string[], group: string, namespaced = true): ResourceInfo => ({
  kind,
  plural,
  singular: kind.toLowerCase(),
  shortNames,
  group,
  version: 'v1',
  namespaced,
});

/** The resources Hoplab serves, in the order `kubectl api-resources` lists them (core first, then by group). */
export const RESOURCES: readonly ResourceInfo[] = [
  r('ConfigMap', 'configmaps', ['cm'], ''),
  r('Endpoints', 'endpoints', ['ep'], ''),
  r('Event', 'events', ['ev'], ''),
  r('Namespace', 'namespaces', ['ns'], '', false),
  r('Node', 'nodes', ['no'], '', false),
  r('Pod', 'pods', ['po'], ''),
  r('Service', 'services', ['svc'], ''),
  r('Deployment', 'deployments', ['deploy'], 'apps'),
  r('ReplicaSet', 'replicasets', ['rs'], 'apps'),
  r('EndpointSlice', 'endpointslices', [], 'discovery.k8s.io'),
  r('Ingress', 'ingresses', ['ing'], 'networking.k8s.io'),
  r('NetworkPolicy', 'networkpolicies', ['netpol'], 'networking.k8s.io'),
  // Istio's CRDs (istio-base), served once the cluster has them
  r('DestinationRule', 'destinationrules', ['dr'], 'networking.istio.io'),
  r('VirtualService', 'virtualservices', ['vs'], 'networking.istio.io'),
  r('AuthorizationPolicy', 'authorizationpolicies', ['ap'], 'security.istio.io'),
  r('PeerAuthentication', 'peerauthentications', ['pa'], 'security.istio.io'),
];

export const resourceByKind = (kind: string): ResourceInfo | undefined => RESOURCES.find((x) => x.kind === kind);

export const apiVersionOf = (info: ResourceInfo): string => (info.group ? `${info.group}/${info.version}` : info.version);

/** `deployments.apps`, `pods`: the resource as API errors name it. */
export const qualifiedResource = (info: ResourceInfo): string => (info.group ? `${info.plural}.${info.group}` : info.plural);

/** `Deployment.apps`, `Service`: the kind as Invalid errors name it. */
export const qualifiedKind = (info: ResourceInfo): string => (info.group ? `${info.kind}.${info.group}` : info.kind);

/**
 * kubectl's RESTMapper: a plural, singular, short name or kind (any case), optionally qualified by
 * a group (`deployments.apps`, `deploy.apps`).
 */
export function lookupResource(arg: string): ResourceInfo | undefined {
  const lower = arg.toLowerCase();
  for (const info of RESOURCES) {
    const names = [info.plural, info.singular, ...info.shortNames];
    if (names.includes(lower)) return info;
    if (info.group && names.some((n) => lower === `${n}.${info.group}` || lower === `${n}.${info.version}.${info.group}`)) return info;
  }
  return undefined;
}

/** The resource an object of this apiVersion and kind is stored as; undefined when the server has no such kind. */
export function resourceForObject(apiVersion: string, kind: string): ResourceInfo | undefined {
  const info = resourceByKind(kind);
  return info && apiVersionOf(info) === apiVersion ? info : undefined;
}
