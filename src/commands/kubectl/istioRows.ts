/**
 * The table kubectl prints for Istio's resources: the API server renders a CRD's
 * additionalPrinterColumns (crd-all.gen.yaml) by JSONPath; a list comes out as its JSON
 * (`["reviews"]`), a missing value as an empty cell.
 */
import type { IstioObject } from '../../kube/mesh/types';

export const ISTIO_COLUMNS = {
  VirtualService: { head: ['NAME', 'GATEWAYS', 'HOSTS', 'AGE'], wide: [] },
  DestinationRule: { head: ['NAME', 'HOST', 'AGE'], wide: [] },
  PeerAuthentication: { head: ['NAME', 'MODE', 'AGE'], wide: [] },
  AuthorizationPolicy: { head: ['NAME', 'ACTION', 'AGE'], wide: [] },
};

/** A printer column's cell: a scalar as text, a list or map as its JSON, nothing as nothing. */
const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function istioRow(o: IstioObject, age: string): string[] {
  switch (o.kind) {
    case 'VirtualService':
      return [o.metadata.name, cell(o.spec?.gateways), cell(o.spec?.hosts), age];
    case 'DestinationRule':
      return [o.metadata.name, cell(o.spec?.host), age];
    case 'PeerAuthentication':
      return [o.metadata.name, cell(o.spec?.mtls?.mode), age];
    case 'AuthorizationPolicy':
      return [o.metadata.name, cell(o.spec?.action), age];
  }
}
