/**
 * A Kubernetes cluster in the app (issue 11, "Done when", e2e): write a manifest in the editor,
 * see kubectl refuse a bad one as you type, apply a Deployment and a Service, see the Service on
 * the canvas linked to its pods, curl it from a pod's terminal (the answer names the pod that
 * served it), and follow kube-proxy's DNAT in the trace; Undo takes the manifest back.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

const HELLO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
---
apiVersion: v1
kind: Service
metadata:
  name: hello
spec:
  selector: {app: hello}
  ports:
  - {port: 80, targetPort: 8080}
`;

test('apply a Deployment and a Service from the manifest editor, see them on the canvas, curl the Service from a pod', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('cluster');
  await expect(page.getByTestId('node-node01')).toBeVisible();
  await expect(page.getByTestId('svc-kube-system-kube-dns')).toContainText('2/2 endpoints ready');

  await page.getByRole('tablist', { name: 'Analysis panels' }).getByRole('tab', { name: 'Manifests' }).click();
  const text = page.getByTestId('manifest-text');
  const check = page.getByTestId('manifest-check');
  const applyButton = page.getByTestId('manifest-apply');

  // a bad port: the API server's message with its field path, and nothing can be applied
  await text.fill(HELLO.replace('{port: 80, targetPort: 8080}', '{port: 80000, targetPort: 8080}'));
  await expect(check).toHaveAttribute('data-state', 'error');
  await expect(check).toContainText('The Service "hello" is invalid');
  await expect(check).toContainText('spec.ports[0].port: Invalid value: 80000: must be between 1 and 65535, inclusive');
  await expect(applyButton).toBeDisabled();

  await text.fill(HELLO);
  await expect(check).toHaveAttribute('data-state', 'ok');
  await expect(check).toContainText('deployment.apps/hello created (server dry run)');
  await applyButton.click();
  await expect(page.getByTestId('manifest-outcome')).toHaveText('deployment.apps/hello created\nservice/hello created');

  // the Service on the canvas, linked to its two ready pods
  const svc = page.getByTestId('svc-default-hello');
  await expect(svc).toContainText('ClusterIP');
  await expect(svc).toContainText('80/TCP → 8080');
  await expect(svc).toContainText('2/2 endpoints ready');
  const pods = page.locator('[data-testid^="kpod-default-hello-"]');
  await expect(pods).toHaveCount(2);
  await expect(pods.first()).toHaveAttribute('data-state', 'Ready');
  await expect(page.locator('[data-testid^="edge-ep:default/hello>"]')).toHaveCount(2);

  // curl the Service by name from a pod's terminal: the pod that served it answers with its name
  const pod = pods.first();
  const netns = (await pod.getAttribute('data-netns'))!;
  await pod.getByRole('button', { name: /^Open a terminal in pod default\/hello-/ }).click();
  await expect(t.region(netns)).toBeVisible();
  await t.region(netns).click();
  await t.enter('curl -s http://hello/hostname');
  await t.expectOutput(netns, /hello-[a-z0-9]+-[a-z0-9]{5}/);
  // the pod's prompt is its hostname, the pod's name (as `kubectl exec -it POD -- sh` shows), never its sandbox netns
  await expect(t.screen(netns)).toContainText(/root@hello-[a-z0-9]+-[a-z0-9]{5}:~# curl -s http:\/\/hello\/hostname/);
  await expect(t.screen(netns)).not.toContainText('root@cni-');

  // the lookup before the connection: CoreDNS's answer decoded in the packet inspector
  await t.showPanel('Trace');
  await t.trace.getByRole('button', { name: /DNS answer NOERROR \(1\)/ }).first().click();
  const inspector = page.getByRole('region', { name: 'Packet inspector' });
  await expect(inspector).toContainText('DNS answer');
  await expect(inspector).toContainText(/hello\.default\.svc\.cluster\.local\. 30 A 10\.\d+\.\d+\.\d+/);

  // to the ClusterIP shown on the canvas: the trace follows kube-proxy's chains to the DNAT
  const clusterIP = /\b10\.\d+\.\d+\.\d+\b/.exec(await svc.innerText())![0];
  await t.enter(`curl -s http://${clusterIP}/hostname`);
  await expect(t.screen(netns)).toContainText(new RegExp(`curl -s http://${clusterIP.replace(/\./g, '\\.')}/hostname\\s*hello-`));
  await t.showPanel('Trace');
  // a long trace is grouped by packet (one open at a time): open each until the DNAT shows
  const dnat = t.traceEvents.getByText(/-j DNAT --to-destination 10\.244\.\d+\.\d+:8080/);
  const packets = t.trace.getByRole('button', { name: /^Packet \d+ of \d+/ });
  await expect(dnat.or(packets).first()).toBeVisible();
  for (let i = 0, n = await packets.count(); i < n && (await dnat.count()) === 0; i++) await packets.nth(i).click();
  await expect(dnat.first()).toBeVisible();
  await expect(t.traceEvents).toContainText(/KUBE-SVC-[A-Z0-9]{16}/);
  // the endpoint the draw chose, and the other candidate with its share
  await expect(t.traceEvents).toContainText(/the random draw chose rule \d+ → KUBE-SEP-[A-Z0-9]{16} "default\/hello(:\w+)? -> 10\.244\.\d+\.\d+:8080" 50\.0% .* of 2 candidates; the others: rule \d+ → KUBE-SEP-[A-Z0-9]{16} "default\/hello(:\w+)? -> 10\.244\.\d+\.\d+:8080" 50\.0%/);
  await expect(t.traceEvents).toContainText(`NAT at PREROUTING`);
  // pods are named as pods in the trace, namespace/pod
  await expect(t.trace).toContainText(/default\/hello-[a-z0-9]+-[a-z0-9]{5}/);
  await expect(t.trace).not.toContainText('cni-');

  // Undo takes the whole manifest back
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(svc).toHaveCount(0);
  await expect(pods).toHaveCount(0);
  expect(errors).toEqual([]);
});
