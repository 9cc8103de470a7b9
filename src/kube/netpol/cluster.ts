/** The PolicyView of a live cluster: what its API store holds right now. */
import type { Namespace, NetworkPolicy, Node, Pod } from '../api/types';
import type { ApiStore } from '../apiserver/store';
import { PolicyView } from './view';

export const policyViewOf = (store: ApiStore): PolicyView =>
  new PolicyView({
    namespaces: store.list<Namespace>('Namespace'),
    pods: store.list<Pod>('Pod'),
    policies: store.list<NetworkPolicy>('NetworkPolicy'),
    nodes: store.list<Node>('Node'),
  });
