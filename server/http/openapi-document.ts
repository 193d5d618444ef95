// The server's OpenAPI document exactly as GET /openapi.json serves it, from
// an app on a throwaway SQLite file: what scripts/gen-types.mjs turns into
// core/model/openapi-types.ts (the build compiles it; nothing else calls it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';

export async function openapiDocument(): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ff-gen-types-'));
  try {
    const config = loadConfig({
      FF_JWT_SECRET: 'gen-types-secret-that-is-at-least-32-bytes',
      FF_DB_PATH: path.join(dir, 'ff.db'),
      FF_SEED_DIR: path.join(dir, 'no-seed'),
      FF_LOG_LEVEL: 'silent',
    });
    const silent = new Writable({ write: (_chunk, _enc, cb) => cb() });
    const app = await buildApp(config, { logDestination: silent });
    try {
      const res = await app.inject({ method: 'GET', url: '/openapi.json' });
      if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
      return res.json();
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
