/**
 * Reading an HTTP/1.x response off a TCP socket as curl does: the status line and headers, then
 * the body by Content-Length, by chunked transfer coding, or until the server closes (HTTP/1.0 or
 * neither); a HEAD response (and 1xx, 204, 304) has none. Waits on the virtual clock until the
 * response is whole, the socket fails, or the deadline.
 */
import { waitUntil, type Wait, type Woken } from '../../engine/proc/task';
import type { TcpSock } from '../../engine/tcp/sock';

export type HttpResponse =
  | { kind: 'ok'; status: number; headerLines: string[]; body: Uint8Array; keepAlive: boolean; http10: boolean }
  | { kind: 'timeout'; received: number }
  | { kind: 'empty' }
  | { kind: 'reset' };

const decoder = new TextDecoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The end of the header block (the index after "\r\n\r\n"), or -1. */
function headerEnd(buf: Uint8Array): number {
  for (let i = 3; i < buf.length; i++) if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
  return -1;
}

/** A chunked body decoded, or undefined while it is incomplete. */
function dechunk(buf: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    let eol = -1;
    for (let i = at; i + 1 < buf.length; i++) if (buf[i] === 13 && buf[i + 1] === 10) {
      eol = i;
      break;
    }
    if (eol < 0) return undefined;
    const size = parseInt(decoder.decode(buf.subarray(at, eol)).split(';')[0], 16);
    if (!Number.isFinite(size)) return new Uint8Array(0);
    at = eol + 2;
    if (size === 0) break;
    if (at + size + 2 > buf.length) return undefined;
    parts.push(buf.subarray(at, at + size));
    at += size + 2;
  }
  return parts.reduce((a, p) => concat(a, p), new Uint8Array(0));
}

export function* readResponse(sk: TcpSock, head: boolean, deadline: number): Generator<Wait, HttpResponse, Woken> {
  const w = sk.world;
  let buf: Uint8Array = new Uint8Array(0);
  let eof = false;
  for (;;) {
    let r = sk.recv();
    while (Array.isArray(r)) {
      for (const c of r) if (c instanceof Uint8Array) buf = concat(buf, c);
      r = sk.recv();
    }
    if (r === null) eof = true;
    else if (typeof r === 'string') return buf.length === 0 && r !== 'ECONNRESET' ? { kind: 'empty' } : { kind: 'reset' };
    const parsed = tryParse(buf, eof, head);
    if (parsed) return parsed;
    if (eof) return buf.length === 0 ? { kind: 'empty' } : { kind: 'reset' };
    if (w.now >= deadline) return { kind: 'timeout', received: 0 };
    yield waitUntil(deadline);
  }
}

function tryParse(buf: Uint8Array, eof: boolean, head: boolean): HttpResponse | undefined {
  const end = headerEnd(buf);
  if (end < 0) return undefined;
  const lines = decoder.decode(buf.subarray(0, end - 4)).split('\r\n');
  const m = /^HTTP\/(\d)\.(\d) (\d{3})/.exec(lines[0]);
  if (!m) return undefined;
  const http10 = m[1] === '1' && m[2] === '0';
  const status = Number(m[3]);
  const header = (name: string): string | undefined => {
    const l = lines.find((x) => x.toLowerCase().startsWith(`${name}:`));
    return l?.slice(name.length + 1).trim();
  };
  const conn = header('connection')?.toLowerCase();
  const keepAlive = !http10 && conn !== 'close';
  const rest = buf.subarray(end);
  const base = { kind: 'ok' as const, status, headerLines: lines, http10 };
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) return { ...base, body: new Uint8Array(0), keepAlive };
  const cl = header('content-length');
  if (cl !== undefined) {
    const n = Number(cl);
    if (rest.length < n) return undefined;
    return { ...base, body: rest.subarray(0, n), keepAlive };
  }
  if (header('transfer-encoding')?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body ? { ...base, body, keepAlive } : undefined;
  }
  // neither: the body ends when the server closes
  return eof ? { ...base, body: rest, keepAlive: false } : undefined;
}
