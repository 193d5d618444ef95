// Start-up cost: oclif loads a command module to run it, so
// whatever a command imports at the top is paid by every invocation, even
// `--help`. The YAML parser, the schema validator and the engine must be loaded
// with import() inside run(). This walks the static import graph from every
// command and hook and fails when it reaches anything heavy.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY_DIRS = ['cli/commands', 'cli/hooks'];

/** core/ files a command may load eagerly: tiny and import-free. */
// The plan renderers show schedules: the timeline and the date parser are small and import only each other and bucketing.
const LIGHT_CORE = new Set(['core/errors.ts', 'core/engine/bucketing.ts', 'core/model/scopes.ts', 'core/validation/suggest.ts', 'core/engine/iso-date.ts', 'core/lifecycle/timeline.ts']);
const LIGHT_PACKAGES = [/^@oclif\/core$/, /^picocolors$/, /^node:/];

/** Value imports only: `import type` and `export type` cost nothing at run time; import() is lazy. */
function staticValueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly) continue;
      specs.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      specs.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specs;
}

function eagerClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    const relative = path.relative(ROOT, file).split(path.sep).join('/');
    if (files.has(relative)) return;
    files.add(relative);
    for (const spec of staticValueImports(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

const entries = ENTRY_DIRS.flatMap((dir) =>
  readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(ROOT, dir, name)),
);

describe('command modules load light', () => {
  it('finds the commands', () => {
    expect(entries.map((e) => path.basename(e)).sort()).toEqual(expect.arrayContaining(['eval.ts', 'fmt.ts', 'validate.ts']));
  });

  it.each(entries.map((e) => [path.relative(ROOT, e), e]))('%s imports no heavy module eagerly', (_name, entry) => {
    const { files, packages } = eagerClosure(entry);
    const heavyCore = [...files].filter((f) => f.startsWith('core/') && !LIGHT_CORE.has(f));
    const heavyPackages = [...packages].filter((p) => !LIGHT_PACKAGES.some((re) => re.test(p)));
    expect(heavyCore).toEqual([]);
    expect(heavyPackages).toEqual([]);
  });
});
