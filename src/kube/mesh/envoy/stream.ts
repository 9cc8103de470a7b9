/**
 * A sidecar's view of one TCP connection: what has arrived, as bytes (a TLS connection's records
 * opened), the handshake messages of Istio's mutual TLS, end of file and errors; and writing
 * bytes back, sealed in TLS records when the connection is mutual TLS. Istio's mTLS is modelled as
 * TLS 1.3 records on the wire (a ClientHello naming the SNI and ALPN `istio-peer-exchange`,
 * `istio-http/1.1`, `istio`; the server's certificate carrying its SPIFFE identity), not as ciphers.
 */
import type { TcpSock } from '../../../engine/tcp/sock';
import type { AppMessage } from '../../../engine/wire/payload';
import { bytesOf } from './http1';

export interface TlsRecord extends AppMessage {
  app: 'tls';
  kind: 'client-hello' | 'server-hello' | 'data';
  /** ClientHello: the server name Istio dials (`outbound_.9080_.v1_.reviews.default.svc.cluster.local`) */
  sni?: string;
  alpn?: readonly string[];
  /** the certificate's SPIFFE identity (the client's in its ClientHello's certificate flight, the server's in ServerHello) */
  identity?: string;
  data?: Uint8Array;
}

/** TLS 1.3 record overhead: header, content type, AEAD tag */
const RECORD_OVERHEAD = 22;
export const ISTIO_ALPN = ['istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2', 'istio'] as const;

export const clientHello = (sni: string, identity: string): TlsRecord => ({ app: 'tls', kind: 'client-hello', len: 517 + identity.length, sni, alpn: ISTIO_ALPN, identity });
/** ServerHello with the certificate flight, kept under one segment (a record here is never split across segments) */
export const serverHello = (identity: string): TlsRecord => ({ app: 'tls', kind: 'server-hello', len: 1200 + identity.length, identity });

const isTls = (c: unknown): c is TlsRecord => typeof c === 'object' && c !== null && !(c instanceof Uint8Array) && (c as AppMessage).app === 'tls';

export class Conn {
  private parts: Uint8Array[] = [];
  /** handshake records received, oldest first */
  readonly handshake: TlsRecord[] = [];
  /** a record of the TLS handshake arrived on it: the peer speaks TLS */
  sawTls = false;
  eof = false;
  error: string | undefined;
  /** seal what is written in TLS records */
  tls = false;

  constructor(readonly sock: TcpSock) {}

  /** Take what the socket holds; true when something changed. */
  pull(): boolean {
    const r = this.sock.recv();
    if (r === undefined) return false;
    if (r === null) {
      const was = this.eof;
      this.eof = true;
      return !was;
    }
    if (typeof r === 'string') {
      this.error = r;
      this.eof = true;
      return true;
    }
    for (const c of r) {
      if (c instanceof Uint8Array) this.parts.push(c);
      else if (isTls(c)) {
        this.sawTls = true;
        if (c.kind === 'data' && c.data) this.parts.push(c.data);
        else this.handshake.push(c);
      }
    }
    return true;
  }

  get buffered(): Uint8Array {
    if (this.parts.length > 1) this.parts = [bytesOf(this.parts)];
    return this.parts[0] ?? new Uint8Array();
  }

  get size(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }

  /** Drop the first n bytes (a request taken). */
  consume(n: number): void {
    const b = this.buffered;
    this.parts = n >= b.length ? [] : [b.slice(n)];
  }

  /** Everything buffered, taken. */
  take(): Uint8Array {
    const b = this.buffered;
    this.parts = [];
    return b;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.sock.send(this.tls ? ({ app: 'tls', kind: 'data', len: bytes.length + RECORD_OVERHEAD, data: bytes } as TlsRecord) : bytes);
  }

  send(record: TlsRecord): void {
    this.sock.send(record);
  }

  get open(): boolean {
    const s = this.sock.state;
    return s === 'ESTABLISHED' || s === 'CLOSE_WAIT' || s === 'SYN_SENT' || s === 'SYN_RECV';
  }
}
