import { describe, expect, it, vi } from 'vitest';
import { testCluster } from './testCluster';
import { wordWrap } from './explain';

vi.setConfig({ testTimeout: 60_000 });

describe('wordWrap (go-wordwrap, as kubectl explain wraps descriptions)', () => {
  it('breaks at spaces before the limit, keeps newlines, never splits a long word', () => {
    expect(wordWrap('aaa bbb ccc ddd', 7)).toBe('aaa bbb\nccc ddd');
    expect(wordWrap('More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', 76)).toBe('More info:\nhttps://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata');
    expect(wordWrap('one\n\ntwo three', 5)).toBe('one\n\ntwo\nthree');
    expect(wordWrap('ends with a newline\n', 76)).toBe('ends with a newline\n');
  });
});

describe('kubectl explain', () => {
  const { kubectl } = testCluster();

  it('explains a kind: GROUP for a named group, KIND, VERSION, its description, then every field with its own', () => {
    const r = kubectl('explain deploy');
    expect(r.exit).toBe(0);
    expect(r.stdout.startsWith(
      'GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nDESCRIPTION:\n    Deployment enables declarative updates for Pods and ReplicaSets.\n    \nFIELDS:\n' +
        '  apiVersion\t<string>\n    APIVersion defines the versioned schema of this representation of an object.\n    Servers should convert recognized schemas to the latest internal value, and\n    may reject unrecognized values. More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources\n\n' +
        '  kind\t<string>\n',
    )).toBe(true);
    // fields in key order, the last followed by the template's closing newline
    expect(r.stdout.match(/^ {2}(\w+)\t/gm)!.map((l) => l.trim())).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(r.stdout.endsWith('\n\n\n')).toBe(true);
    expect(kubectl('explain pods').stdout.startsWith('KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n    Pod is a collection of containers that can run on a host. This resource is\n    created by clients and scheduled onto hosts.\n    \nFIELDS:\n')).toBe(true);
  });

  it('explains a field through lists: FIELD with its type, its description then its type’s, the type’s fields', () => {
    const r = kubectl('explain svc.spec.ports');
    expect(r.stdout.startsWith(
      'KIND:       Service\nVERSION:    v1\n\nFIELD: ports <[]ServicePort>\n\n\nDESCRIPTION:\n    The list of ports that are exposed by this service. More info:\n    https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies\n    ServicePort contains information on service\'s port.\n    \nFIELDS:\n  appProtocol\t<string>\n',
    )).toBe(true);
    expect(r.stdout).toContain('  port\t<integer> -required-\n    The port that will be exposed by this service.\n\n');
    expect(r.stdout).toContain('  targetPort\t<string>\n');
    // a primitive: no FIELDS
    const proto = kubectl('explain networkpolicies.spec.ingress.ports.protocol');
    expect(proto.stdout).toBe(
      'GROUP:      networking.k8s.io\nKIND:       NetworkPolicy\nVERSION:    v1\n\nFIELD: protocol <string>\nENUM:\n    SCTP\n    TCP\n    UDP\n\nDESCRIPTION:\n    protocol represents the protocol (TCP, UDP, or SCTP) which traffic must\n    match. If not specified, this field defaults to TCP.\n    \n    Possible enum values:\n     - `"SCTP"` is the SCTP protocol.\n     - `"TCP"` is the TCP protocol.\n     - `"UDP"` is the UDP protocol.\n    \n\n',
    );
  });

  it('shows an enum’s values under its field and their meanings in its description, as a recorded kubectl 1.3x explain svc.spec does', () => {
    const r = kubectl('explain svc.spec');
    expect(r.stdout.startsWith('KIND:       Service\nVERSION:    v1\n\nFIELD: spec <ServiceSpec>\n\n\nDESCRIPTION:\n')).toBe(true);
    expect(r.stdout).toContain(
      '  sessionAffinity\t<string>\n  enum: ClientIP, None\n    Supports "ClientIP" and "None". Used to maintain session affinity. Enable\n    client IP based session affinity. Must be ClientIP or None. Defaults to\n    None. More info:\n    https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies\n    \n    Possible enum values:\n     - `"ClientIP"` is the Client IP based.\n     - `"None"` - no session affinity.\n\n',
    );
    expect(r.stdout).toContain('  internalTrafficPolicy\t<string>\n  enum: Cluster, Local\n');
    expect(r.stdout).toContain('     - `"Local"` routes traffic only to endpoints on the same node as the client\n    pod (dropping the traffic if there are no local endpoints).\n\n');
    expect(r.stdout).toContain('  type\t<string>\n  enum: ClusterIP, ExternalName, LoadBalancer, NodePort\n');
  });

  it('lists names only with --recursive, two spaces deeper per level', () => {
    const r = kubectl('explain netpol.spec --recursive');
    expect(r.stdout).toContain('FIELDS:\n  egress\t<[]NetworkPolicyEgressRule>\n    ports\t<[]NetworkPolicyPort>\n      endPort\t<integer>\n      port\t<string>\n      protocol\t<string>\n      enum: SCTP, TCP, UDP\n    to\t<[]NetworkPolicyPeer>\n      ipBlock\t<IPBlock>\n        cidr\t<string> -required-\n        except\t<[]string>\n');
    // the DESCRIPTION stays; under FIELDS every line is a name and its type
    expect(r.stdout).toMatch(/\nDESCRIPTION:\n {4}spec represents the specification of the desired behavior for this\n {4}NetworkPolicy.\n {4}NetworkPolicySpec provides the specification of a NetworkPolicy\n {4}\nFIELDS:\n/);
    const fields = r.stdout.split('FIELDS:\n')[1].trimEnd().split('\n');
    expect(fields.every((l) => /^( {2})+(\w+\t<[^>]+>( -required-)?|enum: .*)$/.test(l))).toBe(true);
  });

  it('refuses as kubectl does: no resource, two, an unknown type, an unknown field (named by the path’s last element)', () => {
    expect(kubectl('explain').stderr).toBe('error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n');
    expect(kubectl('explain pods svc').stderr).toBe('error: We accept only this format: explain RESOURCE\n');
    expect(kubectl('explain widgets').stderr).toBe('error: the server doesn\'t have a resource type "widgets"\n');
    const missing = kubectl('explain pod.spec.nope.deeper');
    expect([missing.exit, missing.stdout, missing.stderr]).toEqual([1, '', 'error: field "deeper" does not exist\n']);
    expect(kubectl('explain svc.spec.type.more').stderr).toBe('error: field "more" does not exist\n');
  });

  it('says so for the parts of a pod Hoplab does not model, rather than print them wrong', () => {
    const r = kubectl('explain pod.spec.volumes');
    expect([r.exit, r.stdout, r.stderr]).toEqual([1, '', 'error: Hoplab does not model the fields of Volume, so it cannot explain them\n']);
    expect(kubectl('explain pod --recursive').stderr).toMatch(/^error: Hoplab does not model the fields of \w+, so it cannot explain them\n$/);
  });
});
