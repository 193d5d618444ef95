// core/ is the framework-free heart shared by the CLI and the server: it must
// never reach into cli/ or server/, the network, the database, or a framework.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORE = path.join(ROOT, 'core');

const FORBIDDEN_MODULES = [
  /^(node:)?(http|https|http2|net|tls|dgram|dns|child_process|cluster|worker_threads)(\/|$)/,
  /^(node:)?sqlite$/,
  /^fastify($|\/)/,
  /^@fastify\//,
  /^@oclif\//,
  /^oclif($|\/)/,
  /^better-sqlite3$/,
  /^undici/,
  /^jose$/,
  /^pino/,
  /^prom-client$/,
  /^chokidar$/,
  /^simple-git$/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [full] : [];
  });
}

/** Every module specifier a file imports: static, dynamic, re-exports and require(). */
export function importsOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

export function violations(file: string, source: string): string[] {
  const found: string[] = [];
  for (const spec of importsOf(source)) {
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(CORE + path.sep)) found.push(`${spec} (leaves core/)`);
    } else if (FORBIDDEN_MODULES.some((re) => re.test(spec))) {
      found.push(`${spec} (forbidden module)`);
    }
  }
  return found;
}

describe('core/ boundary', () => {
  it('no file in core/ imports cli/, server/, a network or database module, or a framework', () => {
    const report = sourceFiles(CORE).flatMap((file) =>
      violations(file, readFileSync(file, 'utf8')).map((v) => `${path.relative(ROOT, file)}: ${v}`),
    );
    expect(report).toEqual([]);
  });

  it('the checker itself catches each kind of violation', () => {
    const file = path.join(CORE, 'engine', 'x.ts');
    const bad = [
      "import Fastify from 'fastify';",
      "import { Command } from '@oclif/core';",
      "import Database from 'better-sqlite3';",
      "import http from 'node:http';",
      "export { x } from '../../server/app.js';",
      "const m = await import('../../cli/commands/eval.js');",
      "const n = require('net');",
    ];
    for (const line of bad) expect(violations(file, line), line).toHaveLength(1);
    expect(violations(file, "import { parse } from 'yaml';\nimport { x } from '../model/index.js';")).toEqual([]);
  });
});
