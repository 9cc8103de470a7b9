/**
 * The name databases iptables consults through the C library: services (getservbyport /
 * getservbyname), protocols (getprotobynumber / getprotobyname) and networks (getnetbyaddr), as
 * Debian's netbase ships them (/etc/services, /etc/protocols, /etc/networks). Each entry is
 * `name[|alias…]:number`, in file order: the first entry for a number is its name.
 */
import { asIpv4, type Ipv4 } from '../addr/ipv4';

const SERVICES_TCP =
  'tcpmux:1 echo:7 discard|sink|null:9 systat|users:11 daytime:13 netstat:15 qotd|quote:17 chargen|ttytst|source:19 ftp-data:20 ftp:21 ssh:22 telnet:23 smtp|mail:25 time|timserver:37 whois|nicname:43 tacacs:49 domain:53 gopher:70 finger:79 http|www:80 kerberos|kerberos5|krb5|kerberos-sec:88 iso-tsap|tsap:102 acr-nema|dicom:104 pop3|pop-3:110 sunrpc|portmapper:111 auth|authentication|tap|ident:113 nntp|readnews|untp:119 epmap|loc-srv:135 netbios-ssn:139 imap2|imap:143 snmp:161 snmp-trap|snmptrap:162 cmip-man:163 cmip-agent:164 mailq:174 bgp:179 smux:199 qmtp:209 z3950|wais:210 pawserv:345 zserv:346 rpc2portmap:369 codaauth2:370 ldap:389 svrloc:427 https:443 snpp:444 microsoft-ds:445 kpasswd:464 submissions|ssmtp|smtps|urd:465 saft:487 rtsp:554 nqs:607 qmqp:628 ipp:631 ldp:646 exec:512 login:513 shell|cmd|syslog:514 printer|spooler:515 gdomap:538 uucp|uucpd:540 klogin:543 kshell|krcmd:544 afpovertcp:548 nntps|snntp:563 submission:587 ldaps:636 tinc:655 silc:706 kerberos-adm:749 domain-s:853 rsync:873 ftps-data:989 ftps:990 telnets:992 imaps:993 pop3s:995 socks:1080 proofd:1093 rootd:1094 openvpn:1194 rmiregistry:1099 lotusnote|lotusnotes:1352 ms-sql-s:1433 ingreslock:1524 datametrics|old-radius:1645 sa-msg-port|old-radacct:1646 kermit:1649 groupwise:1677 radius:1812 radius-acct|radacct:1813 cisco-sccp:2000 nfs:2049 gnunet:2086 rtcm-sc104:2101 gsigatekeeper:2119 gris:2135 cvspserver:2401 venus:2430 venus-se:2431 codasrv:2432 codasrv-se:2433 mon:2583 dict:2628 f5-globalsite:2792 gsiftp:2811 gpsd:2947 gds-db|gds_db:3050 isns:3205 iscsi-target:3260 mysql:3306 ms-wbt-server:3389 nut:3493 distcc:3632 daap:3689 svn|subversion:3690 suucp:4031 sysrqd:4094 sieve:4190 epmd:4369 remctl:4373 f5-iquery:4353 ntske:4460 mtn:4691 radmin-port:4899 sip:5060 sip-tls:5061 xmpp-client|jabber-client:5222 xmpp-server|jabber-server:5269 cfengine:5308 postgresql|postgres:5432 freeciv|rptp:5556 amqps:5671 amqp:5672 x11|x11-0:6000 x11-1:6001 x11-2:6002 x11-3:6003 x11-4:6004 x11-5:6005 x11-6:6006 x11-7:6007 gnutella-svc:6346 gnutella-rtr:6347 redis:6379 sge-qmaster|sge_qmaster:6444 sge-execd|sge_execd:6445 mysql-proxy:6446 ircs-u:6697 bbs:7000 font-service|xfs:7100 http-alt|webcache:8080 puppet:8140 bacula-dir:9101 bacula-fd:9102 bacula-sd:9103 xmms2:9667 nbd:10809 zabbix-agent:10050 zabbix-trapper:10051 amanda:10080 dicom:11112 hkp:11371 db-lsp:17500 dcap:22125 gsidcap:22128 wnn6:22273 kerberos4|kerberos-iv|kdc:750 kerberos-master:751 krb-prop|krb_prop|krb5_prop|hprop:754 iprop:2121 supfilesrv:871 supfiledbg:1127 poppassd:106 moira-db|moira_db:775 moira-update|moira_update:777 spamd:783 skkserv:1178 rmtcfg:1236 xtel:1313 xtelw:1314 zebrasrv:2600 zebra:2601 ripd:2602 ripngd:2603 ospfd:2604 bgpd:2605 ospf6d:2606 ospfapi:2607 isisd:2608 fax:4557 hylafax:4559 munin|lrrd:4949 nrpe:5666 nsca:5667 canna:5680 syslog-tls:6514 sane-port|sane|saned:6566 ircd:6667 zope-ftp:8021 tproxy:8081 omniorb:8088 clc-build-daemon:8990 xinetd:9098 git:9418 zope:9673 webmin:10000 kamanda:10081 amandaidx:10082 amidxtape:10083 sgi-cad:17004 binkp:24554 asp:27374 csync2:30865 dircproxy:57000 tfido:60177 fido:60179';
