// `ff eval --at`: the built binary evaluates a progressive rollout as of a
// given moment, and explains which step served.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFf } from '../cli/support/run-ff.js';
import { tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

let tmp: TempDir;
let dir: string;

beforeAll(async () => {
  tmp = await tempDir('ff-schedule-e2e-');
  dir = join(tmp.path, 'flags');
  await writeFiles(dir, {
    'shop/tenant.yaml': 'version: 1\ntenant: shop\nenvironments:\n  - key: prod\n',
    'shop/flags.yaml': `version: 1
flags:
  - key: launch
    owner: web
    type: boolean
    variants: { on: true, off: false }
    offVariant: off
    environments:
      prod:
        enabled: true
        default:
          schedule:
            - at: 2026-12-01
              rollout: { on: 5, off: 95 }
            - at: 2026-12-14T09:00:00Z
              variant: on
`,
  });
});
afterAll(() => tmp.remove());

const evalAt = (at: string, ...extra: string[]) =>
  runFf(['eval', 'launch', '--dir', dir, '-t', 'shop', '-e', 'prod', '-c', '{"targetingKey":"user-24"}', '--at', at, '--json', ...extra]);

describe('ff eval --at', () => {
  it('serves the step in force at that moment', async () => {
    const before = JSON.parse((await evalAt('2026-11-30T00:00:00Z')).stdout) as { variant: string; reason: string };
    expect(before).toMatchObject({ variant: 'off', reason: 'DEFAULT' });
    const during = JSON.parse((await evalAt('2026-12-05')).stdout) as { reason: string; details: { bucket?: number } };
    expect(during.reason).toBe('SPLIT');
    expect(typeof during.details.bucket).toBe('number');
    const after = await evalAt('2026-12-14T09:00:00Z');
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ variant: 'on', reason: 'DEFAULT' });
  });

  it('explains the step, and refuses a time that is not ISO-8601 or with --remote', async () => {
    const r = await runFf(['eval', 'launch', '--dir', dir, '-t', 'shop', '-e', 'prod', '-c', '{"targetingKey":"u"}', '--at', '2026-12-02', '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('schedule step 1 of 2, since 2026-12-01T00:00:00.000Z; next step at 2026-12-14T09:00:00.000Z');
    const bad = await evalAt('tomorrow');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('INVALID_TIME');
    const remote = await evalAt('2026-12-02', '--remote');
    expect(remote.code).toBe(1);
    expect(remote.stderr).toMatch(/--at.*--remote|--remote.*--at/);
  });
});
