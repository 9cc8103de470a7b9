/**
 * agnhost `serve-hostname --tcp|--udp --http=false --port N` (test/images/agnhost/serve-hostname),
 * the server of the upstream NetworkPolicy e2e pods, one container per port and protocol: over
 * TCP each connection gets the hostname and is closed; over UDP each datagram is answered with
 * the hostname. Each request is logged as Go's log package does ("TCP request from 10.244.1.3:41234").
 */
import { formatIpv4, type Ipv4 } from '../../engine/addr/ipv4';
import type { Netns } from '../../engine/netns/netns';
import type { SockErrno } from '../../engine/socket/errno';
import { udpSocket, type UdpSock } from '../../engine/socket/udp_sock';
import { tcpSocket, type TcpSock } from '../../engine/tcp/sock';
import { textPayload } from '../../engine/wire/payload';

export interface ServeHostname {
  close(): void;
}

const encoder = new TextEncoder();

export function startServeHostname(ns: Netns, protocol: 'TCP' | 'UDP', port: number, log: (line: string) => void): ServeHostname | SockErrno {
  return protocol === 'TCP' ? serveTcp(ns, port, log) : serveUdp(ns, port, log);
}

function serveTcp(ns: Netns, port: number, log: (line: string) => void): ServeHostname | SockErrno {
  const l = tcpSocket(ns);
  const e = l.bind(0 as Ipv4, port) ?? l.listen(4096);
  if (e) {
    l.close();
    return e;
  }
  const answer = (): void => {
    for (let c: TcpSock | undefined = l.accept(); c !== undefined; c = l.accept()) {
      log(`TCP request from ${formatIpv4(c.raddr)}:${c.rport}`);
      c.send(encoder.encode(ns.hostname));
      c.close();
    }
  };
  l.waker = { wake: () => ns.world.scheduleCall(0, answer, undefined, undefined) };
  return { close: () => l.close() };
}

function serveUdp(ns: Netns, port: number, log: (line: string) => void): ServeHostname | SockErrno {
  const u = udpSocket(ns);
  const e = u.bind(0 as Ipv4, port);
  if (e) {
    u.close();
    return e;
  }
  const answer = (sk: UdpSock): void => {
    for (let d = sk.recv(); d !== undefined; d = sk.recv()) {
      if (typeof d === 'string') continue;
      log(`UDP request from ${formatIpv4(d.from)}:${d.port}`);
      sk.sendto(textPayload(ns.hostname), d.from, d.port);
    }
  };
  u.waker = { wake: () => ns.world.scheduleCall(0, answer, u, undefined) };
  return { close: () => u.close() };
}