const SERVICES_UDP =
  'echo:7 discard|sink|null:9 daytime:13 chargen|ttytst|source:19 fsp|fspd:21 time|timserver:37 tacacs:49 domain:53 bootps:67 bootpc:68 tftp:69 kerberos|kerberos5|krb5|kerberos-sec:88 sunrpc|portmapper:111 ntp:123 netbios-ns:137 netbios-dgm:138 snmp:161 snmp-trap|snmptrap:162 cmip-man:163 cmip-agent:164 xdmcp:177 ipx:213 ptp-event:319 ptp-general:320 rpc2portmap:369 codaauth2:370 clearcase|Clearcase:371 ldap:389 svrloc:427 https:443 kpasswd:464 isakmp:500 rtsp:554 asf-rmcp:623 ldp:646 biff|comsat:512 who|whod:513 syslog:514 talk:517 ntalk:518 route|router|routed:520 gdomap:538 dhcpv6-client:546 dhcpv6-server:547 ldaps:636 tinc:655 domain-s:853 openvpn:1194 ms-sql-m:1434 datametrics|old-radius:1645 sa-msg-port|old-radacct:1646 l2f|l2tp:1701 radius:1812 radius-acct|radacct:1813 nfs:2049 gnunet:2086 rtcm-sc104:2101 venus:2430 venus-se:2431 codasrv:2432 codasrv-se:2433 mon:2583 icpv2|icp:3130 isns:3205 nut:3493 ipsec-nat-t:4500 iax:4569 sip:5060 sip-tls:5061 mdns:5353 gnutella-svc:6346 gnutella-rtr:6347 babel:6696 afs3-fileserver:7000 afs3-callback:7001 afs3-prserver:7002 afs3-vlserver:7003 afs3-kaserver:7004 afs3-volser:7005 afs3-bos:7007 afs3-update:7008 afs3-rmtsys:7009 kerberos4|kerberos-iv|kdc:750 kerberos-master|kerberos_master:751 passwd-server|passwd_server:752 zephyr-srv:2102 zephyr-clt:2103 zephyr-hm:2104 moira-ureg|moira_ureg:779 predict:1210 rplay:5555 sgi-cmsd:17001 sgi-crsd:17002 sgi-gcd:17003 asp:27374';
const PROTOCOLS =
  'ip|IP:0 hopopt|HOPOPT:0 icmp|ICMP:1 igmp|IGMP:2 ggp|GGP:3 ipencap|IP-ENCAP:4 st|ST:5 tcp|TCP:6 egp|EGP:8 igp|IGP:9 pup|PUP:12 udp|UDP:17 hmp|HMP:20 xns-idp|XNS-IDP:22 rdp|RDP:27 iso-tp4|ISO-TP4:29 dccp|DCCP:33 xtp|XTP:36 ddp|DDP:37 idpr-cmtp|IDPR-CMTP:38 ipv6|IPv6:41 ipv6-route|IPv6-Route:43 ipv6-frag|IPv6-Frag:44 idrp|IDRP:45 rsvp|RSVP:46 gre|GRE:47 esp|IPSEC-ESP:50 ah|IPSEC-AH:51 skip|SKIP:57 ipv6-icmp|IPv6-ICMP:58 ipv6-nonxt|IPv6-NoNxt:59 ipv6-opts|IPv6-Opts:60 rspf|RSPF|CPHB:73 vmtp|VMTP:81 eigrp|EIGRP:88 ospf|OSPFIGP:89 ax.25|AX.25:93 ipip|IPIP:94 etherip|ETHERIP:97 encap|ENCAP:98 pim|PIM:103 ipcomp|IPCOMP:108 vrrp|VRRP:112 l2tp|L2TP:115 isis|ISIS:124 sctp|SCTP:132 fc|FC:133 mobility-header|Mobility-Header:135 udplite|UDPLite:136 mpls-in-ip|MPLS-in-IP:137 manet:138 hip|HIP:139 shim6|Shim6:140 wesp|WESP:141 rohc|ROHC:142 ethernet|Ethernet:143 mptcp|MPTCP:262';

interface Db {
  byNumber: Map<number, string>;
  byName: Map<string, number>;
}

function load(text: string): Db {
  const db: Db = { byNumber: new Map(), byName: new Map() };
  for (const e of text.split(' ')) {
    const [names, num] = e.split(':');
    const n = Number(num);
    const [name, ...aliases] = names.split('|');
    if (!db.byNumber.has(n)) db.byNumber.set(n, name);
    for (const a of [name, ...aliases]) if (!db.byName.has(a)) db.byName.set(a, n);
  }
  return db;
}

let dbs: { tcp: Db; udp: Db; proto: Db } | undefined;
const get = () => (dbs ??= { tcp: load(SERVICES_TCP), udp: load(SERVICES_UDP), proto: load(PROTOCOLS) });

/** getservbyport(port, proto)->s_name */
export const serviceName = (port: number, proto: 'tcp' | 'udp'): string | undefined => get()[proto].byNumber.get(port);
/** getservbyname(name, proto)->s_port */
export const servicePort = (name: string, proto: 'tcp' | 'udp'): number | undefined => get()[proto].byName.get(name);
/** getprotobynumber(n)->p_name */
export const protocolName = (n: number): string | undefined => get().proto.byNumber.get(n);
/** getprotobyname(name)->p_proto */
export const protocolNumber = (name: string): number | undefined => get().proto.byName.get(name);

/** getnetbyaddr(): /etc/networks */
const NETWORKS: [Ipv4, string][] = [
  [asIpv4(0), 'default'],
  [asIpv4(0x7f000000), 'loopback'],
  [asIpv4(0xa9fe0000), 'link-local'],
];
export const networkName = (a: Ipv4): string | undefined => NETWORKS.find(([n]) => n === a)?.[1];

/** gethostbyaddr() from /etc/hosts (DNS is out of reach of a lab's namespaces) */
export const hostName = (a: Ipv4): string | undefined => (a === 0x7f000001 ? 'localhost' : undefined);
