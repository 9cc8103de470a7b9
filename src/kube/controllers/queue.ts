/** A controller's work queue: keys (`ns/name`) waiting to be reconciled, each at most once. */
export class WorkQueue {
  private readonly keys = new Set<string>();

  add(key: string): void {
    this.keys.add(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Take every waiting key, in the order they came. */
  drain(): string[] {
    const out = [...this.keys];
    this.keys.clear();
    return out;
  }
}

export const objKey = (o: { metadata: { namespace?: string; name: string } }): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export const splitKey = (k: string): [string, string] => {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
};

/** A level-triggered reconciler: it reads the objects and writes what should be, whatever happened before. */
export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  reconcile(key: string): void;
  /** runs only once the other controllers have nothing left to do (agents that rewrite a node's whole rule set) */
  readonly settle?: boolean;
}
