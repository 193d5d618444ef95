import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContext } from '../../cli/io/context-input.js';
import { assertDirectory } from '../../cli/io/repo-dir.js';
import { writeFileAtomic } from '../../cli/io/write-file-atomic.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-cli-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--context input', () => {
  it('parses inline JSON', async () => {
    expect(await readContext('{"targetingKey":"u1","plan":"pro"}')).toEqual({ targetingKey: 'u1', plan: 'pro' });
  });

  it('reads @file', async () => {
    const file = join(dir, 'ctx.json');
    await writeFile(file, '{"targetingKey":"from-file"}');
    expect(await readContext(`@${file}`)).toEqual({ targetingKey: 'from-file' });
  });

  it('reads - from standard input', async () => {
    expect(await readContext('-', Readable.from(['{"targetingKey":', '"stdin"}']))).toEqual({ targetingKey: 'stdin' });
  });

  it('refuses to wait for a terminal on stdin: ff never prompts', async () => {
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    await expect(readContext('-', terminal)).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
  });

  it('passes valid JSON that is not an object through, for the engine to judge', async () => {
    expect(await readContext('[1,2]')).toEqual([1, 2]);
  });

  it('fails with INVALID_CONTEXT on bad JSON or an unreadable file', async () => {
    await expect(readContext('{nope')).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
    await expect(readContext(`@${join(dir, 'missing.json')}`)).rejects.toMatchObject({
      code: 'INVALID_CONTEXT',
      message: expect.stringContaining('ENOENT'),
    });
  });
});

describe('repository directory check', () => {
  it('fails with REPO_NOT_FOUND for a missing path or a file', async () => {
    await expect(assertDirectory(join(dir, 'absent'))).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
    const file = join(dir, 'plain-file');
    await writeFile(file, '');
    await expect(assertDirectory(file)).rejects.toMatchObject({ code: 'REPO_NOT_FOUND' });
    await expect(assertDirectory(dir)).resolves.toBeUndefined();
  });
});

describe('atomic write', () => {
  it('replaces content, keeps the mode and leaves no temporary file', async () => {
    const sub = join(dir, 'atomic');
    await mkdir(sub);
    const file = join(sub, 'f.yaml');
    await writeFile(file, 'old\n', { mode: 0o640 });
    await writeFileAtomic(file, 'new\n');
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readdir(sub)).toEqual(['f.yaml']);
  });
});
