// ff lint's checks, on real files loaded by the repository loader, with the
// clock and the history injected: each finding's code, position and message.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintRepository, readLintConfig } from '../../core/lint/index.js';
import type { LintFinding, LintInput } from '../../core/lint/index.js';
import { loadRepository } from '../../core/repo/index.js';
import type { TenantModel } from '../../core/repo/index.js';
import { tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

const TENANT = `version: 1
tenant: shop
environments:
  - key: dev
  - key: prod
lifetimes:
  experiment: 10
`;

const FLAGS = `version: 1
flags:
  - key: old-release
    owner: web
    type: boolean
    variants: { on: true, off: false }
    offVariant: off
    environments:
      prod:
        enabled: true
        default: { rollout: { on: 50, off: 50 } }
  - key: expired
    owner: web
    expires: 2026-05-30
    type: boolean
    variants: { on: true, off: false }
    offVariant: off
    environments:
      prod:
        enabled: true
        rules:
          - id: staff
            conditions:
              - segment: staff
            serve: { variant: on }
  - key: nobody-owns
    kind: permission
    type: boolean
    variants: { on: true, off: false }
    offVariant: off
    environments:
      prod:
        enabled: true
        targets:
          on: [a, b, c]
  - key: constant
    owner: web
    kind: experiment
    type: string
    variants: { a: x, b: x }
    offVariant: a
    environments:
      prod:
        enabled: true
        default: { variant: b }
  - key: switch
    owner: sre
    kind: kill-switch
    type: boolean
    variants: { on: true, off: false }
    offVariant: off
segments:
  - key: staff
    include: [boss]
  - key: forgotten
    include: [x]
`;

let tmp: TempDir;
let models: TenantModel[];

beforeAll(async () => {
  tmp = await tempDir('ff-lint-');
  await writeFiles(tmp.path, { 'shop/tenant.yaml': TENANT, 'shop/flags.yaml': FLAGS });
  const loaded = await loadRepository(tmp.path, { keepModels: true });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  models = loaded.models!;
});
afterAll(() => tmp.remove());

function lint(extra: Partial<LintInput> = {}): Array<[string, string, number, number, string | undefined]> {
  return lintRepository({ models, now: NOW, ...extra }).map((f: LintFinding) => [f.code, f.severity, f.line, f.column, f.flag ?? f.segment]);
}

describe('lintRepository', () => {
  it('keeps a located model per tenant, with its lifetimes', () => {
    expect(models.map((m) => [m.tenant, m.lifetimes])).toEqual([['shop', { experiment: 10 }]]);
  });

  it('without history: expiry, owners, constant values, unused segments, in file order', () => {
    expect(lint()).toEqual([
      ['LINT_STALE_EXPIRED', 'warning', 14, 14, 'expired'],
      ['LINT_OWNER_MISSING', 'warning', 26, 10, 'nobody-owns'],
      ['LINT_FLAG_CONSTANT', 'notice', 36, 10, 'constant'],
      ['LINT_SEGMENT_UNUSED', 'warning', 55, 10, 'forgotten'],
    ]);
  });

  it('a flag expires once its whole expires day has passed', () => {
    const justBefore = lint({ now: Date.UTC(2026, 4, 30, 23, 59) }).map((f) => f[0]);
    expect(justBefore).not.toContain('LINT_STALE_EXPIRED');
    expect(lint({ now: Date.UTC(2026, 4, 31) }).map((f) => f[0])).toContain('LINT_STALE_EXPIRED');
  });

  it('ages flags by their first commit against their kind’s lifetime (tenant override included)', () => {
    const firstSeen = (tenant: string, key: string): number | undefined =>
      tenant !== 'shop' ? undefined : { 'old-release': NOW - 41 * DAY, constant: NOW - 11 * DAY, switch: NOW - 900 * DAY, 'nobody-owns': NOW - 900 * DAY }[key];
    const findings = lintRepository({ models, now: NOW, firstSeen });
    const stale = findings.filter((f) => f.code === 'LINT_STALE_AGE');
    // release: 40 days by default; experiment: 10 in this tenant; kill-switch and permission are permanent.
    expect(stale.map((f) => [f.flag, f.line, f.column])).toEqual([
      ['old-release', 3, 10],
      ['constant', 36, 10],
    ]);
    expect(stale[0]!.message).toBe('release flag "old-release" is 41 days old (first committed 2026-04-21); release flags are expected to live 40 days');
    const exactly = lintRepository({ models, now: NOW, firstSeen: () => NOW - 40 * DAY }).filter((f) => f.flag === 'old-release' && f.code === 'LINT_STALE_AGE');
    expect(exactly).toEqual([]);
  });

  it('with the server’s usage: flags not evaluated for unusedDays days (never, or last long ago); young flags and unknown tenants are not judged', () => {
    const last: Record<string, string | null> = {
      'old-release': new Date(NOW - 31 * DAY).toISOString(),
      expired: new Date(NOW - 29 * DAY).toISOString(),
      'nobody-owns': null,
    };
    const usage = (tenant: string, key: string) => (tenant === 'shop' ? (last[key] ?? null) : undefined);
    const notEvaluated = (extra: Partial<LintInput>) =>
      lintRepository({ models, now: NOW, usage, ...extra })
        .filter((f) => f.code === 'LINT_NOT_EVALUATED')
        .map((f) => [f.flag, f.severity, f.message]);
    const found = notEvaluated({});
    expect(found.map((f) => f[0])).toContain('old-release');
    expect(found.map((f) => f[0])).toContain('nobody-owns');
    expect(found.map((f) => f[0])).not.toContain('expired');
    expect(found.find((f) => f[0] === 'old-release')?.[2]).toBe('flag "old-release" has not been evaluated for 30 days (last evaluated 2026-05-01, 31 days ago): a candidate for removal');
    expect(found.find((f) => f[0] === 'nobody-owns')?.[2]).toContain('(never evaluated)');
    // A window of 40 days: 31 days ago is recent enough.
    expect(notEvaluated({ config: { version: 1, unusedDays: 40 } }).map((f) => f[0])).not.toContain('old-release');
    // A flag first committed within the window has not had the time.
    expect(notEvaluated({ firstSeen: () => NOW - 5 * DAY })).toEqual([]);
    // Offline (no usage) or a tenant the server did not answer for: nothing.
    expect(lintRepository({ models, now: NOW }).some((f) => f.code === 'LINT_NOT_EVALUATED')).toBe(false);
    expect(lintRepository({ models, now: NOW, usage: () => undefined }).some((f) => f.code === 'LINT_NOT_EVALUATED')).toBe(false);
  });

  it('reports large target lists at the variant key', () => {
    const findings = lintRepository({ models, now: NOW, config: { version: 1, maxTargets: 2 } }).filter((f) => f.code === 'LINT_TARGETS_LARGE');
    expect(findings.map((f) => [f.flag, f.line, f.column, f.message])).toEqual([
      ['nobody-owns', 35, 11, 'flag "nobody-owns" lists 3 targets for variant "on" in prod (more than 2): a segment or a rule is easier to keep'],
    ]);
  });

  it('lets the configuration raise, lower and turn off each code', () => {
    const config = { version: 1 as const, rules: { LINT_OWNER_MISSING: 'error' as const, LINT_SEGMENT_UNUSED: 'off' as const, LINT_FLAG_CONSTANT: 'warning' as const } };
    expect(lint({ config }).map((f) => [f[0], f[1]])).toEqual([
      ['LINT_STALE_EXPIRED', 'warning'],
      ['LINT_OWNER_MISSING', 'error'],
      ['LINT_FLAG_CONSTANT', 'warning'],
    ]);
  });
});

describe('readLintConfig', () => {
  it('reads a valid configuration; an empty file is the defaults', () => {
    expect(readLintConfig('version: 1\nrules:\n  LINT_STALE_AGE: error\nmaxTargets: 50\n', '.ff-lint.yaml')).toEqual({
      ok: true,
      config: { version: 1, rules: { LINT_STALE_AGE: 'error' }, maxTargets: 50 },
    });
    expect(readLintConfig('# nothing\n', '.ff-lint.yaml')).toEqual({ ok: true, config: { version: 1 } });
  });

  it('refuses unknown codes and severities with positions', () => {
    const read = readLintConfig('version: 1\nrules:\n  LINT_STALE_AGE: fatal\n  LINT_NOPE: off\n', join('x', '.ff-lint.yaml'));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['SCHEMA_ENUM', 3, 19],
      ['SCHEMA_PROPERTY_NAME', 4, 3],
    ]);
  });
});

