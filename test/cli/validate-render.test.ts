import { describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../cli/actions/validate.js';
import { hasAnsi, plain, paletteFor } from '../../cli/io/colors.js';
import { diagnosticLocation, renderDiagnosticLine } from '../../cli/render/diagnostic-line.js';
import {
  escapeGithubData,
  escapeGithubProperty,
  githubFilePath,
  renderGithubAnnotation,
  renderValidationGithub,
} from '../../cli/render/validate-github.js';
import { renderValidationJson, toValidationJson } from '../../cli/render/validate-json.js';
import { renderValidationText } from '../../cli/render/validate-text.js';
import type { Diagnostic } from '../../core/validation/types.js';

const unknownSegment: Diagnostic = {
  code: 'UNKNOWN_SEGMENT',
  severity: 'error',
  message: 'segment "beta" is not defined',
  file: 'flags/acme/checkout.yaml',
  line: 12,
  column: 17,
  endLine: 12,
  endColumn: 21,
  path: '/flags/0/environments/production/rules/0/conditions/0/segment',
};
const unreachable: Diagnostic = {
  code: 'UNREACHABLE_RULE',
  severity: 'warning',
  message: 'rule "late" can never match',
  file: 'flags/acme/checkout.yaml',
  line: 30,
  column: 11,
};

function report(diagnostics: Diagnostic[]): ValidationReport {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    dir: 'flags',
    ok: errors === 0,
    files: ['flags/acme/checkout.yaml', 'flags/acme/tenant.yaml'],
    tenants: [{ key: 'acme', environments: ['development', 'production'], flags: 3, segments: 1 }],
    errors,
    warnings: diagnostics.length - errors,
    diagnostics,
  };
}

describe('text diagnostics', () => {
  it('prints file:line:col  severity  CODE  message, severities aligned', () => {
    expect(renderDiagnosticLine(unknownSegment, plain)).toBe(
      'flags/acme/checkout.yaml:12:17  error    UNKNOWN_SEGMENT  segment "beta" is not defined',
    );
    expect(renderDiagnosticLine(unreachable, plain)).toBe(
      'flags/acme/checkout.yaml:30:11  warning  UNREACHABLE_RULE  rule "late" can never match',
    );
  });

  it('degrades gracefully when a diagnostic has no column, line or file', () => {
    expect(diagnosticLocation({ ...unknownSegment, column: undefined }, 'flags')).toBe('flags/acme/checkout.yaml:12');
    expect(diagnosticLocation({ ...unknownSegment, line: undefined, column: undefined }, 'flags')).toBe(
      'flags/acme/checkout.yaml',
    );
    expect(diagnosticLocation({ code: 'X', severity: 'error', message: 'm' }, 'flags')).toBe('flags');
  });

  it('indents continuation lines of a multi-line message', () => {
    const line = renderDiagnosticLine({ ...unknownSegment, message: 'first\nsecond' }, plain);
    expect(line.split('\n')).toEqual([expect.stringContaining('first'), '    second']);
  });

  it('ends with a summary that counts errors, warnings and files', () => {
    const text = renderValidationText(report([unknownSegment, unreachable]), plain);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Found 1 error and 1 warning in 2 files.');
    expect(renderValidationText(report([]), plain)).toBe('No problems found in 2 files (1 tenant).\n');
  });

  it('colours only with a colour palette', () => {
    const coloured = renderValidationText(report([unknownSegment]), paletteFor({ isTTY: true }, {}));
    expect(hasAnsi(coloured)).toBe(true);
    expect(hasAnsi(renderValidationText(report([unknownSegment]), plain))).toBe(false);
  });
});

describe('json output', () => {
  it('is a stable versioned document with every diagnostic field', () => {
    const parsed = JSON.parse(renderValidationJson(report([unknownSegment, unreachable]))) as unknown;
    expect(parsed).toEqual({
      version: 1,
      ok: false,
      dir: 'flags',
      files: ['flags/acme/checkout.yaml', 'flags/acme/tenant.yaml'],
      tenants: [{ key: 'acme', environments: ['development', 'production'], flags: 3, segments: 1 }],
      summary: { errors: 1, warnings: 1 },
      diagnostics: [unknownSegment, unreachable],
    });
    expect(toValidationJson(report([unreachable])).ok).toBe(true);
  });
});

describe('github annotations', () => {
  it('escapes the message: %, CR and LF', () => {
    expect(escapeGithubData('100% sure\r\nnext')).toBe('100%25 sure%0D%0Anext');
  });

  it('escapes properties: also : and ,', () => {
    expect(escapeGithubProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });

  it('escapes % first so escapes are never double-escaped', () => {
    expect(escapeGithubData('%0A')).toBe('%250A');
  });

  it('emits one workflow command per diagnostic with position and code as title', () => {
    const out = renderValidationGithub(report([unknownSegment, unreachable]), '/repo');
    expect(out.split('\n')).toEqual([
      '::error file=flags/acme/checkout.yaml,line=12,col=17,endLine=12,endColumn=21,title=UNKNOWN_SEGMENT::segment "beta" is not defined',
      '::warning file=flags/acme/checkout.yaml,line=30,col=11,title=UNREACHABLE_RULE::rule "late" can never match',
      '',
    ]);
  });

  it('escapes commas and colons in file names and newlines in messages', () => {
    const d: Diagnostic = { code: 'C', severity: 'error', message: 'a\nb: c, d', file: 'flags/we,ird:name.yaml', line: 1 };
    expect(renderGithubAnnotation(d, '/repo')).toBe(
      '::error file=flags/we%2Cird%3Aname.yaml,line=1,title=C::a%0Ab: c, d',
    );
  });

  it('names files outside the working directory relative to the workspace', () => {
    expect(githubFilePath('/repo/flags/acme/x.yaml', '/repo')).toBe('flags/acme/x.yaml');
    expect(githubFilePath('flags/acme/x.yaml', '/elsewhere')).toBe('flags/acme/x.yaml');
  });

  it('omits absent properties', () => {
    expect(renderGithubAnnotation({ code: 'C', severity: 'error', message: 'm' }, '/repo')).toBe('::error title=C::m');
  });

  it('prints nothing when there is nothing to annotate', () => {
    expect(renderValidationGithub(report([]), '/repo')).toBe('');
  });
});

describe('escaping what came from the files', () => {
  const evil: Diagnostic = { ...unknownSegment, file: 'a\n::error::x\u001b[2J.yaml', message: 'segment "b\u001b[31m" is not defined\n::warning::y' };

  it('text: control characters visible, no line a workflow command', () => {
    const line = renderDiagnosticLine(evil, plain);
    expect(line).not.toContain('\u001b');
    expect(line.startsWith('a\\n::error::x\\e[2J.yaml:12:17')).toBe(true);
    expect(line.split('\n')).toEqual([expect.stringContaining('segment "b\\e[31m"'), '    \\::warning::y']);
  });

  it('github: line breaks and ESC escaped in properties and messages', () => {
    const out = renderGithubAnnotation(evil, '/w');
    expect(out.split('\n')).toHaveLength(1);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('file=a%0A%3A%3Aerror%3A%3Ax\\e[2J.yaml');
  });
});
