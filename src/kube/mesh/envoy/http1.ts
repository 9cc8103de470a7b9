/**
 * HTTP/1.1 as Envoy's codec reads and writes it between a sidecar and its neighbours: a request
 * head (and its body by Content-Length), a response head and body (Content-Length, chunked, or
 * until the peer closes), and the bytes written back. Envoy keeps header names lower-case.
 */
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export type Headers = [string, string][];

export interface HttpRequestHead {
  method: string;
  path: string;
  version: string;
  headers: Headers;
  /** the bytes the head took; the body follows up to `length` */
  headLength: number;
  /** the bytes the head and body took, to take them off the stream */
  length: number;
}

export interface HttpResponseMsg {
  status: number;
  reason: string;
  headers: Headers;
  body: Uint8Array;
}

export const header = (h: Headers, name: string): string | undefined => h.find(([k]) => k.toLowerCase() === name)?.[1];

const concat = (parts: Uint8Array[]): Uint8Array => {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

export const bytesOf = (parts: Uint8Array[]): Uint8Array => (parts.length === 1 ? parts[0] : concat(parts));

/** The end of the head (after CRLF CRLF), or -1. */
export function headEnd(b: Uint8Array): number {
  for (let i = 3; i < b.length; i++) if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  return -1;
}

function parseHeaders(lines: string[]): Headers {
  return lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as [string, string];
  });
}

/** Does the stream start like an HTTP/1 request? (Istio's protocol sniffing) undefined: too early to say. */
export function looksLikeHttp(b: Uint8Array): boolean | undefined {
  const text = decoder.decode(b.subarray(0, Math.min(b.length, 16)));
  const m = /^([A-Z]+) /.exec(text);
  if (m) return ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'].includes(m[1]);
  if (/^[A-Z]*$/.test(text) && text.length < 8) return undefined;
  return false;
}

/** A whole request at the start of the stream, or undefined while it is incomplete. */
export function parseRequest(b: Uint8Array): HttpRequestHead | undefined {
  const end = headEnd(b);
  if (end < 0) return undefined;
  const lines = decoder.decode(b.subarray(0, end - 4)).split('\r\n');
  const [method = '', path = '/', version = 'HTTP/1.1'] = lines[0].split(' ');
  const headers = parseHeaders(lines.slice(1));
  const len = Number(header(headers, 'content-length') ?? 0);
  if (b.length < end + len) return undefined;
  return { method, path, version, headers, headLength: end, length: end + len };
}

/** A whole response, or undefined while incomplete; `closed`: the peer has finished sending. */
export function parseResponse(b: Uint8Array, closed: boolean, head = false): HttpResponseMsg | undefined {
  const end = headEnd(b);
  if (end < 0) return undefined;
  const lines = decoder.decode(b.subarray(0, end - 4)).split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3}) ?(.*)$/.exec(lines[0]);
  if (!m) return undefined;
  const headers = parseHeaders(lines.slice(1));
  const status = Number(m[1]);
  const msg = { status, reason: m[2], headers };
  if (head || status === 204 || status === 304) return { ...msg, body: new Uint8Array() };
  const cl = header(headers, 'content-length');
  if (cl !== undefined) {
    const n = Number(cl);
    return b.length >= end + n ? { ...msg, body: b.slice(end, end + n) } : undefined;
  }
  if ((header(headers, 'transfer-encoding') ?? '').toLowerCase() === 'chunked') {
    const parts: Uint8Array[] = [];
    let at = end;
    for (;;) {
      let nl = at;
      while (nl + 1 < b.length && !(b[nl] === 13 && b[nl + 1] === 10)) nl++;
      if (nl + 1 >= b.length) return undefined;
      const size = parseInt(decoder.decode(b.subarray(at, nl)), 16);
      if (size === 0) return { ...msg, headers: headers.filter(([k]) => k.toLowerCase() !== 'transfer-encoding'), body: concat(parts) };
      if (b.length < nl + 2 + size + 2) return undefined;
      parts.push(b.slice(nl + 2, nl + 2 + size));
      at = nl + 2 + size + 2;
    }
  }
  return closed ? { ...msg, body: b.slice(end) } : undefined;
}

export function requestBytes(method: string, path: string, headers: Headers, body: Uint8Array = new Uint8Array()): Uint8Array {
  const head = encoder.encode(`${method} ${path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  return body.length ? concat([head, body]) : head;
}

export function responseBytes(r: HttpResponseMsg, headOnly = false): Uint8Array {
  const head = encoder.encode(`HTTP/1.1 ${r.status} ${r.reason}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  return headOnly || r.body.length === 0 ? head : concat([head, r.body]);
}


export const textBytes = (s: string): Uint8Array => encoder.encode(s);
export const bytesText = (b: Uint8Array): string => decoder.decode(b);
