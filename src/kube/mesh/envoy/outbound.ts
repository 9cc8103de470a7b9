/**
 * The outbound side of a sidecar (listener 0.0.0.0:15001, `virtualOutbound`): what the app sent,
 * captured by ISTIO_REDIRECT, with the destination it dialled read back from conntrack. HTTP is
 * routed by the VirtualService of the Service it was for, a destination picked by weight, the
 * DestinationRule's subset endpoints balanced, retried and ejected as the policies say, and each
 * try sent to the endpoint — with mutual TLS when the endpoint has a sidecar (auto mTLS). What is
 * not HTTP is proxied as TCP; a destination the mesh does not know goes through PassthroughCluster.
 */
import { soOriginalDst } from '../../../engine/conntrack/origdst';
import { sleepUntil, waitUntil, type Proc, type Task, type Wait, type Woken } from '../../../engine/proc/task';
import type { TcpSock } from '../../../engine/tcp/sock';
import type { ServicePort } from '../../api/types';
import { clusterName, type MeshEndpoint, type MeshService } from './catalog';
import { header, looksLikeHttp, requestBytes, type Headers, type HttpRequestHead, type HttpResponseMsg } from './http1';
import { connectUpstream, connOf, relay, serveRequests, tryUpstream, type TryOutcome } from './io';
import { localResponse, proxiedResponse, REPLIES, type LocalReply } from './replies';
import { chooseRoute, faultPercent, pickWeighted, type ChosenRoute, type RetryPolicy } from './route';
import { ipText, type Sidecar } from './sidecar';
import { clientHello, Conn } from './stream';
import { randomHex, type SpanConn } from './telemetry';
import { clusterPolicy, hostKey } from './upstream';
import { parseDuration } from '../duration';

type Step<T> = Generator<Wait, T, Woken>;

/** Serve one connection the app opened. */
export function* handleOutbound(sc: Sidecar, task: Task, sock: TcpSock): Proc {
  sock.waker = task;
  const down = new Conn(sock);
  const od = soOriginalDst(sock);
  const dst = od ? { ip: ipText(od.addr), port: od.port } : { ip: ipText(sock.laddr), port: sock.lport };
  // protocol sniffing: the first bytes say whether this is HTTP
  let http: boolean | undefined;
  for (;;) {
    down.pull();
    http = down.size ? looksLikeHttp(down.buffered) : undefined;
    if (http !== undefined || down.eof) break;
    yield waitUntil();
  }
  if (!http) {
    if (down.size === 0 && down.eof) sock.close();
    else yield* tcpOutbound(sc, task, down, dst);
    return 0;
  }
  return yield* serveRequests(task, down, sock, (req, body) => outboundRequest(sc, task, req, body, dst, connOf(sock)));
}

interface Target {
  ms: MeshService;
  port: ServicePort;
  cluster: string;
  endpoints: MeshEndpoint[];
  policy: ReturnType<typeof clusterPolicy>;
  /** mTLS mode the DestinationRule asks for, if any */
  tlsMode: string | undefined;
}

/** The cluster a route's destination names, with its endpoints; a LocalReply when there is none. */
function resolveTarget(sc: Sidecar, route: ChosenRoute, reqPort: number, ruleNs: string, clientNs: string): Target | LocalReply {
  const cat = sc.mesh.catalog;
  const t = pickWeighted(route.targets, () => sc.world.random());
  if (!t) return REPLIES.noCluster('(no destination with a weight)');
  const fqdn = cat.resolveHost(t.host, ruleNs);
  const ms = cat.byFqdn(fqdn);
  const ports = ms?.svc.spec.ports ?? [];
  const port = t.port !== undefined ? ports.find((p) => p.port === t.port) : ports.length === 1 ? ports[0] : ports.find((p) => p.port === reqPort);
  const name = clusterName(port?.port ?? t.port ?? reqPort, t.subset, fqdn);
  if (!ms || !port) return REPLIES.noCluster(name);
  const dr = cat.destinationRule(fqdn, clientNs);
  const subset = t.subset ? dr?.spec.subsets?.find((s) => s.name === t.subset) : undefined;
  if (t.subset && !subset) return REPLIES.noCluster(name);
  const sel = subset?.labels ?? {};
  const endpoints = cat.endpoints(ms, port).filter((e) => Object.entries(sel).every(([k, v]) => e.labels[k] === v));
  const tls = subset?.trafficPolicy?.tls?.mode ?? dr?.spec.trafficPolicy?.tls?.mode;
  return { ms, port, cluster: name, endpoints, policy: clusterPolicy(dr?.spec.trafficPolicy, subset?.trafficPolicy), tlsMode: tls };
}

