/**
 * The inbound side of a sidecar (listener 0.0.0.0:15006, `virtualInbound`): what came in for the
 * pod, captured by ISTIO_IN_REDIRECT, with the port it was for read back from conntrack. The
 * filter chain is chosen as PeerAuthentication says: mutual TLS is terminated (the peer's SPIFFE
 * identity becomes its principal), plaintext is taken under PERMISSIVE and DISABLE and refused
 * under STRICT (no filter chain matches: the connection is reset). HTTP then meets the
 * AuthorizationPolicies of the workload (403 `RBAC: access denied`) and goes to the app from
 * 127.0.0.6 (InboundPassthroughCluster), which ISTIO_OUTPUT lets through.
 */
import { soOriginalDst } from '../../../engine/conntrack/origdst';
import { asIpv4 } from '../../../engine/addr/ipv4';
import { waitUntil, type Proc, type Task, type Wait, type Woken } from '../../../engine/proc/task';
import type { TcpSock } from '../../../engine/tcp/sock';
import { fnv32a } from '../../controllers/hash';
import { INBOUND_PASSTHROUGH_SRC } from '../iptables';
import { authorize, namespaceOfPrincipal, principalOf } from './authz';
import { header, looksLikeHttp, requestBytes, type HttpRequestHead, type HttpResponseMsg } from './http1';
import { connectUpstream, connOf, relay, serveRequests, tryUpstream } from './io';
import { localResponse, proxiedResponse, REPLIES } from './replies';
import { ipText, type Sidecar } from './sidecar';
import { Conn, serverHello } from './stream';
import { randomHex, type SpanConn } from './telemetry';

type Step<T> = Generator<Wait, T, Woken>;

const PASSTHROUGH_SRC = asIpv4((127 << 24) | 6);

/** Serve one connection that came in for the pod. */
export function* handleInbound(sc: Sidecar, task: Task, sock: TcpSock): Proc {
  sock.waker = task;
  const down = new Conn(sock);
  const od = soOriginalDst(sock);
  const port = od ? od.port : sock.lport;
  const from = `${ipText(sock.raddr)}:${sock.rport}`;
  for (;;) {
    down.pull();
    if (down.size || down.handshake.length || down.eof) break;
    yield waitUntil();
  }
  const pod = sc.pod;
  if (!pod || (down.eof && !down.size && !down.handshake.length)) {
    sock.close();
    return 0;
  }
  const cat = sc.mesh.catalog;
  const { mode, policy } = cat.mtlsMode(pod, port);
  const policyName = policy ? `PeerAuthentication ${policy.metadata.namespace}/${policy.metadata.name}` : 'the mesh default';
  let peer: string | undefined;
  const hello = down.handshake.find((h) => h.kind === 'client-hello');
  if (hello) {
    if (mode === 'DISABLE') {
      sc.event(`mTLS from ${from} to port ${port} refused: ${policyName} says DISABLE, no filter chain terminates TLS; connection reset`, true);
      sock.abort();
      return 0;
    }
    peer = hello.identity;
    down.send(serverHello(cat.identity(pod)));
    down.tls = true;
  } else if (mode === 'STRICT') {
    sc.event(`plaintext from ${from} to port ${port} refused: ${policyName} is STRICT (mTLS only), no filter chain matches; connection reset`, true);
    sock.abort();
    return 0;
  }
  for (;;) {
    down.pull();
    if (down.size || down.eof) break;
    yield waitUntil();
  }
  if (!down.size) {
    sock.close();
    return 0;
  }
  if (!looksLikeHttp(down.buffered)) {
    sc.event(`TCP from ${from}${peer ? ` (${peer})` : ''} → inbound|${port}||, to the app on ${sc.ip}:${port}`);
    const c = yield* connectUpstream(sc, task, sc.ip, port, Infinity, 10_000, PASSTHROUGH_SRC);
    if ('fail' in c) {
      sock.abort();
      return 0;
    }
    yield* relay(down, new Conn(c.sk));
    return 0;
  }
  return yield* serveRequests(task, down, sock, (req, body) => inboundRequest(sc, task, req, body, port, peer, sock, connOf(sock)));
}

