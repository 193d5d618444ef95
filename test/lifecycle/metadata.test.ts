// Lifecycle metadata: the schema accepts kind, expires and tenant lifetimes and
// refuses what is not one of them; the lifetimes in force are a tenant's
// overrides over the documented defaults.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFETIMES, effectiveLifetimes, kindOf } from '../../core/lifecycle/kinds.js';
import { validateDocument } from '../../core/validation/index.js';

const flag = { key: 'a', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' };

describe('lifecycle metadata in the schemas', () => {
  it('accepts every kind and a YYYY-MM-DD expiry', () => {
    for (const kind of ['release', 'experiment', 'operational', 'kill-switch', 'permission']) {
      expect(validateDocument('flag', { ...flag, kind, expires: '2027-01-31' })).toEqual([]);
    }
  });

  it('refuses an unknown kind and an expiry that is not a date', () => {
    expect(validateDocument('flag', { ...flag, kind: 'temporary' }).map((d) => [d.code, d.path])).toEqual([['SCHEMA_ENUM', '/kind']]);
    expect(validateDocument('flag', { ...flag, expires: '31/01/2027' }).map((d) => [d.code, d.path])).toEqual([['SCHEMA_PATTERN', '/expires']]);
    expect(validateDocument('flag', { ...flag, expires: '2027-01-31T00:00:00Z' }).map((d) => d.code)).toEqual(['SCHEMA_PATTERN']);
  });

  it('accepts lifetimes in tenant.yaml as days or permanent, and nothing else', () => {
    const tenant = { version: 1, tenant: 'acme', environments: [{ key: 'production' }] };
    expect(validateDocument('tenant', { ...tenant, lifetimes: { release: 30, permission: 'permanent' } })).toEqual([]);
    expect(validateDocument('tenant', { ...tenant, lifetimes: { release: 0 } }).length).toBeGreaterThan(0);
    expect(validateDocument('tenant', { ...tenant, lifetimes: { release: 'forever' } }).length).toBeGreaterThan(0);
    expect(validateDocument('tenant', { ...tenant, lifetimes: { temporary: 30 } }).map((d) => d.code)).toEqual(['SCHEMA_UNKNOWN_PROPERTY']);
  });
});

describe('effectiveLifetimes', () => {
  it('is the defaults when a tenant overrides nothing', () => {
    expect(effectiveLifetimes(undefined)).toEqual({ release: 40, experiment: 40, operational: 7, 'kill-switch': null, permission: null });
    expect(effectiveLifetimes(undefined)).toEqual(DEFAULT_LIFETIMES);
  });

  it('lets a tenant shorten, lengthen or make permanent any kind', () => {
    expect(effectiveLifetimes({ release: 14, operational: 'permanent', permission: 365 })).toEqual({
      release: 14,
      experiment: 40,
      operational: null,
      'kill-switch': null,
      permission: 365,
    });
  });

  it('reads a flag without kind as a release flag', () => {
    expect(kindOf({})).toBe('release');
    expect(kindOf({ kind: 'kill-switch' })).toBe('kill-switch');
  });
});
