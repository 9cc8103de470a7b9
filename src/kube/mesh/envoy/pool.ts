/**
 * Envoy's HTTP/1.1 upstream connection pool: a connection whose response ended cleanly (framed by
 * its length, neither side asking to close) is kept idle for the next request to the same host
 * (and, for mutual TLS, the same SNI), so sidecars keep their mTLS connections to each other and
 * to their apps instead of a handshake per request. An idle connection the peer closes or resets
 * is closed and forgotten, as Envoy's pool does when it sees the connection's end.
 */
import type { Task } from '../../../engine/proc/task';
import type { Conn } from './stream';

export interface Pooled {
  up: Conn;
  /** the peer's SPIFFE identity from its handshake (mutual TLS) */
  peer: string | undefined;
}

export class ConnPool {
  private readonly idle = new Map<string, Pooled[]>();

  /** An idle connection to `key`, still open, handed to the task that will use it. */
  take(key: string, task: Task): Pooled | undefined {
    const list = this.idle.get(key);
    while (list?.length) {
      const p = list.pop()!;
      p.up.pull();
      if (p.up.eof || p.up.size > 0 || p.up.sock.state !== 'ESTABLISHED') {
        p.up.sock.close();
        continue;
      }
      p.up.sock.waker = task;
      return p;
    }
    return undefined;
  }

  /** Keep a connection whose exchange is over; watch it while it waits. */
  put(key: string, p: Pooled, schedule: (fn: () => void) => void): void {
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    list.push(p);
    const sk = p.up.sock;
    const check = (): void => {
      if (sk.waker !== watcher) return;
      p.up.pull();
      if (!p.up.eof && p.up.size === 0 && sk.state === 'ESTABLISHED') return;
      const at = list.indexOf(p);
      if (at >= 0) list.splice(at, 1);
      sk.close();
    };
    const watcher = { wake: () => schedule(check) };
    sk.waker = watcher;
  }

  close(): void {
    for (const l of this.idle.values()) for (const p of l) p.up.sock.close();
    this.idle.clear();
  }
}