/** Does Envoy retry this try's outcome under the policy? */
function retriable(o: TryOutcome, p: RetryPolicy): boolean {
  const on = p.on;
  switch (o.kind) {
    case 'connect-failure':
      return on.has('connect-failure') || on.has('5xx') || on.has('gateway-error') || on.has('reset');
    case 'reset':
      return on.has('reset') || on.has('5xx');
    case 'timeout':
      return on.has('5xx') || on.has('gateway-error') || on.has('reset');
    case 'response': {
      const s = o.res.status;
      if (on.has('5xx') && s >= 500) return true;
      if (on.has('gateway-error') && s >= 502 && s <= 504) return true;
      if (on.has('retriable-4xx') && s === 409) return true;
      return on.has('retriable-status-codes') && p.statuses.has(s);
    }
  }
}

/** Envoy's retry back-off: fully jittered, 25 ms doubling to 250 ms. */
const backoffMs = (retry: number, random: () => number): number => Math.floor(random() * Math.min(25 * 2 ** retry, 250));

/** One request the app sent: routed, tried, answered. */
function* outboundRequest(sc: Sidecar, task: Task, req: HttpRequestHead, body: Uint8Array, dst: { ip: string; port: number }, downConn: SpanConn): Step<HttpResponseMsg> {
  const w = sc.world;
  const cat = sc.mesh.catalog;
  const start = w.now;
  const pod = sc.pod;
  const clientNs = sc.sandbox.namespace;
  const authority = header(req.headers, 'host') ?? `${dst.ip}:${dst.port}`;
  const svc = cat.byAddress(dst.ip, dst.port) ?? cat.byAuthority(authority, clientNs, dst.port);
  const random = () => w.random();
  const traceId = header(req.headers, 'x-b3-traceid') ?? randomHex(random, 32);
  const parentId = header(req.headers, 'x-b3-spanid');
  const requestId = header(req.headers, 'x-request-id') ?? uuid(random);
  const baseSpan = { traceId, kind: 'client' as const, pod: sc.podName, source: sc.podName, method: req.method, path: req.path };
  const head = req.method === 'HEAD';
  const upstreamHeaders = (attempt: number, spanId: string): Headers => [
    ...req.headers.filter(([k]) => !/^x-(b3-|request-id$|envoy-attempt-count$|forwarded-proto$)/i.test(k)),
    ['x-forwarded-proto', 'http'],
    ['x-request-id', requestId],
    ['x-envoy-attempt-count', String(attempt)],
    ['x-b3-traceid', traceId],
    ['x-b3-spanid', spanId],
    ...(parentId ? ([['x-b3-parentspanid', parentId]] as Headers) : []),
    ['x-b3-sampled', '1'],
  ];
  const local = (r: LocalReply, destination: string, route: string, attempt = 0): HttpResponseMsg => {
    sc.event(`${req.method} ${authority}${req.path}: ${r.status}${r.flag !== '-' ? ` ${r.flag}` : ''} — ${r.why}`, true);
    sc.mesh.telemetry.record({ ...baseSpan, spanId: randomHex(random, 16), parentId, destination, route, attempt, upstreamHost: '-', responseCode: r.status, responseFlags: r.flag, mtls: false, start, duration: w.now - start, conns: [downConn] });
    return localResponse(r, w.now);
  };
  if (!svc) {
    // PassthroughCluster: a destination outside the mesh's registry, sent on as it was dialled
    sc.event(`${req.method} ${authority}${req.path} → PassthroughCluster ${dst.ip}:${dst.port} (no Service has this address)`);
    const spanId = randomHex(random, 16);
    const o = yield* tryUpstream(sc, task, { ip: dst.ip, port: dst.port, bytes: requestBytes(req.method, req.path, upstreamHeaders(1, spanId), body), head, mtls: undefined, deadline: Infinity, connectTimeoutMs: 10_000 });
    if (o.kind !== 'response') return local(o.kind === 'connect-failure' ? REPLIES.connectFailure(false) : o.kind === 'reset' ? REPLIES.reset(false) : REPLIES.timeout(), 'PassthroughCluster', 'allow_any');
    sc.mesh.telemetry.record({ ...baseSpan, spanId, parentId, destination: 'PassthroughCluster', route: 'allow_any', attempt: 1, upstreamHost: `${dst.ip}:${dst.port}`, responseCode: o.res.status, responseFlags: '-', mtls: false, start, duration: w.now - start, conns: [downConn, o.conn] });
    return proxiedResponse(o.res, w.now - start);
  }
  const vs = cat.virtualService(svc.ms.fqdn, clientNs);
  const route = chooseRoute(vs, svc.ms.fqdn, { method: req.method, path: req.path, headers: req.headers, authority, port: svc.port.port, sourceLabels: pod?.metadata.labels ?? {}, sourceNamespace: clientNs });
  const defaultCluster = clusterName(svc.port.port, '', svc.ms.fqdn);
  if (!route) return local(REPLIES.noRoute(svc.ms.fqdn), defaultCluster, `${vs!.metadata.name}.${vs!.metadata.namespace}`);
  const fault = route.fault;
  if (fault?.delay && random() * 100 < faultPercent(fault.delay)) {
    const ms = parseDuration(fault.delay.fixedDelay ?? '0s') ?? 0;
    sc.event(`fault injection delays ${req.method} ${authority}${req.path} by ${ms} ms (route ${route.name})`);
    yield sleepUntil(w.now + ms);
  }
  if (fault?.abort?.httpStatus !== undefined && random() * 100 < faultPercent(fault.abort)) return local(REPLIES.faultAbort(fault.abort.httpStatus), defaultCluster, route.name);
  const target = resolveTarget(sc, route, svc.port.port, route.vs?.metadata.namespace ?? clientNs, clientNs);
  if ('flag' in target) return local(target, defaultCluster, route.name);
  const up = sc.upstream(target.cluster, target.policy);
  const deadline = route.timeoutMs ? start + route.timeoutMs : Infinity;
  const avoid = new Set<string>();
  const tries = 1 + route.retry.attempts;
  let last: TryOutcome | undefined;
  let attempt = 0;
  for (attempt = 1; attempt <= tries; attempt++) {
    const pick = up.pick(target.endpoints, w.now, random, avoid);
    if (pick.kind === 'no-healthy') return local(REPLIES.noHealthyUpstream(target.cluster), target.cluster, route.name, attempt);
    if (pick.kind === 'overflow') return local(REPLIES.overflow(target.cluster), target.cluster, route.name, attempt);
    const ep = pick.endpoint;
    avoid.add(hostKey(ep));
    const mtls = target.tlsMode === 'ISTIO_MUTUAL' || (target.tlsMode === undefined && ep.sidecar && ep.pod !== undefined && cat.mtlsMode(ep.pod, ep.port).mode !== 'DISABLE');
    const spanId = randomHex(random, 16);
    const tryStart = w.now;
    const perTry = route.retry.perTryTimeoutMs ? Math.min(deadline, tryStart + route.retry.perTryTimeoutMs) : deadline;
    sc.event(`${req.method} ${authority}${req.path} → route ${route.name}${route.vs ? ` (VirtualService ${route.vs.metadata.namespace}/${route.vs.metadata.name})` : ''}, cluster ${target.cluster}, endpoint ${hostKey(ep)} (${target.policy.lb}), try ${attempt} of ${tries}${mtls ? ', mTLS' : ', plaintext'}`);
    up.begin(ep);
    const o = yield* tryUpstream(sc, task, {
      ip: ep.ip,
      port: ep.port,
      bytes: requestBytes(req.method, req.path, upstreamHeaders(attempt, spanId), body),
      head,
      mtls: mtls ? { sni: `outbound_.${target.port.port}_.${target.cluster.split('|')[2]}_.${target.ms.fqdn}`, identity: pod ? cat.identity(pod) : '' } : undefined,
      deadline: perTry,
      connectTimeoutMs: target.policy.connectTimeoutMs,
    });
    up.end(ep);
    last = o;
    const status = o.kind === 'response' ? o.res.status : o.kind === 'timeout' ? 504 : 503;
    const flag = o.kind === 'response' ? '-' : o.kind === 'timeout' ? 'UT' : o.kind === 'reset' ? 'UC' : 'UF';
    sc.mesh.telemetry.record({ ...baseSpan, spanId, parentId, destination: target.cluster, route: route.name, attempt, upstreamHost: hostKey(ep), responseCode: status, responseFlags: flag, mtls, start: tryStart, duration: w.now - tryStart, conns: o.conn ? [downConn, o.conn] : [downConn] });
    if (up.report(ep, status, w.now, target.endpoints.length)) sc.event(`outlier detection ejects ${hostKey(ep)} from ${target.cluster} for ${(target.policy.outlier?.baseEjectionMs ?? 0) / 1000}s × its ejections (consecutive 5xx)`, true);
    if (w.now >= deadline) break;
    if (attempt === tries || !retriable(o, route.retry)) break;
    sc.event(`try ${attempt} to ${hostKey(ep)} ${o.kind === 'response' ? `answered ${o.res.status}` : o.kind === 'timeout' ? 'timed out' : o.kind === 'reset' ? 'was reset' : `failed: ${o.kind === 'connect-failure' ? o.reason : ''}`}: retrying (retryOn ${[...route.retry.on].join(',')})`);
    yield sleepUntil(w.now + backoffMs(attempt, random));
  }
  const retried = attempt > 1;
  if (w.now >= deadline && deadline !== Infinity) return local(REPLIES.timeout(), target.cluster, route.name, attempt);
  if (!last || last.kind === 'connect-failure') return local(REPLIES.connectFailure(retried, last?.kind === 'connect-failure' ? last.reason : undefined), target.cluster, route.name, attempt);
  if (last.kind === 'reset') return local(REPLIES.reset(retried), target.cluster, route.name, attempt);
  if (last.kind === 'timeout') return local(REPLIES.timeout(), target.cluster, route.name, attempt);
  return proxiedResponse(last.res, w.now - start);
}

