/**
 * Conntrack events (nf_conntrack_ecache.c, ctnetlink's NFNLGRP_CONNTRACK_* groups): what
 * `conntrack -E` hears. A connection entering the table is NEW, a first reply, the ASSURED bit or
 * a TCP state change is an UPDATE, and its end (timeout, `conntrack -D`, `-F`) is a DESTROY.
 * Each event carries the connection as it was at that moment. A probe's packets (inside a
 * rollback) are a "what if" and tell no listener anything.
 */
import type { Netns } from '../netns/netns';
import type { Waker } from '../proc/task';
import { cloneConn, type Conn } from './conn';

export type CtEventType = 'NEW' | 'UPDATE' | 'DESTROY';

export interface CtEvent {
  type: CtEventType;
  /** the connection when the event happened */
  ct: Conn;
  /** virtual ms */
  at: number;
  /** the netlink port id of the process that deleted the entry ([USERSPACE] in the listing) */
  portid: number | undefined;
}

/** One `conntrack -E`: its events queue here until it reads them, and it is woken for each. */
export interface CtListener {
  readonly events: CtEvent[];
  readonly waker: Waker;
}

const listeners = new WeakMap<Netns, Set<CtListener>>();

/** Subscribe to the namespace's events; returns the unsubscribe. */
export function ctListen(ns: Netns, l: CtListener): () => void {
  let set = listeners.get(ns);
  if (set === undefined) {
    set = new Set();
    listeners.set(ns, set);
  }
  set.add(l);
  return () => set.delete(l);
}

/** nf_conntrack_event_report() */
export function ctEvent(ns: Netns, type: CtEventType, ct: Conn, portid?: number): void {
  const set = listeners.get(ns);
  if (set === undefined || set.size === 0 || ns.world.journaling) return;
  const e: CtEvent = { type, ct: cloneConn(ct), at: ns.world.now, portid };
  for (const l of set) {
    l.events.push(e);
    l.waker.wake();
  }
}
