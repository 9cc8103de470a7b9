/** Manifests the NetworkPolicy tests apply with `kubectl apply -f -`. */

/** A pod labelled `pod=<name>` (on `node` when given) running `image`. */
export const podManifest = (ns: string, name: string, node?: string, image = 'busybox') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {pod: ${name}}}
spec:
${node ? `  nodeName: ${node}\n` : ''}  containers:
  - name: c
    image: ${image}
`;

/** A NetworkPolicy with its spec in flow YAML. */
export const policyManifest = (ns: string, name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec: ${spec}
`;
