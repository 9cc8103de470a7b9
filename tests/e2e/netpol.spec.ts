/**
 * NetworkPolicy in the app (issue 13, "Done when", e2e), on the upstream e2e model stage
 * (namespaces x, y, z × pods a, b, c): write a default-deny for x, preview what it would change
 * before applying it, apply it and watch the matrix cell turn red, open the explanation of one
 * denied cell, apply its suggested fix and watch the cell turn green; Undo takes the fix back, and
 * the cell's trace shows the packet dropped.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { Terminals } from './pages/Terminals';
import { DENY_X, showTab } from './pages/netpol';


test('a default-deny turns the matrix red; the explanation’s fix turns the cell green again', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  const t = new Terminals(page);
  await lab.open('cluster-netpol');
  await expect(page.getByTestId('kpod-x-a')).toHaveAttribute('data-state', 'Ready');

  await showTab(page, 'NetworkPolicy');
  const cell = page.getByTestId('np-cell-y/a-x/b');
  const other = page.getByTestId('np-cell-y/b-x/b');
  await expect(cell).toHaveAttribute('data-allowed', 'true');
  await expect(page.getByRole('region', { name: 'NetworkPolicy reachability' })).toContainText('81 of 81 connections allowed');

  // the policy, written in the editor: kubectl accepts it, and the matrix previews it before it is applied
  await showTab(page, 'Manifests');
  await page.getByTestId('manifest-text').fill(DENY_X);
  await expect(page.getByTestId('manifest-check')).toHaveAttribute('data-state', 'ok');
  await showTab(page, 'NetworkPolicy');
  await expect(page.getByTestId('np-diff-count')).toHaveText('(24 cells change)');
  await expect(cell).toHaveAttribute('data-changed', 'true');
  await expect(cell).toHaveAttribute('data-allowed', 'true');

  await showTab(page, 'Manifests');
  await page.getByTestId('manifest-apply').click();
  await expect(page.getByTestId('manifest-outcome')).toHaveText('networkpolicy.networking.k8s.io/default-deny-ingress created');

  // red: y/a may no longer open connections to x/b
  await showTab(page, 'NetworkPolicy');
  await expect(cell).toHaveAttribute('data-allowed', 'false');
  await expect(page.getByRole('region', { name: 'NetworkPolicy reachability' })).toContainText('57 of 81 connections allowed');

  // its explanation: who isolates x/b, and the smallest change that lets y/a in
  await cell.click();
  const why = page.getByTestId('np-explanation');
  await expect(why).toHaveAttribute('data-allowed', 'false');
  await expect(why).toContainText('y/a egress: not isolated (no policy of y selects it for egress) → allowed');
  await expect(why).toContainText('x/b ingress: isolated by policy x/default-deny-ingress; no rule matched → DROP');
  await expect(why).toContainText('create policy x/allow-ingress-a-to-b-tcp-80 allowing ingress TCP 80 from y/pod=a');

  // one click: green, and only that pair opened
  await why.getByTestId('np-fix-apply').click();
  await expect(cell).toHaveAttribute('data-allowed', 'true');
  await expect(other).toHaveAttribute('data-allowed', 'false');
  await expect(why).toHaveAttribute('data-allowed', 'true');
  await expect(why).toContainText('x/b ingress: allowed by policy x/allow-ingress-a-to-b-tcp-80 rule 1 (TCP 80 from y/pod=a)');

  // undoable: red again
  await why.getByTestId('np-fix-undo').click();
  await expect(cell).toHaveAttribute('data-allowed', 'false');

  // and the cell's trace: a real connection from y/a, dropped on x/b's node
  await why.getByRole('button', { name: 'Trace it from y/a' }).click();
  await expect(t.outcome).toContainText('Dropped');
  expect(errors).toEqual([]);
});
