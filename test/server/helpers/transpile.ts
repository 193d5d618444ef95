import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * A fresh folder under the repository's node_modules/.cache, so the emitted
 * code resolves the project's packages. The cache folder does not exist in a
 * fresh clone, hence the mkdir.
 */
export function transpileDir(repo: string, prefix: string): string {
  const cache = path.join(repo, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(path.join(cache, prefix));
}

/**
 * Emits the JavaScript of `roots` (e.g. server/, core/) into `outDir`, file by
 * file with TypeScript's own transpiler. The project compiles with
 * isolatedModules + verbatimModuleSyntax, so this is the code `tsc` emits,
 * without the ~20 s type-check (the typecheck is a separate CI step).
 */
export function transpileTree(repo: string, roots: readonly string[], outDir: string): void {
  for (const root of roots) {
    for (const file of walk(path.join(repo, root))) {
      const rel = path.relative(repo, file);
      const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ES2022,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          esModuleInterop: true,
        },
      });
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  // Under node_modules/ Node stops looking for the repository's package.json: say ESM here.
  writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts')) yield full;
  }
}
