/**
 * An API-server-like object store: create, update, delete, get, list and watch, with the checks
 * the real server makes in the order it makes them (namespace admission, defaulting, validation,
 * the kind's registry hooks such as IP allocation, then storage), uids, resource versions and
 * creation timestamps on the virtual clock. A rejected write changes nothing.
 *
 * Watchers are called synchronously after each change (controllers queue work and the cluster
 * runs it), so every change is seen at once on the virtual clock.
 */
import { alreadyExistsError, conflictError, invalidError, notFoundError, StatusError, type FieldError } from '../api/errors';
import { applyDefaults } from '../api/defaults';
import { validateObject } from '../api/validation';
import { qualifiedKind, qualifiedResource, resourceByKind, type ResourceInfo } from '../api/resources';
import type { Kind, KubeObject } from '../api/types';
import { rfc3339 } from './clock';
import type { ClusterRandom } from './ids';
import { applyStrategicPatch, metaFor, PatchError, type Json } from '../api/patch/strategic';
import { applyJsonPatch, applyMergePatch } from '../api/patch/json';
import { checkBody, checkPatched, type FieldValidation } from './fieldValidation';

export type PatchType = 'strategic' | 'merge' | 'json';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
  /** the object before a MODIFIED */
  old?: T;
}
export type Watcher = (e: WatchEvent) => void;

/** What a kind's registry adds to the generic path (the REST strategy and storage hooks). */
export interface Strategy {
  /** clear what a client may not set on create (status), set generation */
  prepareForCreate?(obj: KubeObject): void;
  /** carry over what a client may not change (status; a Service's allocated IPs and ports) */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** ValidateXUpdate: immutable fields */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** allocate resources (ClusterIPs, node ports); throws StatusError; returns how to undo it */
  allocate?(obj: KubeObject, old?: KubeObject): () => void;
  /** release what allocate() took, when the object goes */
  release?(obj: KubeObject): void;
}

const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export const clone = <T>(o: T): T => structuredClone(o);

export interface WriteOptions {
  dryRun?: boolean;
  /** status writes (the status subresource): only status changes */
  subresource?: 'status' | 'binding';
  /**
   * A client's request (kubectl's --validate): the body is decoded into the kind's struct, with
   * type errors and, as asked, unknown fields refused or warned about. Without it (the cluster's
   * own agents), objects are taken as they are.
   */
  fieldValidation?: FieldValidation;
  /** where `unknown field "..."` warnings go (kubectl prints each as `Warning: ...`) */
  warnings?: string[];
}

/**
 * The objects of one kind by `namespace/name`, with their lists in the server's order kept until
 * the next write to their namespace: controllers list a kind on every reconcile, and a list that
 * nothing changed since costs a copy, not a scan and a sort of the whole kind.
 */
class KindTable extends Map<string, KubeObject> {
  /** sorted lists: all namespaces under ALL, one namespace under its name */
  private lists: Map<string, KubeObject[]> | undefined;

  private changed(ns: string | undefined): void {
    this.lists?.delete(ALL);
    this.lists?.delete(ns ?? '');
  }

  override set(k: string, v: KubeObject): this {
    this.changed(v.metadata.namespace);
    return super.set(k, v);
  }

  override delete(k: string): boolean {
    this.changed(this.get(k)?.metadata.namespace);
    return super.delete(k);
  }

  /** The objects (of one namespace, or all) sorted by namespace and name; the caller may keep the array. */
  sorted(namespace: string | undefined): KubeObject[] {
    this.lists ??= new Map();
    const k = namespace ?? ALL;
    let l = this.lists.get(k);
    if (l === undefined) {
      l = [];
      for (const o of this.values()) if (namespace === undefined || o.metadata.namespace === namespace) l.push(o);
      l.sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name));
      this.lists.set(k, l);
    }
    return l.slice();
  }
}

/** the key of the all-namespaces list (no namespace name has a NUL in it) */
const ALL = '\0';

export class ApiStore {
  private readonly objects = new Map<Kind, KindTable>();
  private readonly watchers = new Map<Kind, Set<Watcher>>();
  private rv = 1000;
  readonly strategies = new Map<Kind, Strategy>();

