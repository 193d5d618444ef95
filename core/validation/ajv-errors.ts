// Translating ajv's errors into Issues: one stable code per keyword, a message
// a person can act on, and a pointer at the offending node (the unknown key
// itself for additionalProperties and propertyNames; the parent map for
// required). anyOf branches are collapsed so one mistake gives one message.
import type { ErrorObject } from 'ajv';
import { pointer } from '../yaml/pointer.js';
import type { DiagnosticCode } from './codes.js';
import { describeTypes, describeValue, quote } from './describe-value.js';
import { makeIssue } from './issue.js';
import type { Issue } from './issue.js';
import { closest } from './suggest.js';

// Names for the shared definitions of flag.schema.json, used in messages.
const DEFINITION_LABELS: Readonly<Record<string, string>> = {
  key: 'key',
  environmentKey: 'environment key',
  variantName: 'variant name',
  attributeName: 'attribute name',
  targetingKey: 'targeting key',
};

const YAML_11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'false']);

function labelOf(error: ErrorObject): string {
  const definition = /\/\$defs\/(\w+)\//.exec(error.schemaPath)?.[1];
  if (definition !== undefined && DEFINITION_LABELS[definition]) return DEFINITION_LABELS[definition];
  if (/\/tags\/items\//.test(error.schemaPath)) return 'tag';
  if (/\/salt\//.test(error.schemaPath)) return 'salt';
  if (/\/tenant\//.test(error.schemaPath)) return 'tenant key';
  if (/\/id\//.test(error.schemaPath)) return 'rule id';
  return 'value';
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent + '/');
}

function depth(path: string): number {
  return path === '' ? 0 : path.split('/').length - 1;
}

/**
 * Replaces the branch errors of a failed anyOf/oneOf (ajv emits them just
 * before it) by what helps most: the errors of the branch that got deepest
 * into the data, or a single "must be a string, number, … or list".
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') {
      out.push(error);
      continue;
    }
    const branch: ErrorObject[] = [];
    while (out.length > 0 && isUnder((out[out.length - 1] as ErrorObject).instancePath, error.instancePath)) {
      branch.unshift(out.pop() as ErrorObject);
    }
    if (branch.length === 0) {
      out.push(error);
      continue;
    }
    const deepest = Math.max(...branch.map((e) => depth(e.instancePath)));
    if (deepest > depth(error.instancePath)) {
      out.push(...branch.filter((e) => depth(e.instancePath) === deepest));
    } else if (branch.every((e) => e.keyword === 'type')) {
      const types = branch.flatMap((e) => {
        const type = (e.params as { type: string | string[] }).type;
        return Array.isArray(type) ? type : [type];
      });
      out.push({ ...error, keyword: 'type', params: { type: [...new Set(types)] } });
    } else {
      out.push(error);
    }
  }
  return out;
}

function translate(error: ErrorObject, innerNameErrors: readonly ErrorObject[]): Issue {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  const issue = (code: DiagnosticCode, message: string, at = path, target: 'value' | 'key' = 'value'): Issue =>
    makeIssue(code, message, at, target);

  switch (error.keyword) {
    case 'required':
      return issue('SCHEMA_REQUIRED', `missing required property "${String(params.missingProperty)}"`);
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(name, allowed);
      const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : '';
      return issue('SCHEMA_UNKNOWN_PROPERTY', `unknown property "${name}"${hint}`, pointer(path, name), 'key');
    }
    case 'type': {
      const type = params.type as string | string[];
      const types = Array.isArray(type) ? type : [type];
      let message = `must be ${describeTypes(types)}, not ${describeValue(data)}`;
      if (types.includes('boolean') && typeof data === 'string' && YAML_11_BOOLEANS.has(data.toLowerCase())) {
        message += ': YAML 1.2 reads yes/no/on/off as strings; write true or false';
      }
      return issue('SCHEMA_TYPE', message);
    }
    case 'pattern':
      return issue('SCHEMA_PATTERN', `${quote(data)} is not a valid ${labelOf(error)}: it must match ${String(params.pattern)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof data === 'string' ? closest(data, allowed) : undefined;
      const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : '';
      return issue('SCHEMA_ENUM', `${quote(data)} is not one of: ${allowed.join(', ')}${hint}`);
    }
    case 'const':
      return issue('SCHEMA_CONST', `must be ${quote(params.allowedValue)}, not ${quote(data)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue('SCHEMA_RANGE', `must be ${String(params.comparison)} ${String(params.limit)}, not ${quote(data)}`);
    case 'minLength':
      return issue('SCHEMA_LENGTH', `must be at least ${String(params.limit)} characters long`);
    case 'maxLength':
      return issue('SCHEMA_LENGTH', `must be at most ${String(params.limit)} characters long`);
    case 'minItems':
      return issue('SCHEMA_SIZE', `must have at least ${String(params.limit)} item(s)`);
    case 'maxItems':
      return issue('SCHEMA_SIZE', `must have at most ${String(params.limit)} items`);
    case 'minProperties':
      return issue('SCHEMA_SIZE', `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`);
    case 'maxProperties':
      return issue('SCHEMA_SIZE', `must have at most ${String(params.limit)} entries`);
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      const item = Array.isArray(data) ? (data as unknown[])[later] : undefined;
      return issue('SCHEMA_DUPLICATE_ITEM', `${quote(item)} is listed twice (also item ${earlier + 1})`, pointer(path, later));
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const inner = innerNameErrors.find((e) => e.propertyName === name && e.keyword === 'pattern');
      const message = inner
        ? `${quote(name)} is not a valid ${labelOf(inner)}: it must match ${String((inner.params as { pattern: string }).pattern)}`
        : `${quote(name)} is not an allowed name here`;
      return issue('SCHEMA_PROPERTY_NAME', message, pointer(path, name), 'key');
    }
    case 'anyOf':
    case 'oneOf':
      return issue('SCHEMA_INVALID', 'does not match any of the allowed forms');
    default:
      return issue('SCHEMA_INVALID', error.message ?? `fails the "${error.keyword}" check`);
  }
}

/** Issues for ajv's errors, deduplicated, in ajv's order. */
export function translateAjvErrors(errors: readonly ErrorObject[]): Issue[] {
  const collapsed = collapseAlternatives(errors);
  const innerNameErrors = collapsed.filter((e) => e.propertyName !== undefined);
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const error of collapsed) {
    if (error.propertyName !== undefined) continue; // reported through its propertyNames error
    const translated = translate(error, innerNameErrors);
    const key = `${translated.code}\0${translated.pointer}\0${translated.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(translated);
  }
  return issues;
}
