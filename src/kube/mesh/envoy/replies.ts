/**
 * What Envoy answers itself (local replies), with the bodies and response flags its router and
 * filters use, and the headers it puts on every response it sends downstream.
 */
import { CLUSTER_EPOCH_MS } from '../../apiserver/clock';
import { STATUS_TEXT } from '../../../engine/tcp/http/netexec';
import { textBytes, type Headers, type HttpResponseMsg } from './http1';

/** The HTTP Date a sidecar stamps (RFC 7231's IMF-fixdate), on the cluster's wall clock. */
export const httpDate = (virtualMs: number): string => new Date(CLUSTER_EPOCH_MS + Math.floor(virtualMs)).toUTCString();

export const UPSTREAM_RESET = 'upstream connect error or disconnect/reset before headers.';

export interface LocalReply {
  status: number;
  body: string;
  /** Envoy's response flag (access log `%RESPONSE_FLAGS%`) */
  flag: string;
  /** why, in the trace's words */
  why: string;
}

export const REPLIES = {
  noHealthyUpstream: (cluster: string): LocalReply => ({ status: 503, body: 'no healthy upstream', flag: 'UH', why: `no healthy upstream in ${cluster}: every endpoint is ejected or there is none` }),
  connectFailure: (retried: boolean, reason = 'connection failure'): LocalReply => ({
    status: 503,
    body: `${UPSTREAM_RESET} ${retried ? 'retried and the latest ' : ''}reset reason: ${reason}`,
    flag: retried ? 'URX,UF' : 'UF',
    why: `upstream ${reason}${retried ? ' (retries exhausted)' : ''}`,
  }),
  reset: (retried: boolean): LocalReply => ({ status: 503, body: `${UPSTREAM_RESET} ${retried ? 'retried and the latest ' : ''}reset reason: connection termination`, flag: retried ? 'URX,UC' : 'UC', why: 'the upstream connection was reset before a response' }),
  overflow: (cluster: string): LocalReply => ({ status: 503, body: `${UPSTREAM_RESET} reset reason: overflow`, flag: 'UO', why: `${cluster}'s connection pool is full (circuit breaker)` }),
  timeout: (): LocalReply => ({ status: 504, body: 'upstream request timeout', flag: 'UT', why: 'the route timeout passed before the upstream answered' }),
  noRoute: (host: string): LocalReply => ({ status: 404, body: '', flag: 'NR', why: `no route of the VirtualService for ${host} matches the request` }),
  noCluster: (cluster: string): LocalReply => ({ status: 503, body: '', flag: 'NC', why: `the route names ${cluster}, which no DestinationRule subset defines` }),
  faultAbort: (status: number): LocalReply => ({ status, body: 'fault filter abort', flag: 'FI', why: `fault injection aborted the request with ${status}` }),
  rbacDenied: (why: string): LocalReply => ({ status: 403, body: 'RBAC: access denied', flag: '-', why }),
};

/** A local reply as Envoy sends it: content-length, content-type, then date and server. */
export function localResponse(r: LocalReply, now: number): HttpResponseMsg {
  const body = textBytes(r.body);
  const headers: Headers = [['content-length', String(body.length)]];
  if (body.length) headers.push(['content-type', 'text/plain']);
  headers.push(['date', httpDate(now)], ['server', 'envoy']);
  return { status: r.status, reason: STATUS_TEXT[r.status] ?? '', headers, body };
}

/**
 * An upstream's response as the sidecar passes it on: header names lower-cased, the time the
 * upstream took, and `server: envoy` (in place of the upstream's own Server header, else last).
 */
export function proxiedResponse(r: HttpResponseMsg, upstreamMs: number): HttpResponseMsg {
  const headers: Headers = r.headers.map(([k, v]) => [k.toLowerCase(), v]);
  // set as Envoy's header map sets an inline header: in place when present, else appended
  const set = (name: string, value: string) => {
    const i = headers.findIndex(([k]) => k === name);
    if (i >= 0) headers[i] = [name, value];
    else headers.push([name, value]);
  };
  set('x-envoy-upstream-service-time', String(Math.round(upstreamMs)));
  set('server', 'envoy');
  return { ...r, headers };
}
