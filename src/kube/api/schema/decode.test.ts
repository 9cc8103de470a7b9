import { describe, expect, it } from 'vitest';
import { convertUnstructured, decodeBody, goMapString } from './decode';
import { KIND_STRUCTS } from './structs';

const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });
const podSpec = (container: Record<string, unknown>) => ({ containers: [{ name: 'c', image: 'nginx', ...container }] });

describe('decoding a request body (sigs.k8s.io/json, strict)', () => {
  it('names every unknown field by its path, indexes included, in the order kubectl sends keys (sorted)', () => {
    const d = decodeBody(KIND_STRUCTS.Deployment, deployment({ replica: 2, template: { spec: podSpec({ requests: { cpu: '1' }, ContainerPort: 80 }) }, selector: {} }));
    expect(d.error).toBeUndefined();
    expect(d.unknown).toEqual(['unknown field "spec.replica"', 'unknown field "spec.template.spec.containers[0].ContainerPort"', 'unknown field "spec.template.spec.containers[0].requests"']);
    expect((d.value as { spec: Record<string, unknown> }).spec).not.toHaveProperty('replica');
  });

  it('reports the first type error with the innermost struct and the field names from the root', () => {
    expect(decodeBody(KIND_STRUCTS.Deployment, deployment({ replicas: '2' })).error).toBe('json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels: { tier: 1 } }, spec: { ports: [{ port: 'http' }] } };
    expect(decodeBody(KIND_STRUCTS.Service, svc).error).toBe('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
    const ports = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: { port: 80 } } };
    expect(decodeBody(KIND_STRUCTS.Service, ports).error).toBe('json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort');
    const big = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 1.5 }, { port: 99999999999, targetPort: true }] } };
    expect(decodeBody(KIND_STRUCTS.Service, big).error).toBe('json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.port of type int32');
    const top = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: 'x' };
    expect(decodeBody(KIND_STRUCTS.Pod, top).error).toBe('json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec');
  });

  it('takes a port by number or by name, and refuses a quantity that does not parse', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } };
    expect(decodeBody(KIND_STRUCTS.Service, svc)).toMatchObject({ error: undefined, unknown: [] });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec({ resources: { limits: { cpu: 'lots' } } }) };
    expect(decodeBody(KIND_STRUCTS.Pod, pod).error).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('converting a patched object (the unstructured converter)', () => {
  it('sorts the unknown fields and has its own type errors', () => {
    const d = convertUnstructured(KIND_STRUCTS.Deployment, deployment({ zeta: 1, replicas: 2, alpha: true }));
    expect(d.unknown).toEqual(['unknown field "spec.alpha"', 'unknown field "spec.zeta"']);
    expect(convertUnstructured(KIND_STRUCTS.Deployment, deployment({ replicas: 'two' })).error).toBe('unrecognized type: int32');
    expect(convertUnstructured(KIND_STRUCTS.Deployment, deployment({ template: 'x' })).error).toBe('cannot restore struct from: string');
    expect(convertUnstructured(KIND_STRUCTS.Deployment, deployment({ template: { spec: { containers: {} } } })).error).toBe('cannot restore slice from map');
  });

  it("prints a patch as Go's %+v prints a map", () => {
    expect(goMapString({ spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }], replicas: 2, paused: null, r: 0.5 } })).toBe('map[spec:map[paused:<nil> r:0.5 replicas:2 volumes:[map[hostPath:map[path:/x] name:v]]]]');
  });
});
