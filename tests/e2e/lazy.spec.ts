/**
 * Code that loads on demand still works from a cold start. A lab without a cluster never fetches
 * the Kubernetes code; `kubectl` typed in a terminal fetches it and answers as kubectl does; a
 * link to a cluster stage fetches it before the lab is built and draws the cluster.
 */
import { expect, test, type Page } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';

const KUBE_CHUNK = /\/assets\/kube-[\w-]+\.js$/;

/** The JS files the page requests from now on. */
function watchScripts(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script' || r.url().endsWith('.js')) urls.push(r.url());
  });
  return urls;
}

test('a lab without a cluster never fetches the Kubernetes code; kubectl typed in a terminal fetches it and answers', async ({ page }) => {
  const errors = watchConsole(page);
  const scripts = watchScripts(page);
  const lab = new LabPage(page);
  const terms = new Terminals(page);
  await lab.open('routed');
  await terms.run('node01', 'ping -c 1 10.244.2.2');
  await terms.expectOutput('node01', '1 packets transmitted, 1 received');
  expect(scripts.some((u) => KUBE_CHUNK.test(u))).toBe(false);

  // no cluster here: the real kubectl's words, once its code has arrived
  await terms.enter('kubectl get nodes');
  await terms.expectOutput('node01', 'The connection to the server localhost:8080 was refused - did you specify the right host or port?');
  expect(scripts.filter((u) => KUBE_CHUNK.test(u))).toHaveLength(1);
  // and the shell goes on: the next line runs at once
  await terms.enter('echo $?');
  await expect.poll(async () => (await terms.text('node01')).split('\n').map((l) => l.trim())).toContain('1');
  expect(errors).toEqual([]);
});

test('a link to a cluster stage fetches the Kubernetes code first, then draws the cluster and kubectl answers', async ({ page }) => {
  const errors = watchConsole(page);
  const scripts = watchScripts(page);
  const lab = new LabPage(page);
  const terms = new Terminals(page);
  await lab.open('cluster');
  await expect(lab.host('node02')).toBeVisible();
  expect(scripts.some((u) => KUBE_CHUNK.test(u))).toBe(true);
  await terms.run('node01', 'kubectl get nodes');
  await terms.expectOutput('node01', /node03\s+Ready/);
  expect(errors).toEqual([]);
});
