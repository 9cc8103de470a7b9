/** The NetworkPolicy specs' shared parts: the dock's tabs, and a default-deny for namespace x of the e2e model. */
import type { Page } from '@playwright/test';

export const DENY_X = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
  namespace: x
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

export const showTab = (page: Page, name: string) => page.getByRole('tablist', { name: 'Analysis panels' }).getByRole('tab', { name, exact: true }).click();
