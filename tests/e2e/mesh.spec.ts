/**
 * The service mesh in the app (issue #15, "Done when", e2e): label a namespace for injection from
 * a node's terminal, apply a Deployment, a Service and a client, see the sidecars inside the pods
 * on the canvas, curl the Service from the client's terminal, and open the request's spans from
 * its trace: the client sidecar's try and the server sidecar's span under it, each linked to the
 * packets its connections carried.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      nodeName: node02
      containers:
      - {name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  nodeName: node03
  containers:
  - {name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [pause]}
`;

test('inject a namespace, curl across the mesh, and open the request’s spans from its trace', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('cluster');
  await expect(page.getByTestId('node-node01')).toBeVisible();

  // injection is asked for on the namespace, before the pods are made
  await t.run('node01', 'kubectl label namespace default istio-injection=enabled');
  await t.expectOutput('node01', 'namespace/default labeled');

  await page.getByRole('tablist', { name: 'Analysis panels' }).getByRole('tab', { name: 'Manifests' }).click();
  await page.getByTestId('manifest-text').fill(MANIFEST);
  await expect(page.getByTestId('manifest-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('manifest-apply').click();
  await expect(page.getByTestId('manifest-outcome')).toContainText('pod/client created');

  // each pod holds its sidecar
  const client = page.getByTestId('kpod-default-client');
  const api = page.locator('[data-testid^="kpod-default-api-"]');
  await expect(client).toHaveAttribute('data-state', 'Ready');
  await expect(api).toHaveAttribute('data-state', 'Ready');
  await expect(client.getByTestId('kpod-sidecar')).toHaveText('istio-proxy');
  await expect(api.getByTestId('kpod-sidecar')).toHaveText('istio-proxy');
  await expect(page.getByTestId('svc-default-api')).toContainText('1/1 endpoint ready');

  // curl the Service from the client's own terminal
  const netns = (await client.getAttribute('data-netns'))!;
  await client.getByRole('button', { name: 'Open a terminal in pod default/client' }).click();
  await expect(t.region(netns)).toBeVisible();
  await t.region(netns).click();
  await t.enter("curl -s -w ' %{http_code}\\n' http://api/hostname");
  await t.expectOutput(netns, /api-[a-z0-9]+-[a-z0-9]{5} 200/);

  // the request's spans, from its trace: a tracing UI's waterfall
  await t.showPanel('Trace');
  const spans = t.trace.getByTestId('mesh-spans');
  await expect(spans).toBeVisible();
  await expect(spans.getByTestId('mesh-request')).toHaveCount(1);
  await expect(spans.getByTestId('mesh-request')).toContainText('GET /hostname → 200');
  const rows = spans.getByTestId('mesh-span');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-kind', 'client');
  await expect(rows.nth(1)).toHaveAttribute('data-kind', 'server');
  // service, route matched, attempt, code, latency on the virtual clock (no VirtualService: the route is `default`)
  await expect(rows.nth(0).getByRole('button', { name: /^outbound client: route default, attempt 1, 200 +in \d+\.\d+ ms, mTLS, \d+ events$/ })).toBeVisible();
  await expect(rows.nth(1)).toHaveAttribute('data-code', '200');

  // a span is linked to its packets: picking it moves the play head there
  await rows.nth(1).getByRole('button', { name: /^inbound api: route default, attempt 1, 200 +in \d+\.\d+ ms, mTLS, \d+ events$/ }).click();
  await expect(rows.nth(1)).toHaveClass(/is-current/);
  await expect(t.trace.getByRole('region', { name: 'Packet inspector' })).toBeVisible();

  // unfolded, the mesh hops are listed under their spans: the app's leg to its sidecar (15001)
  // and the sidecars' mTLS connection between the pods
  await spans.getByLabel('Collapse mesh hops').uncheck();
  await expect(spans.getByRole('list', { name: "the app's packets to and from its sidecar" })).toContainText('default/client');
  const serverPackets = rows.nth(1).getByRole('list', { name: 'packets of the inbound api span' });
  await expect(serverPackets.getByRole('button').first()).toBeVisible();
  await serverPackets.getByRole('button').first().click();
  await expect(serverPackets.locator('.is-current')).toHaveCount(1);
  await page.screenshot({ path: 'tests/e2e/screenshots/mesh-spans.png' });
  await spans.getByLabel('Collapse mesh hops').check();
  await expect(serverPackets).toHaveCount(0);
  expect(errors).toEqual([]);
});
