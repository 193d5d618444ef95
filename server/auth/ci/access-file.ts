// The CI access file (FF_CI_ACCESS_FILE, schemas/ci-access.schema.json): read
// once at start-up with the flags repository's safe YAML profile and the JSON
// Schema, so a mistake stops the server with file:line:col instead of
// silently granting nothing (or too much) to a pipeline.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { CiAccessFile } from '../../../core/model/schema-types.js';
import { translateAjvErrors } from '../../../core/validation/ajv-errors.js';
import { schemasDir } from '../../../core/validation/index.js';
import { locatePointer, parseYaml, rangeFields } from '../../../core/yaml/index.js';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** The access file with its defaults filled in. */
export interface CiAccess {
  file: string;
  issuer: string;
  jwksUrl: string;
  audience: string;
  grants: CiAccessFile['grants'];
}

export class CiAccessError extends Error {
  override readonly name = 'CiAccessError';
}

let validate: ReturnType<Ajv2020['compile']> | undefined;

export function loadCiAccess(file: string): CiAccess {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CiAccessError(`cannot read the CI access file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseYaml(source, file);
  const where = (line?: number, column?: number) => (line === undefined ? file : `${file}:${line}:${column ?? 1}`);
  const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
  if (!parsed.ok || firstError) {
    const d = firstError ?? parsed.diagnostics[0];
    throw new CiAccessError(`${where(d?.line, d?.column)}: ${d?.message ?? 'not a YAML document'}`);
  }
  validate ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
    JSON.parse(readFileSync(path.join(schemasDir(), 'ci-access.schema.json'), 'utf8')) as object,
  );
  if (!validate(parsed.value)) {
    const problems = translateAjvErrors(validate.errors ?? []).map((issue) => {
      const range = parsed.document ? rangeFields(parsed.lineCounter, locatePointer(parsed.document, issue.pointer, issue.at)) : {};
      return `${where(range.line, range.column)}: ${issue.message}`;
    });
    throw new CiAccessError(`the CI access file is invalid:\n  ${problems.join('\n  ')}`);
  }
  const doc = parsed.value as CiAccessFile;
  const issuer = (doc.issuer ?? GITHUB_ACTIONS_ISSUER).replace(/\/+$/, '');
  return { file, issuer, jwksUrl: doc.jwks_url ?? `${issuer}/.well-known/jwks`, audience: doc.audience, grants: doc.grants };
}