/** Envoy's x-forwarded-client-cert for an mTLS peer: our identity, the peer's certificate hash and URI. */
function xfcc(by: string, peer: string): string {
  let hash = '';
  for (let i = 0; hash.length < 64; i++) hash += fnv32a(`${i}:${peer}`).toString(16).padStart(8, '0');
  return `By=${by};Hash=${hash.slice(0, 64)};Subject="";URI=${peer}`;
}

function* inboundRequest(sc: Sidecar, task: Task, req: HttpRequestHead, body: Uint8Array, port: number, peer: string | undefined, sock: TcpSock, downConn: SpanConn): Step<HttpResponseMsg> {
  const w = sc.world;
  const cat = sc.mesh.catalog;
  const pod = sc.pod!;
  const start = w.now;
  const principal = principalOf(peer);
  const namespace = namespaceOfPrincipal(principal);
  const random = () => w.random();
  const traceId = header(req.headers, 'x-b3-traceid') ?? randomHex(random, 32);
  const spanId = randomHex(random, 16);
  const cluster = `inbound|${port}||`;
  const span = { traceId, spanId, parentId: header(req.headers, 'x-b3-spanid'), kind: 'server' as const, pod: sc.podName, source: principal ?? ipText(sock.raddr), destination: cluster, route: 'default', attempt: Number(header(req.headers, 'x-envoy-attempt-count') ?? 1), method: req.method, path: req.path, mtls: peer !== undefined };
  const authority = header(req.headers, 'host') ?? '';
  const verdict = authorize(cat.authorizationPolicies(pod), { principal, namespace, sourceIp: ipText(sock.raddr), method: req.method, path: req.path, host: authority, port });
  if (!verdict.allowed) {
    const r = REPLIES.rbacDenied(verdict.reason);
    sc.event(`${req.method} ${req.path} from ${principal ?? ipText(sock.raddr)}: 403 RBAC: access denied — ${verdict.reason}`, true);
    sc.mesh.telemetry.record({ ...span, upstreamHost: '-', responseCode: 403, responseFlags: '-', start, duration: 0, conns: [downConn] });
    return localResponse(r, w.now);
  }
  sc.event(`${req.method} ${req.path} from ${principal ?? `${ipText(sock.raddr)} (plaintext)`} → ${cluster}: ${verdict.reason}; to the app from ${INBOUND_PASSTHROUGH_SRC}`);
  const headers = req.headers.filter(([k]) => k.toLowerCase() !== 'x-forwarded-client-cert');
  if (peer) headers.push(['x-forwarded-client-cert', xfcc(cat.identity(pod), peer)]);
  const o = yield* tryUpstream(sc, task, { ip: sc.ip, port, bytes: requestBytes(req.method, req.path, headers, body), head: req.method === 'HEAD', mtls: undefined, bindAddr: PASSTHROUGH_SRC, deadline: Infinity, connectTimeoutMs: 10_000 });
  const upstreamHost = `${sc.ip}:${port}`;
  if (o.kind !== 'response') {
    const r = o.kind === 'reset' ? REPLIES.reset(false) : REPLIES.connectFailure(false);
    sc.event(`the app on ${upstreamHost} did not answer (${r.why}): ${r.status} ${r.flag}`, true);
    sc.mesh.telemetry.record({ ...span, upstreamHost, responseCode: r.status, responseFlags: r.flag, start, duration: w.now - start, conns: o.conn ? [downConn, o.conn] : [downConn] });
    return localResponse(r, w.now);
  }
  sc.mesh.telemetry.record({ ...span, upstreamHost, responseCode: o.res.status, responseFlags: '-', start, duration: w.now - start, conns: [downConn, o.conn] });
  return proxiedResponse(o.res, w.now - start);
}
