// `ff eval` as a user runs it: the built binary, real files, a real child process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket } from '../../core/engine/bucketing.js';
import { buildSnapshot, evaluate, toWire } from '../../core/engine/index.js';
import { loadRepository } from '../../core/repo/index.js';
import { ANSI_ESCAPE, ROOT, runFf } from '../cli/support/run-ff.js';
import { SMALL_REPO, tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

let tmp: TempDir;
let repo: string;

beforeAll(async () => {
  tmp = await tempDir('ff-eval-e2e-');
  repo = join(tmp.path, 'repo');
  await writeFiles(repo, SMALL_REPO);
});
afterAll(async () => {
  await tmp.remove();
});

const evalArgs = (flag: string, context: string, ...extra: string[]) => [
  'eval',
  flag,
  '--tenant',
  'shop',
  '--env',
  'prod',
  '--dir',
  repo,
  '--context',
  context,
  ...extra,
];

function oneErrorLine(stderr: string, code: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^Error ${code}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('ff eval on a small repository', () => {
  it('prints value, variant, reason and rule for a rule match', async () => {
    const r = await runFf(evalArgs('banner', '{"targetingKey":"u1","plan":"pro","email":"a@shop.test"}'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'flag      banner  (tenant shop, environment prod)',
        'value     "green"',
        'variant   green',
        'reason    TARGETING_MATCH',
        'rule      pros',
        '',
      ].join('\n'),
    );
  });

  it('prints the wire answer with --json, the bucket matching ff-bucket-v1', async () => {
    const r = await runFf(evalArgs('banner', '{"targetingKey":"u7","country":"NL"}', '--json'));
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as Record<string, unknown>;
    const b = bucket('shop', 'banner', undefined, 'u7');
    // ff-bucket-v1 ranges in code-unit order: blue [0, 0.5), green [0.5, 1).
    expect(answer).toEqual({
      flag_key: 'banner',
      value: b < 0.5 ? 'blue' : 'green',
      variant: b < 0.5 ? 'blue' : 'green',
      reason: 'SPLIT',
      rule_id: 'half',
      details: { bucket: b },
      revision: 0,
    });
  });

  it('explains every rule, condition, segment and the rollout with --explain', async () => {
    const r = await runFf(evalArgs('banner', '{"targetingKey":"u7","plan":"pro","country":"BE"}', '--explain'));
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('reason    SPLIT');
    expect(out).toContain('explain  banner in prod');
    expect(out).toContain('✓ enabled in prod');
    expect(out).toContain('✗ individual targets: targeting key not listed');
    expect(out).toContain('✗ rule 1 pros: no match');
    expect(out).toMatch(/✓ plan equals "pro"/);
    expect(out).toMatch(/✗ in segment staff/);
    expect(out).toContain('match any: no condition matched');
    expect(out).toMatch(/✗ email ends_with "@shop\.test"\s+— email is missing/);
    expect(out).toContain('✓ rule 2 half: matched');
    expect(out).toContain(`rollout on targetingKey = "u7", bucket ${bucket('shop', 'banner', undefined, 'u7')}`);
    expect(out).toMatch(/blue\s+50%\s+\[0%, 50%\)/);
    expect(out).toMatch(/green\s+50%\s+\[50%, 100%\)/);
    expect(out.match(/← bucket/g)).toHaveLength(1);
  });

  it('adds the trace to --json with --explain', async () => {
    const r = await runFf(evalArgs('banner', '{"targetingKey":"vip-1"}', '--explain', '--json'));
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as { reason: string; trace: { target: { matched: boolean } } };
    expect(answer.reason).toBe('TARGETING_MATCH');
    expect(answer.trace.target).toEqual({ matched: true, variant: 'green' });
  });

  it('reads the context from @file and from stdin', async () => {
    const file = join(tmp.path, 'ctx.json');
    await writeFile(file, '{"targetingKey":"boss","plan":"pro"}');
    const fromFile = await runFf(evalArgs('banner', `@${file}`, '--json'));
    const fromStdin = await runFf(evalArgs('banner', '-', '--json'), { stdin: '{"targetingKey":"boss","plan":"pro"}' });
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ variant: 'green', rule_id: 'pros' });
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('answers an unknown flag with FLAG_NOT_FOUND and exits 1', async () => {
    const r = await runFf(evalArgs('nope', '{}'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('reason    ERROR');
    expect(r.stdout).toMatch(/error\s+FLAG_NOT_FOUND/);
  });

  it('lets the engine judge a context that is JSON but not an object', async () => {
    const r = await runFf(evalArgs('banner', '[1,2]', '--json'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ reason: 'ERROR', error_code: 'INVALID_CONTEXT', variant: 'blue' });
  });

  it('refuses an unknown tenant or environment in one line, listing the known ones', async () => {
    const tenant = await runFf(['eval', 'banner', '-t', 'nobody', '-e', 'prod', '-d', repo]);
    expect(tenant.code).toBe(1);
    expect(tenant.stdout).toBe('');
    oneErrorLine(tenant.stderr, 'UNKNOWN_TENANT');
    expect(tenant.stderr).toContain('known: shop');

    const env = await runFf(['eval', 'banner', '-t', 'shop', '-e', 'qa', '-d', repo]);
    expect(env.code).toBe(1);
    oneErrorLine(env.stderr, 'UNKNOWN_ENVIRONMENT');
    expect(env.stderr).toContain('known: dev, prod');
  });

  it('refuses a context that is not JSON, an unknown flag and a missing option in one line', async () => {
    const badJson = await runFf(evalArgs('banner', '{targetingKey: u1}'));
    expect(badJson.code).toBe(1);
    oneErrorLine(badJson.stderr, 'INVALID_CONTEXT');

    const unknownFlag = await runFf([...evalArgs('banner', '{}'), '--bogus']);
    expect(unknownFlag.code).toBe(1);
    oneErrorLine(unknownFlag.stderr, 'USAGE');
    expect(unknownFlag.stderr).toContain('--bogus');

    const missingEnv = await runFf(['eval', 'banner', '-t', 'shop', '-d', repo]);
    expect(missingEnv.code).toBe(1);
    oneErrorLine(missingEnv.stderr, 'USAGE');
  });

  it('prints the diagnostics and evaluates nothing when the repository is invalid', async () => {
    const broken = join(tmp.path, 'broken');
    await writeFiles(broken, {
      ...SMALL_REPO,
      'shop/flags.yaml': SMALL_REPO['shop/flags.yaml']!.replace('- segment: staff', '- segment: ghosts'),
    });
    const r = await runFf(['eval', 'banner', '-t', 'shop', '-e', 'prod', '-d', broken, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^Error REPO_INVALID: /);
    expect(lines[0]).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/shop/flags\\.yaml:\\d+:\\d+  error  `));
  });

  it('uses colour only when forced, never under NO_COLOR or in a pipe', async () => {
    const args = evalArgs('banner', '{"targetingKey":"u7","country":"NL"}', '--explain');
    const piped = await runFf(args);
    const forced = await runFf(args, { env: { FORCE_COLOR: '1' } });
    const noColor = await runFf(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(piped.stdout).not.toMatch(ANSI_ESCAPE);
    expect(forced.stdout).toMatch(ANSI_ESCAPE);
    expect(noColor.stdout).not.toMatch(ANSI_ESCAPE);
    expect(noColor.stdout).toBe(piped.stdout);
  });

  it('has --help with examples', async () => {
    const r = await runFf(['eval', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('$ ff eval new-checkout --tenant acme --env production');
    expect(r.stdout).not.toMatch(ANSI_ESCAPE);
  });
});

describe('ff eval on the example repository', () => {
  const flagsDir = join(ROOT, 'flags');
  const contexts = [
    {},
    { targetingKey: 'user-1' },
    { targetingKey: 'user-2', plan: 'enterprise', country: 'DE', email: 'x@acme.example' },
    { targetingKey: 'qa-alice', appVersion: '3.2.0' },
  ];

  // Each run is a process start; two flags per tenant (the first and the last,
  // one context each) keep this lean while crossing both tenants and several features.
  it('answers exactly as the engine does, on flags of both tenants', async () => {
    const loaded = await loadRepository(flagsDir);
    expect(loaded.tenants.length).toBeGreaterThanOrEqual(2);
    const cases = loaded.tenants.flatMap((state) => {
      const environment = state.environments.at(-1)!.key;
      const picked = [state.flags[0]!, state.flags.at(-1)!];
      return picked.map((flag, i) => ({ state, environment, flag, context: contexts[(i + state.flags.length) % contexts.length]! }));
    });
    for (const { state, environment, flag, context } of cases) {
      const expected = toWire(evaluate(buildSnapshot(state, environment, 0), flag.key, context), 0);
      const r = await runFf(['eval', flag.key, '-t', state.tenant, '-e', environment, '-c', JSON.stringify(context), '--json']);
      expect(JSON.parse(r.stdout), `${state.tenant}/${flag.key}`).toEqual(expected);
      expect(r.code).toBe(expected.error_code === undefined ? 0 : 1);
    }
  }, 60_000);

  it('explains a flag with rules of the example repository readably', async () => {
    const loaded = await loadRepository(flagsDir);
    const found = loaded.tenants
      .flatMap((state) => state.flags.map((flag) => ({ state, flag })))
      .flatMap(({ state, flag }) =>
        Object.entries(flag.environments ?? {})
          .filter(([, config]) => config?.enabled && (config.rules?.length ?? 0) > 0)
          .map(([environment]) => ({ tenant: state.tenant, flag: flag.key, environment })),
      )[0];
    expect(found, 'the example repository has an enabled flag with rules').toBeDefined();
    const { tenant, flag, environment } = found!;
    const r = await runFf(['eval', flag, '-t', tenant, '-e', environment, '-c', '{"targetingKey":"user-42"}', '-x']);
    expect(r.stdout).toContain(`explain  ${flag} in ${environment}`);
    expect(r.stdout).toMatch(/rule 1 \S+: (no match|matched)/);
    expect(r.stdout).toMatch(/→ /);
  });
});

describe('ff eval validates only the tenant it evaluates', () => {
  let two: string;
  beforeAll(async () => {
    two = join(tmp.path, 'two-tenants');
    await writeFiles(two, {
      ...SMALL_REPO,
      'broken/tenant.yaml': 'version: 1\ntenant: broken\nenvironments:\n  - key: prod\n',
      'broken/flags.yaml': 'version: 1\nflags:\n  - key: x\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: nowhere\n',
    });
  });

  it('another tenant\'s mistakes do not stop it', async () => {
    const r = await runFf(['eval', 'banner', '-t', 'shop', '-e', 'prod', '-d', two, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ flag_key: 'banner', reason: expect.stringMatching(/^(DEFAULT|TARGETING_MATCH|SPLIT)$/) });
  });

  it('its own mistakes do, with their diagnostics', async () => {
    const r = await runFf(['eval', 'x', '-t', 'broken', '-e', 'prod', '-d', two]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('VARIANT_UNKNOWN');
    expect(r.stderr).toContain('REPO_INVALID');
  });

  it('an unknown tenant still lists the known ones', async () => {
    const r = await runFf(['eval', 'banner', '-t', 'nobody', '-e', 'prod', '-d', two]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('known: broken, shop');
  });
});

describe('ff eval suggests a flag key', () => {
  it('a mistyped flag key: did you mean, on stderr; the answer is unchanged', async () => {
    const r = await runFf(['eval', 'baner', '-t', 'shop', '-e', 'prod', '-d', repo, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ flag_key: 'baner', error_code: 'FLAG_NOT_FOUND' });
    expect(JSON.parse(r.stdout)).not.toHaveProperty('didYouMean');
    expect(r.stderr).toBe('no such flag in the tenant: did you mean "banner"?\n');
  });
});
