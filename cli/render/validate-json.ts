import type { ValidationReport } from '../actions/validate.js';

/**
 * `ff validate --format json`. A stable, versioned document: fields are only
 * ever added. `file` in each diagnostic is relative to `dir`.
 */
export interface ValidationJson {
  version: 1;
  ok: boolean;
  dir: string;
  files: string[];
  tenants: ValidationReport['tenants'];
  summary: { errors: number; warnings: number };
  diagnostics: ValidationReport['diagnostics'];
}

export function toValidationJson(report: ValidationReport): ValidationJson {
  return {
    version: 1,
    ok: report.ok,
    dir: report.dir,
    files: report.files,
    tenants: report.tenants,
    summary: { errors: report.errors, warnings: report.warnings },
    diagnostics: report.diagnostics,
  };
}

export function renderValidationJson(report: ValidationReport): string {
  return `${JSON.stringify(toValidationJson(report), null, 2)}\n`;
}
