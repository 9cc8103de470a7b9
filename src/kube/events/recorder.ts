/**
 * The components' event recorders (client-go tools/record with its correlator): an Event object
 * per (object, type, reason, message, source), named `<object>.<hex nanoseconds>`, whose count and
 * lastTimestamp grow when the same thing happens again. Node events live in `default`. The
 * scheduler writes events.k8s.io-style events (eventTime, reportingController, no source).
 */
import type { KubeEvent, KubeObject } from '../api/types';
import type { ApiStore } from '../apiserver/store';
import { CLUSTER_EPOCH_MS, rfc3339 } from '../apiserver/clock';

export interface EventSource {
  component: string;
  host?: string;
}

export type EventType = 'Normal' | 'Warning';

/** metav1.MicroTime: RFC 3339 with microseconds */
const microTime = (virtualMs: number): string => new Date(CLUSTER_EPOCH_MS + virtualMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class EventRecorder {
  private seq = 0;
  /** correlation key → the event's name */
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly store: ApiStore,
    private readonly now: () => number,
  ) {}

  record(obj: KubeObject, type: EventType, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const namespace = obj.metadata.namespace ?? 'default';
    if (!this.store.get('Namespace', undefined, namespace) || this.store.get('Namespace', undefined, namespace)?.metadata.deletionTimestamp) return;
    const key = [obj.kind, namespace, obj.metadata.name, obj.metadata.uid, fieldPath ?? '', type, reason, message, source.component, source.host ?? ''].join('\u0000');
    const at = rfc3339(this.now());
    const name = this.byKey.get(key);
    const existing = name ? this.store.get<KubeEvent>('Event', namespace, name) : undefined;
    if (existing) {
      const next = structuredClone(existing);
      next.count = (existing.count ?? 1) + 1;
      next.lastTimestamp = at;
      this.store.update(next);
      return;
    }
    // virtual time has fractions of a millisecond once packets have flown
    const ms = Math.floor(this.now());
    const nanos = BigInt(CLUSTER_EPOCH_MS + ms) * 1_000_000n + BigInt(Math.round((this.now() - ms) * 1_000_000)) + BigInt(this.seq++);
    const eventName = `${obj.metadata.name}.${nanos.toString(16)}`;
    const scheduler = source.component === 'default-scheduler';
    const involvedObject = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(obj.metadata.resourceVersion && !scheduler ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      uid: obj.kind === 'Node' && source.component === 'kubelet' ? obj.metadata.name : obj.metadata.uid,
      ...(fieldPath ? { fieldPath } : {}),
    };
    const ev: KubeEvent = scheduler
      ? {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: eventName, namespace },
          involvedObject,
          reason,
          message,
          source: {},
          firstTimestamp: null,
          lastTimestamp: null,
          type,
          eventTime: microTime(this.now()),
          action: reason === 'Scheduled' ? 'Binding' : 'Scheduling',
          reportingComponent: source.component,
          reportingInstance: `${source.component}-${source.host ?? ''}`,
        }
      : {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: eventName, namespace },
          involvedObject,
          reason,
          message,
          source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
          type,
          eventTime: null,
          reportingComponent: source.component,
          reportingInstance: source.host ?? '',
        };
    this.store.create(ev);
    this.byKey.set(key, eventName);
  }

  /** The events about one object (what `kubectl describe` lists under Events). */
  eventsFor(obj: KubeObject): KubeEvent[] {
    const namespace = obj.metadata.namespace ?? 'default';
    return this.store
      .list<KubeEvent>('Event', namespace)
      .filter((e) => e.involvedObject.kind === obj.kind && e.involvedObject.name === obj.metadata.name && (e.involvedObject.uid === obj.metadata.uid || e.involvedObject.uid === obj.metadata.name));
  }
}
