// `ff promote` with the built binary: the YAML is rewritten in place with its
// comments, fmt-clean and valid, so the promotion is a reviewable commit.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFf } from '../cli/support/run-ff.js';
import { tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

const FLAGS = `# yaml-language-server: $schema=../../schemas/flags-file.schema.json
version: 1
flags:
  # The redesigned checkout.
  - key: checkout
    owner: web
    type: boolean
    variants:
      on: true
      off: false
    offVariant: off
    environments:
      staging:
        enabled: true # on for QA
        rules:
          # QA accounts first.
          - id: qa
            conditions:
              - attribute: email
                operator: ends_with
                value: "@qa.shop.test"
            serve:
              variant: on
        default:
          rollout: {on: 50, off: 50}
      prod:
        enabled: false # not yet
  - key: banner
    owner: web
    type: string
    variants:
      blue: blue
      green: green
    offVariant: blue
    environments:
      prod:
        enabled: true
`;

let tmp: TempDir;
let dir: string;
const file = () => join(dir, 'shop/flags.yaml');

beforeEach(async () => {
  tmp = await tempDir('ff-promote-e2e-');
  dir = join(tmp.path, 'flags');
  await writeFiles(dir, { 'shop/tenant.yaml': 'version: 1\ntenant: shop\nenvironments:\n  - key: staging\n  - key: prod\n', 'shop/flags.yaml': FLAGS });
});
afterEach(() => tmp?.remove());

describe('ff promote', () => {
  it('copies the staging configuration onto prod in place, keeping comments, fmt-clean and valid', async () => {
    const r = await runFf(['promote', 'checkout', '--from', 'staging', '--to', 'prod', '--dir', dir]);
    expect(r.stderr).toBe('Promoted checkout from staging to prod (1 file rewritten).\n');
    expect(r.code).toBe(0);
    const text = await readFile(file(), 'utf8');
    expect(text).toContain(
      [
        '      prod:',
        '        enabled: true # on for QA',
        '        rules:',
        '          # QA accounts first.',
        '          - id: qa',
      ].join('\n'),
    );
    expect(text).toContain('  # The redesigned checkout.\n  - key: checkout');
    expect(text.startsWith('# yaml-language-server: $schema=../../schemas/flags-file.schema.json\n')).toBe(true);
    // Everything else is as it was.
    expect(text.slice(text.indexOf('  - key: banner'))).toBe(FLAGS.slice(FLAGS.indexOf('  - key: banner')));
    expect((await runFf(['fmt', dir, '--check'])).code).toBe(0);
    expect((await runFf(['validate', dir])).code).toBe(0);
    const answer = await runFf(['eval', 'checkout', '--dir', dir, '-t', 'shop', '-e', 'prod', '-c', '{"targetingKey":"u","email":"a@qa.shop.test"}', '--json']);
    expect(JSON.parse(answer.stdout)).toMatchObject({ variant: 'on', rule_id: 'qa' });
    // Promoting again changes nothing.
    const again = await runFf(['promote', 'checkout', '--from', 'staging', '--to', 'prod', '--dir', dir]);
    expect(again.stderr).toBe('Nothing to promote: prod already has the configuration of staging.\n');
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const r = await runFf(['promote', 'checkout', '--from', 'staging', '--to', 'prod', '--dir', dir, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`--- ${file()}\n+++ ${file()}\n@@ `);
    expect(r.stdout).toContain('-        enabled: false # not yet\n+        enabled: true # on for QA\n');
    expect(r.stderr).toContain('dry run: nothing written');
    expect(await readFile(file(), 'utf8')).toBe(FLAGS);
  });

  it('refuses unknown flags and environments, a flag without the source configuration, and same from/to', async () => {
    const unknown = await runFf(['promote', 'chekout', '--from', 'staging', '--to', 'prod', '--dir', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('UNKNOWN_FLAG');
    expect(unknown.stderr).toContain('did you mean "checkout"?');
    const env = await runFf(['promote', 'checkout', '--from', 'staging', '--to', 'production', '--dir', dir]);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('UNKNOWN_ENVIRONMENT');
    const missing = await runFf(['promote', 'banner', '--from', 'staging', '--to', 'prod', '--dir', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('flag "banner" has no configuration in staging to promote');
    const same = await runFf(['promote', 'checkout', '--from', 'prod', '--to', 'prod', '--dir', dir]);
    expect(same.code).toBe(1);
    expect(await readFile(file(), 'utf8')).toBe(FLAGS);
  });

  it('takes the repository as the last argument when it is a directory, as the issue writes it; --dir makes every argument a key', async () => {
    // Run from the folder holding ./flags, with the directory last.
    const r = await runFf(['promote', 'checkout', '--from', 'staging', '--to', 'prod', 'flags'], { cwd: tmp.path });
    expect(r.stderr).toBe('Promoted checkout from staging to prod (1 file rewritten).\n');
    expect(r.code).toBe(0);
    expect(await readFile(file(), 'utf8')).toContain('      prod:\n        enabled: true # on for QA\n');
    // An absolute path, after flags of the command, reads the same.
    const again = await runFf(['promote', 'checkout', '--from', 'staging', '--to', 'prod', '--dry-run', dir]);
    expect(again.stderr).toBe('Nothing to promote: prod already has the configuration of staging.\n');
    // A lone argument is always the flag, even when a directory of that name exists: FLAG is required.
    const lone = await runFf(['promote', 'flags', '--from', 'staging', '--to', 'prod'], { cwd: tmp.path });
    expect(lone.code).toBe(1);
    expect(lone.stderr).toContain('UNKNOWN_FLAG');
    // With --dir the last argument is a key even though ./flags exists.
    const explicit = await runFf(['promote', 'checkout', 'flags', '--from', 'staging', '--to', 'prod', '--dir', dir], { cwd: tmp.path });
    expect(explicit.code).toBe(1);
    expect(explicit.stderr).toContain('UNKNOWN_FLAG');
    expect(explicit.stderr).toContain('"flags"');
    // A last argument that is no directory stays a key.
    const missing = await runFf(['promote', 'checkout', 'no-such-dir', '--from', 'staging', '--to', 'prod', '--dir', dir]);
    expect(missing.stderr).toContain('"no-such-dir"');
  });
});
