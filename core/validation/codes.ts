// Every diagnostic code ff reports, with its severity. Codes are stable: tools
// and tests match on them, never on message text. docs/diagnostics.md explains
// each one with an example (a test keeps the two lists equal).
import type { Severity } from './types.js';

export const DIAGNOSTIC_CODES = {
  // Files and the repository layout
  FILE_TOO_LARGE: 'error',
  REPO_TOO_LARGE: 'error',
  FILE_ENCODING: 'error',
  FILE_UNREADABLE: 'error',
  FILE_SKIPPED: 'warning',
  FILE_OUTSIDE_TENANT: 'warning',
  REPO_EMPTY: 'error',
  TENANT_FILE_MISSING: 'error',
  TENANT_MISMATCH: 'error',
  TENANT_EMPTY: 'warning',

  // YAML safety profile
  YAML_SYNTAX: 'error',
  YAML_DUPLICATE_KEY: 'error',
  YAML_MULTI_DOCUMENT: 'error',
  YAML_EMPTY: 'warning',
  YAML_TOO_DEEP: 'error',
  YAML_CONTROL_CHARACTER: 'error',
  YAML_MERGE_KEY: 'error',
  YAML_PROTO_KEY: 'error',
  YAML_TAG: 'error',
  YAML_COMPLEX_KEY: 'error',
  YAML_ALIAS_UNDEFINED: 'error',
  YAML_ALIAS_LIMIT: 'error',
  YAML_VERSION_IGNORED: 'warning',
  YAML_WARNING: 'warning',

  // JSON Schema (shape)
  SCHEMA_REQUIRED: 'error',
  SCHEMA_UNKNOWN_PROPERTY: 'error',
  SCHEMA_TYPE: 'error',
  SCHEMA_PATTERN: 'error',
  SCHEMA_ENUM: 'error',
  SCHEMA_CONST: 'error',
  SCHEMA_RANGE: 'error',
  SCHEMA_LENGTH: 'error',
  SCHEMA_SIZE: 'error',
  SCHEMA_DUPLICATE_ITEM: 'error',
  SCHEMA_PROPERTY_NAME: 'error',
  SCHEMA_INVALID: 'error',

  // Semantics: checks that need more than one node (core/validation/semantic)
  FLAG_DUPLICATE_KEY: 'error',
  SEGMENT_DUPLICATE_KEY: 'error',
  ENVIRONMENT_DUPLICATE_KEY: 'error',
  ENVIRONMENT_UNKNOWN: 'error',
  FLAG_NO_ENVIRONMENTS: 'warning',
  FLAG_EXPIRES_INVALID: 'error',
  PREREQUISITE_UNKNOWN: 'error',
  PREREQUISITE_VARIANT_UNKNOWN: 'error',
  PREREQUISITE_CYCLE: 'error',
  PREREQUISITE_NESTED: 'error',
  VARIANT_TYPE_MISMATCH: 'error',
  VARIANT_UNKNOWN: 'error',
  TARGET_DUPLICATE: 'error',
  RULE_DUPLICATE_ID: 'error',
  RULE_UNREACHABLE: 'error',
  DEFAULT_UNREACHABLE: 'warning',
  SERVE_VARIANT_AND_ROLLOUT: 'error',
  SERVE_NOTHING: 'error',
  SERVE_BUCKET_BY_IGNORED: 'warning',
  ROLLOUT_ALL_ZERO: 'error',
  SCHEDULE_TIME_INVALID: 'error',
  SCHEDULE_NOT_ASCENDING: 'error',
  SCHEDULE_NOT_MONOTONIC: 'warning',
  SEGMENT_UNKNOWN: 'error',
  SEGMENT_NESTED: 'error',
  SEGMENT_EMPTY: 'warning',
  SEGMENT_INCLUDE_EXCLUDED: 'warning',
  CONDITION_AMBIGUOUS: 'error',
  CONDITION_EMPTY: 'error',
  CONDITION_OPERATOR_MISSING: 'error',
  CONDITION_SEGMENT_FIELDS: 'error',
  CONDITION_VALUE_MISSING: 'error',
  CONDITION_VALUE_UNEXPECTED: 'error',
  CONDITION_VALUE_TYPE: 'error',
  CONDITION_SEMVER_INVALID: 'error',
  CONDITION_DATE_INVALID: 'error',
  CONDITION_CIDR_INVALID: 'error',
  CONDITION_SEMVER_RANGE_INVALID: 'error',
  CONDITION_EMPTY_LIST: 'warning',
  CONDITION_OPTION_IGNORED: 'warning',
  REGEX_TOO_LONG: 'error',
  REGEX_INVALID: 'error',
  REGEX_UNSAFE: 'error',
  REGEX_NOT_PORTABLE: 'warning',
  EXPERIMENT_DUPLICATE_KEY: 'error',
  EXPERIMENT_FLAG_UNKNOWN: 'error',
  EXPERIMENT_ENVIRONMENT_UNKNOWN: 'error',
  EXPERIMENT_NOT_A_SPLIT: 'error',
  EXPERIMENT_VARIANT_UNKNOWN: 'error',
  EXPERIMENT_UNIT_MISMATCH: 'error',
  EXPERIMENT_TIME_INVALID: 'error',
  EXPERIMENT_OVERLAP: 'error',

  // ff fmt
  FMT_UNSAFE: 'error',
} as const satisfies Record<string, Severity>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code];
}
