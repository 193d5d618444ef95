// The installable CLI finds its commands in one table (cli/commands.ts), not
// by globbing a folder: a command file missing from the table would exist in
// the repository and be absent from the product.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the command table', () => {
  it('lists every file of cli/commands/, under the id its path gives', () => {
    const ids = readdirSync(path.join(ROOT, 'cli/commands'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, '').split(path.sep).join(':'))
      .sort();
    expect(Object.keys(COMMANDS).sort()).toEqual(ids);
  });

  it('is released with the server: cli/package.json has the root package’s version and no dependencies', () => {
    const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const cli = JSON.parse(readFileSync(path.join(ROOT, 'cli/package.json'), 'utf8')) as Record<string, unknown>;
    expect(cli.version).toBe(root.version);
    expect(cli.dependencies).toBeUndefined();
    expect(cli.engines).toEqual(root.engines);
  });
});
