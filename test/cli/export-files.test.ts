// exportFiles: a tenant state as files the loader reads back to the same state,
// already in the `ff fmt` format.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFiles } from '../../cli/actions/export.js';
import { contentHash } from '../../core/diff/index.js';
import { formatSource } from '../../core/fmt/index.js';
import { loadRepository } from '../../core/repo/index.js';
import { ROOT } from './support/run-ff.js';
import { CURRENT } from './fixtures/plans.js';
import { tempDir, type TempDir } from './support/temp-repo.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('ff-export-');
});
afterAll(async () => {
  await tmp?.remove();
});

async function roundTrip(files: { name: string; content: string }[], tenant: string, name: string) {
  const dir = join(tmp.path, name);
  await mkdir(join(dir, tenant), { recursive: true });
  for (const f of files) await writeFile(join(dir, tenant, f.name), f.content);
  return loadRepository(dir);
}

describe('exportFiles', () => {
  it('writes every tenant of the example repository so that it loads back identically', async () => {
    const { tenants } = await loadRepository(join(ROOT, 'flags'));
    for (const state of tenants) {
      const files = await exportFiles(state);
      expect(files.map((f) => f.name)).toEqual(['tenant.yaml', 'flags.yaml', 'segments.yaml', ...(state.experiments === undefined ? [] : ['experiments.yaml'])]);
      for (const f of files) expect(formatSource(f.content, f.name).changed, f.name).toBe(false);
      const back = await roundTrip(files, state.tenant, `example-${state.tenant}`);
      expect(back.diagnostics).toEqual([]);
      expect(contentHash(back.tenants[0])).toBe(contentHash(state));
    }
  });

  it('starts each file with the schema line, and leaves out files with nothing to hold', async () => {
    const files = await exportFiles({ ...CURRENT, segments: [] }, 'https://ff.example/schemas/');
    expect(files.map((f) => f.name)).toEqual(['tenant.yaml', 'flags.yaml']);
    expect(files[0]!.content).toBe(
      '# yaml-language-server: $schema=https://ff.example/schemas/tenant.schema.json\nversion: 1\ntenant: shop\nenvironments:\n  - key: staging\n  - key: production\n',
    );
    expect(files[1]!.content.split('\n')[0]).toBe('# yaml-language-server: $schema=https://ff.example/schemas/flags-file.schema.json');
  });

  it('quotes what YAML would otherwise read as another type', async () => {
    const state = {
      tenant: 'quotes',
      environments: [{ key: 'prod' }],
      flags: [{ key: 'f', type: 'string' as const, variants: { yes: 'yes', no: 'no', num: '10', nul: 'null' }, offVariant: 'no' }],
      segments: [],
    };
    const back = await roundTrip(await exportFiles(state), 'quotes', 'quotes');
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(back.tenants[0]).toEqual(state);
  });
});