  constructor(
    private readonly now: () => number,
    private readonly random: ClusterRandom,
  ) {}

  private table(kind: Kind): KindTable {
    let t = this.objects.get(kind);
    if (!t) this.objects.set(kind, (t = new KindTable()));
    return t;
  }

  private info(kind: string): ResourceInfo {
    const info = resourceByKind(kind);
    if (!info) throw new StatusError('BadRequest', `no kind "${kind}" is registered`);
    return info;
  }

  watch(kind: Kind, fn: Watcher): () => void {
    let s = this.watchers.get(kind);
    if (!s) this.watchers.set(kind, (s = new Set()));
    s.add(fn);
    return () => s.delete(fn);
  }

  /** called after every change (the cluster kicks a sync) */
  onChange: (() => void) | undefined;

  private notify(e: WatchEvent): void {
    this.onChange?.();
    for (const w of [...(this.watchers.get(e.object.kind) ?? [])]) w(e);
  }

  get<T extends KubeObject>(kind: T['kind'], namespace: string | undefined, name: string): T | undefined {
    const info = this.info(kind);
    return this.table(kind).get(key(info.namespaced ? namespace : undefined, name)) as T | undefined;
  }

  /** Like get, but a missing object is the API's NotFound error. */
  mustGet<T extends KubeObject>(kind: T['kind'], namespace: string | undefined, name: string): T {
    const o = this.get<T>(kind, namespace, name);
    if (!o) throw notFoundError(qualifiedResource(this.info(kind)), name);
    return o;
  }

  /** Objects of a kind (in one namespace, or all), sorted by namespace and name as the server lists them. */
  list<T extends KubeObject>(kind: T['kind'], namespace?: string): T[] {
    return this.table(kind).sorted(namespace) as T[];
  }

  private nextRv(): string {
    return String(++this.rv);
  }

