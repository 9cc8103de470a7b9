/**
 * The NetworkPolicy editor's form view (issue 13): a policy typed as YAML shows its form; rules,
 * peers and ports added in the form are written into the YAML, which kubectl checks and whose
 * preview names the pods the rule admits; YAML typed by hand refreshes the form.
 */
import { expect, test } from '@playwright/test';
import { LabPage, watchConsole } from './pages/LabPage';
import { DENY_X, showTab } from './pages/netpol';


test('the policy form writes its rules into the YAML and follows the YAML', async ({ page }) => {
  const errors = watchConsole(page);
  const lab = new LabPage(page);
  await lab.open('cluster-netpol');
  await expect(page.getByTestId('kpod-x-a')).toHaveAttribute('data-state', 'Ready');
  await showTab(page, 'Manifests');
  const yaml = page.getByTestId('manifest-text');
  await yaml.fill(DENY_X);
  const form = page.getByTestId('policy-form');
  await expect(page.getByTestId('pform-name')).toHaveValue('default-deny-ingress');
  await expect(page.getByTestId('pform-namespace')).toHaveValue('x');

  // an ingress rule from pod=a in namespace y on TCP 80, built in the form
  await form.getByRole('button', { name: 'Add ingress rule' }).click();
  const rule = form.getByRole('group', { name: 'ingress rule 1' });
  await rule.getByRole('combobox', { name: 'Peer kind' }).selectOption('podsInNamespaces');
  await rule.getByLabel('namespace labels').fill('kubernetes.io/metadata.name=y');
  await rule.getByLabel('pod labels').fill('pod=a');
  await rule.getByRole('button', { name: 'Add port' }).click();
  await rule.getByLabel('port', { exact: true }).fill('80');
  await expect(yaml).toHaveValue(
    /\n {2}ingress:\n {4}- from:\n {8}- podSelector:\n {12}matchLabels:\n {14}pod: a\n {10}namespaceSelector:\n {12}matchLabels:\n {14}kubernetes\.io\/metadata\.name: y\n {6}ports:\n {8}- protocol: TCP\n {10}port: 80\n$/,
  );
  await expect(page.getByTestId('manifest-check')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('manifest-preview')).toContainText('y/a');

  // YAML typed by hand: the form follows
  await yaml.fill((await yaml.inputValue()).replace('name: default-deny-ingress', 'name: allow-a-from-y'));
  await expect(page.getByTestId('pform-name')).toHaveValue('allow-a-from-y');
  await page.getByTestId('manifest-apply').click();
  await expect(page.getByTestId('manifest-outcome')).toHaveText('networkpolicy.networking.k8s.io/allow-a-from-y created');
  expect(errors).toEqual([]);
});
