import { describe, expect, it } from 'vitest';
import { istioWebhookErrors, multierrorText, validateIstioSchema } from './validation';
import type { AuthorizationPolicy, DestinationRule, PeerAuthentication, VirtualService } from './types';

const vs = (spec: VirtualService['spec']): VirtualService => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r', namespace: 'default' }, spec });
const dr = (spec: DestinationRule['spec']): DestinationRule => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r', namespace: 'default' }, spec });

describe("Istio's validation (webhook and CRD schema)", () => {
  it('admits a weighted route over two subsets', () => {
    const o = vs({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 10 }] }] });
    expect(istioWebhookErrors(o)).toEqual([]);
    expect(validateIstioSchema(o)).toEqual([]);
  });

  it('refuses a VirtualService without hosts or routes, and all-zero weights', () => {
    expect(istioWebhookErrors(vs({}))).toEqual(['virtual service must have at least one host', 'http, tcp or tls must be provided in virtual service']);
    const zero = vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: 0 }, { destination: { host: 'b' }, weight: 0 }] }] });
    expect(istioWebhookErrors(zero)).toEqual(['total destination weight = 0']);
    expect(istioWebhookErrors(vs({ hosts: ['*'], http: [{ route: [{ destination: { host: 'a' } }] }] }))).toEqual(['wildcard host * is not allowed for virtual services bound to the mesh gateway']);
  });

  it('checks retries, faults and subset names', () => {
    const o = vs({
      hosts: ['a'],
      http: [{ route: [{ destination: { host: 'a', subset: 'V1' } }], retries: { attempts: 0, perTryTimeout: '1s' }, fault: { abort: { httpStatus: 700, percentage: { value: 150 } } } }],
    });
    expect(istioWebhookErrors(o)).toEqual([
      'percentage 150 is neither 0.0, nor in range [0.0001, 100.0]',
      'HTTP status 700 is not in range 200-599',
      'http retry policy configured when attempts are set to 0 (disabled)',
      'subset name is invalid: V1',
    ]);
    expect(istioWebhookErrors(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], retries: { attempts: 2, retryOn: '5xx,bogus' } }] }))).toEqual(['"bogus" is not a valid retryOn policy']);
  });

  it('checks durations in the schema, with CEL words', () => {
    const errs = validateIstioSchema(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], timeout: 'soon' }] }));
    expect(errs).toEqual([{ field: 'spec.http[0].timeout', type: 'Invalid value', value: 'string', detail: 'must be a valid duration greater than 1ms' }]);
  });

  it('requires a DestinationRule host and unique subset names', () => {
    expect(validateIstioSchema(dr({}))).toEqual([{ field: 'spec.host', type: 'Required value', detail: '' }]);
    expect(istioWebhookErrors(dr({ host: 'a', subsets: [{ name: 'v1' }, { name: 'v1' }] }))).toEqual(['duplicate subset names: v1']);
  });

  it('knows the enums of PeerAuthentication and AuthorizationPolicy', () => {
    const pa: PeerAuthentication = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'd' }, spec: { mtls: { mode: 'STRIKT' as never } } };
    expect(validateIstioSchema(pa)[0].detail).toBe('supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"');
    const ap: AuthorizationPolicy = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'd' }, spec: { rules: [{ from: [] }] } };
    expect(istioWebhookErrors(ap)).toEqual(['`from` must not be empty, found at rule 0']);
  });

  it('lists several errors as go-multierror does', () => {
    expect(multierrorText(['a', 'b'])).toBe('2 errors occurred:\n\t* a\n\t* b\n\n');
    expect(multierrorText(['a'])).toBe('a');
  });
});