describe('constant flags and progressive rollouts', () => {
  const base = {
    key: 'launch',
    owner: 'web',
    type: 'boolean' as const,
    variants: { on: true, off: false },
    offVariant: 'off',
  };
  const models = (schedule: Array<{ at: string; variant?: string; rollout?: Record<string, number> }>): TenantModel[] => [
    {
      tenant: 't',
      lifetimes: undefined,
      model: {
        environments: [{ value: { key: 'prod' }, pointer: '/environments/0', origin: undefined as never }],
        flags: [{ value: { ...base, environments: { prod: { enabled: true, default: { schedule: schedule as never } } } }, pointer: '/flags/0', origin: { file: 'f.yaml', yaml: () => ({ document: undefined }) } as never }],
        segments: [],
        unverifiedSegmentKeys: new Set(),
      },
    },
  ];
  const codes = (m: TenantModel[], now: number) => lintRepository({ models: m, now }).map((f) => f.code);

  it('a schedule with steps to come is not constant, even before it starts', () => {
    const m = models([{ at: '2026-07-01', variant: 'on' }]);
    expect(codes(m, Date.UTC(2026, 5, 1))).toEqual([]);
  });

  it('a schedule that reached everyone is: the rollout is done, the flag can go', () => {
    const m = models([
      { at: '2026-05-01', rollout: { on: 10, off: 90 } },
      { at: '2026-05-15', variant: 'on' },
    ]);
    expect(codes(m, Date.UTC(2026, 4, 10))).toEqual([]);
    expect(codes(m, Date.UTC(2026, 5, 1))).toEqual(['LINT_FLAG_CONSTANT']);
  });
});