  private checkNamespace(info: ResourceInfo, obj: KubeObject): void {
    if (!info.namespaced) return;
    const ns = obj.metadata.namespace!;
    const nsObj = this.get('Namespace', undefined, ns);
    if (!nsObj) throw notFoundError('namespaces', ns);
    if (nsObj.metadata.deletionTimestamp)
      throw new StatusError('Forbidden', `${qualifiedResource(info)} ${JSON.stringify(obj.metadata.name)} is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
  }

  /** POST: the object as stored (a copy of it). */
  create<T extends KubeObject>(input: T, opts: WriteOptions = {}): T {
    const info = this.info(input.kind);
    const obj = opts.fieldValidation ? (checkBody(input, opts.fieldValidation, opts.warnings) as T) : clone(input);
    obj.metadata ??= { name: '' };
    if (!info.namespaced) delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + this.random.suffix(5);
    if (info.namespaced && obj.metadata.name) this.checkNamespace(info, obj);
    const strategy = this.strategies.get(obj.kind);
    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) delete obj.metadata[f];
    strategy?.prepareForCreate?.(obj);
    applyDefaults(obj);
    const errs = validateObject(obj);
    if (errs.length) throw invalidError(qualifiedKind(info), info.kind, obj.metadata.name ?? '', errs);
    const table = this.table(obj.kind);
    const k = key(obj.metadata.namespace, obj.metadata.name);
    if (table.has(k)) throw alreadyExistsError(qualifiedResource(info), obj.metadata.name);
    const undo = strategy?.allocate?.(obj);
    if (opts.dryRun) {
      undo?.();
      return obj;
    }
    obj.metadata.uid = this.random.uuid();
    obj.metadata.resourceVersion = this.nextRv();
    obj.metadata.creationTimestamp = rfc3339(this.now());
    table.set(k, obj);
    this.notify({ type: 'ADDED', object: obj });
    return clone(obj);
  }

  /** PUT: replace the object (spec and metadata; status only through the status subresource). */
  update<T extends KubeObject>(input: T, opts: WriteOptions = {}): T {
    const info = this.info(input.kind);
    const table = this.table(input.kind);
    const ns = info.namespaced ? input.metadata.namespace : undefined;
    const k = key(ns, input.metadata.name);
    const old = table.get(k);
    if (!old) throw notFoundError(qualifiedResource(info), input.metadata.name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion)
      throw conflictError(qualifiedResource(info), input.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again');
    const obj = clone(input) as KubeObject;
    const m = obj.metadata;
    const om = old.metadata;
    Object.assign(m, { uid: om.uid, creationTimestamp: om.creationTimestamp, namespace: om.namespace, deletionTimestamp: om.deletionTimestamp, deletionGracePeriodSeconds: om.deletionGracePeriodSeconds });
    if (om.generation !== undefined) m.generation = om.generation;
    for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace'] as const) if (m[f] === undefined) delete m[f];
    const strategy = this.strategies.get(obj.kind);
    if (opts.subresource === 'status') {
      // the status subresource: everything but status comes from the stored object
      const kept = clone(old) as KubeObject & { status?: unknown };
      kept.status = (obj as { status?: unknown }).status;
      return this.commit(info, kept as T, old, opts, []);
    }
    if (opts.subresource !== 'binding') {
      if ('status' in old) (obj as { status?: unknown }).status = clone((old as { status?: unknown }).status);
      else delete (obj as { status?: unknown }).status;
    }
    strategy?.prepareForUpdate?.(obj, old);
    applyDefaults(obj);
    if (om.generation !== undefined && JSON.stringify((obj as { spec?: unknown }).spec) !== JSON.stringify((old as { spec?: unknown }).spec)) m.generation = om.generation + 1;
    // the binding subresource may set spec.nodeName, which a plain update may not change
    const errs = [...validateObject(obj), ...(opts.subresource === 'binding' ? [] : (strategy?.validateUpdate?.(obj, old) ?? []))];
    if (errs.length) throw invalidError(qualifiedKind(info), info.kind, obj.metadata.name, errs);
    return this.commit(info, obj as T, old, opts, [], strategy);
  }

  private commit<T extends KubeObject>(info: ResourceInfo, obj: T, old: KubeObject, opts: WriteOptions, _errs: FieldError[], strategy?: Strategy): T {
    if (JSON.stringify(obj) === JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: obj.metadata.resourceVersion ?? old.metadata.resourceVersion } })) {
      // a no-op write keeps the resource version, as etcd does for an unchanged object
      return clone(old) as T;
    }
    const undo = strategy?.allocate?.(obj, old);
    if (opts.dryRun) {
      undo?.();
      return obj;
    }
    obj.metadata.resourceVersion = this.nextRv();
    this.table(obj.kind).set(key(info.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name), obj);
    this.notify({ type: 'MODIFIED', object: obj, old });
    return clone(obj);
  }

  /**
   * PATCH: the patch applied to the stored object as the server applies each patch type, then
   * written as an update (of the status subresource, if asked: only the patched status counts).
   * `changed` is false when the patch left the object as it was.
   */
  patch<T extends KubeObject>(kind: T['kind'], namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}): { object: T; changed: boolean } {
    const current = this.mustGet<T>(kind, namespace, name);
    let next = applyPatch(current, type, patch, kind) as T;
    if (opts.fieldValidation) next = checkPatched(next, type, patch, opts.fieldValidation, opts.warnings) as T;
    // a patch may not move the object: identity comes from the URL
    next.kind = current.kind;
    next.apiVersion = current.apiVersion;
    next.metadata = { ...(next.metadata ?? {}), name: current.metadata.name, namespace: current.metadata.namespace };
    if (next.metadata.namespace === undefined) delete next.metadata.namespace;
    if (next.metadata.resourceVersion === undefined || next.metadata.resourceVersion === current.metadata.resourceVersion) next.metadata.resourceVersion = current.metadata.resourceVersion;
    const object = this.update(next, opts);
    return { object, changed: object.metadata.resourceVersion !== current.metadata.resourceVersion || (!!opts.dryRun && JSON.stringify(object) !== JSON.stringify(current)) };
  }

  /**
   * DELETE. Pods are deleted gracefully (a deletionTimestamp now, the object goes when its
   * kubelet says the containers are gone); other objects go at once, then their dependents.
   */
  delete(kind: Kind, namespace: string | undefined, name: string, opts: { gracePeriodSeconds?: number; dryRun?: boolean } = {}): KubeObject {
    const info = this.info(kind);
    const ns = info.namespaced ? namespace : undefined;
    const table = this.table(kind);
    const k = key(ns, name);
    const old = table.get(k);
    if (!old) throw notFoundError(qualifiedResource(info), name);
    if (opts.dryRun) return clone(old);
    const graceful = kind === 'Pod' && !!(old as { spec: { nodeName?: string } }).spec.nodeName && (old as { status?: { phase?: string } }).status?.phase !== 'Succeeded' && (old as { status?: { phase?: string } }).status?.phase !== 'Failed';
    const grace = opts.gracePeriodSeconds ?? (old.kind === 'Pod' ? old.spec.terminationGracePeriodSeconds ?? 30 : 0);
    if (graceful && grace > 0) {
      if (old.metadata.deletionTimestamp) {
        // a second delete may only shorten the grace period
        if (grace >= (old.metadata.deletionGracePeriodSeconds ?? Infinity)) return clone(old);
      }
      const obj = clone(old);
      obj.metadata.deletionTimestamp = rfc3339(this.now() + grace * 1000);
      obj.metadata.deletionGracePeriodSeconds = grace;
      obj.metadata.resourceVersion = this.nextRv();
      table.set(k, obj);
      this.notify({ type: 'MODIFIED', object: obj, old });
      return clone(obj);
    }
    if (kind === 'Namespace') return this.deleteNamespace(old);
    return this.remove(old);
  }

  /** Take an object out of storage (a pod whose kubelet finished it, or any immediate delete). */
  remove(obj: KubeObject): KubeObject {
    const info = this.info(obj.kind);
    const k = key(info.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const cur = this.table(obj.kind).get(k);
    if (!cur) return obj;
    this.table(obj.kind).delete(k);
    this.strategies.get(obj.kind)?.release?.(cur);
    this.notify({ type: 'DELETED', object: cur });
    this.collectDependents(cur);
    return clone(cur);
  }

  /** The garbage collector's background propagation: objects owned by a deleted one go too. */
  private collectDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const table of this.objects.values())
      for (const o of [...table.values()])
        if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) {
          try {
            this.delete(o.kind, o.metadata.namespace, o.metadata.name);
          } catch {
            // already gone
          }
        }
  }

  /** A namespace is Terminating while its contents go, then it goes. */
  private deleteNamespace(ns: KubeObject): KubeObject {
    if (['default', 'kube-system', 'kube-public'].includes(ns.metadata.name))
      throw new StatusError('Forbidden', `namespaces ${JSON.stringify(ns.metadata.name)} is forbidden: this namespace may not be deleted`);
    const name = ns.metadata.name;
    const terminating = clone(ns) as KubeObject & { status?: { phase?: string } };
    terminating.metadata.deletionTimestamp = rfc3339(this.now());
    terminating.status = { phase: 'Terminating' };
    terminating.metadata.resourceVersion = this.nextRv();
    this.table('Namespace').set(key(undefined, name), terminating);
    this.notify({ type: 'MODIFIED', object: terminating, old: ns });
    for (const [kind, table] of this.objects) {
      if (!this.info(kind).namespaced) continue;
      for (const o of [...table.values()]) if (o.metadata.namespace === name) this.delete(kind, name, o.metadata.name, { gracePeriodSeconds: kind === 'Pod' ? 0 : undefined });
    }
    return this.remove(terminating);
  }

  /** For tests and the UI: is a write of this object rejected, and how? (nothing is stored) */
  validate(obj: KubeObject): FieldError[] {
    const o = clone(obj);
    applyDefaults(o);
    return validateObject(o);
  }
}

/** A patch applied to a copy of a document as the server applies its type; a bad patch is a BadRequest. */
export function applyPatch(doc: unknown, type: PatchType, patch: unknown, kind: string): Record<string, unknown> {
  let out: Json;
  try {
    const cur = clone(doc) as Json;
    out = type === 'json' ? applyJsonPatch(cur, patch as Json) : type === 'merge' ? applyMergePatch(cur, patch as Json) : applyStrategicPatch(cur, patch as Json, metaFor(kind));
  } catch (e) {
    if (e instanceof PatchError) throw new StatusError('BadRequest', e.message);
    throw e;
  }
  if (!out || typeof out !== 'object' || Array.isArray(out)) throw new StatusError('BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

