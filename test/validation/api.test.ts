// The validation API the server codes against: validateDocument, getSchema,
// one compiled validator per schema, and the code registry.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DIAGNOSTIC_CODES,
  getSchema,
  getValidator,
  hasErrors,
  SCHEMA_KINDS,
  schemasDir,
  validateDocument,
} from '../../core/validation/index.js';

describe('getSchema', () => {
  it('returns the schema file of every kind of schemas/, parsed', () => {
    const files = readdirSync(schemasDir());
    for (const kind of SCHEMA_KINDS) expect(files).toContain(`${kind}.schema.json`);
    for (const kind of SCHEMA_KINDS) {
      expect(getSchema(kind).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
    expect(getSchema('flag').title).toBe('Flag');
  });

  it('returns the same object every time', () => {
    expect(getSchema('segment')).toBe(getSchema('segment'));
  });
});

describe('getValidator', () => {
  it('compiles each schema once', () => {
    expect(getValidator('flags-file')).toBe(getValidator('flags-file'));
  });
});

describe('validateDocument', () => {
  const flag = { key: 'a', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' };

  it('accepts valid documents of every kind', () => {
    expect(validateDocument('flag', flag)).toEqual([]);
    expect(validateDocument('segment', { key: 's', include: ['u'] })).toEqual([]);
    expect(validateDocument('environment', { key: 'production', name: 'Production' })).toEqual([]);
    expect(validateDocument('flags-file', { version: 1, flags: [flag] })).toEqual([]);
    expect(validateDocument('tenant', { version: 1, tenant: 'acme', environments: [{ key: 'dev' }] })).toEqual([]);
    expect(validateDocument('tenant-state', { tenant: 'acme', environments: [{ key: 'dev' }], flags: [flag], segments: [] })).toEqual([]);
  });

  it('reports every problem with a JSON pointer, and no file', () => {
    const diagnostics = validateDocument('flag', { ...flag, key: 'bad key', type: 'colour', extra: true });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['SCHEMA_UNKNOWN_PROPERTY', '/extra'],
      ['SCHEMA_PATTERN', '/key'],
      ['SCHEMA_ENUM', '/type'],
    ]);
    for (const d of diagnostics) {
      expect(d.file).toBeUndefined();
      expect(d.severity).toBe('error');
    }
  });

  it('does not coerce types', () => {
    expect(validateDocument('environment', { key: 5 }).map((d) => d.code)).toEqual(['SCHEMA_TYPE']);
    expect(validateDocument('flags-file', { version: '1' }).map((d) => d.code)).toEqual(['SCHEMA_CONST']);
  });

  it('rejects NaN and Infinity where a number is expected', () => {
    const state = { ...flag, environments: { prod: { enabled: true, default: { rollout: { on: Infinity } } } } };
    expect(validateDocument('flag', state).map((d) => d.code)).toEqual(['SCHEMA_TYPE']);
  });

  it('does not change the value it validates', () => {
    const value = { key: 's' };
    validateDocument('segment', value);
    expect(value).toEqual({ key: 's' });
  });
});

describe('codes', () => {
  it('every code has a severity and hasErrors looks only at errors', () => {
    for (const severity of Object.values(DIAGNOSTIC_CODES)) expect(['error', 'warning']).toContain(severity);
    expect(hasErrors([{ code: 'TENANT_EMPTY', severity: 'warning', message: 'x' }])).toBe(false);
    expect(hasErrors([{ code: 'YAML_SYNTAX', severity: 'error', message: 'x' }])).toBe(true);
  });
});