/** TCP through the sidecar: a Service's endpoints balanced, else the original destination. */
function* tcpOutbound(sc: Sidecar, task: Task, down: Conn, dst: { ip: string; port: number }): Step<void> {
  const w = sc.world;
  const cat = sc.mesh.catalog;
  const svc = cat.byAddress(dst.ip, dst.port);
  let ip = dst.ip;
  let port = dst.port;
  let name = 'PassthroughCluster';
  let mtls = false;
  if (svc) {
    name = clusterName(svc.port.port, '', svc.ms.fqdn);
    const dr = cat.destinationRule(svc.ms.fqdn, sc.sandbox.namespace);
    const up = sc.upstream(name, clusterPolicy(dr?.spec.trafficPolicy, undefined));
    const eps = cat.endpoints(svc.ms, svc.port);
    const pick = up.pick(eps, w.now, () => w.random());
    if (pick.kind !== 'host') {
      sc.event(`TCP to ${dst.ip}:${dst.port}: no healthy upstream in ${name}, connection closed`, true);
      down.sock.close();
      return;
    }
    ip = pick.endpoint.ip;
    port = pick.endpoint.port;
    const ep = pick.endpoint;
    mtls = ep.sidecar && ep.pod !== undefined && cat.mtlsMode(ep.pod, ep.port).mode !== 'DISABLE';
  }
  sc.event(`TCP to ${dst.ip}:${dst.port} → ${name}, endpoint ${ip}:${port}${mtls ? ', mTLS' : ''}`);
  const c = yield* connectUpstream(sc, task, ip, port, Infinity, 10_000);
  if ('fail' in c) {
    sc.event(`TCP to ${ip}:${port}: ${c.reason}, downstream connection reset`, true);
    down.sock.abort();
    return;
  }
  const up = new Conn(c.sk);
  if (mtls && sc.pod) {
    up.send(clientHello(`outbound_.${port}_._.${svc!.ms.fqdn}`, cat.identity(sc.pod)));
    up.tls = true;
  }
  yield* relay(down, up);
}

function uuid(random: () => number): string {
  const h = randomHex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
