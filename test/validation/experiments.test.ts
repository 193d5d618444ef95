// Experiments in a flags repository: read from any flags file, checked
// against their flag with every finding at the file, line and column of the
// offending node, and kept out of the state when they fail the schema.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepository } from '../../core/repo/index.js';
import { validateTenantState } from '../../core/validation/index.js';

const TENANT = `version: 1
tenant: acme
environments:
  - key: production
  - key: staging
`;

const FLAGS = `version: 1
flags:
  - key: checkout
    type: boolean
    variants: {on: true, off: false}
    offVariant: off
    environments:
      production:
        enabled: true
        rules:
          - id: beta
            conditions:
              - attribute: beta
                operator: equals
                value: true
            serve:
              variant: on
          - id: accounts
            serve:
              rollout: {on: 50, off: 50}
              bucketBy: accountId
      staging:
        enabled: true
        default:
          variant: on
`;

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function load(experiments: string) {
  dir = mkdtempSync(path.join(tmpdir(), 'ff-experiments-'));
  mkdirSync(path.join(dir, 'acme'));
  writeFileSync(path.join(dir, 'acme', 'tenant.yaml'), TENANT);
  writeFileSync(path.join(dir, 'acme', 'flags.yaml'), FLAGS);
  writeFileSync(path.join(dir, 'acme', 'experiments.yaml'), `version: 1\nexperiments:\n${experiments}`);
  return loadRepository(dir);
}

const valid = `  - key: checkout-test
    flag: checkout
    environment: production
    rule: accounts
    unit: accountId
    variants: [off, on]
    start: 2026-12-01
    metrics:
      primary: {event: purchase, type: conversion}
`;

describe('experiments in a flags repository', () => {
  it('a valid one loads into the state', async () => {
    const r = await load(valid);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.tenants[0]?.experiments?.map((e) => e.key)).toEqual(['checkout-test']);
  });

  it.each([
    ['an unknown flag', valid.replace('flag: checkout', 'flag: chekout'), 'EXPERIMENT_FLAG_UNKNOWN', 4, 11, 'did you mean "checkout"'],
    ['an environment the tenant lacks', valid.replace('environment: production', 'environment: prod'), 'EXPERIMENT_ENVIRONMENT_UNKNOWN', 5, 18, 'did you mean "production"'],
    ['a rule that serves a fixed variant', valid.replace('rule: accounts', 'rule: beta'), 'EXPERIMENT_NOT_A_SPLIT', 6, 11, 'fixed variant'],
    ['an environment whose default is fixed', valid.replace('environment: production', 'environment: staging').replace('    rule: accounts\n', ''), 'EXPERIMENT_NOT_A_SPLIT', 4, 11, 'fixed variant'],
    ['a unit that is not what the rollout buckets by', valid.replace('unit: accountId', 'unit: userId'), 'EXPERIMENT_UNIT_MISMATCH', 7, 11, 'buckets by "accountId"'],
    ['a variant the flag lacks', valid.replace('[off, on]', '[off, blue]'), 'EXPERIMENT_VARIANT_UNKNOWN', 8, 21, 'no variant "blue"'],
    ['a stop before the start', valid.replace('start: 2026-12-01', 'start: 2026-12-01\n    stop: 2026-11-01'), 'EXPERIMENT_TIME_INVALID', 10, 11, 'not after start'],
  ])('%s is an error at its node', async (_what, text, code, line, column, words) => {
    const r = await load(text);
    const d = r.diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(r.diagnostics)).toMatchObject({ severity: 'error', file: expect.stringMatching(/experiments\.yaml$/), line, column });
    expect(d?.message).toContain(words);
  });

  it('two experiments on one rollout at overlapping times, or sharing a key, are errors', async () => {
    const r = await load(valid + valid.replace('checkout-test', 'second-test') + valid);
    expect(r.diagnostics.filter((d) => d.code === 'EXPERIMENT_OVERLAP').length).toBeGreaterThan(0);
    expect(r.diagnostics.find((d) => d.code === 'EXPERIMENT_DUPLICATE_KEY')).toMatchObject({ line: 21 });
  });

  it('a schema error is placed, and the experiment is left out of the semantic checks', async () => {
    const r = await load(valid.replace('type: conversion', 'type: ratio'));
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['SCHEMA_ENUM', 11]]);
  });

  it('a submitted state is checked the same way, with a JSON pointer', async () => {
    const r = await load(valid);
    const state = r.tenants[0]!;
    const broken = { ...state, experiments: [{ ...state.experiments![0]!, unit: 'userId' }] };
    expect(validateTenantState(broken)).toContainEqual(expect.objectContaining({ code: 'EXPERIMENT_UNIT_MISMATCH', path: '/experiments/0/unit' }));
  });
});
