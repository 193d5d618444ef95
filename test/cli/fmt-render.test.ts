import { describe, expect, it } from 'vitest';
import { fmtSucceeded, type FmtReport } from '../../cli/actions/fmt.js';
import { plain } from '../../cli/io/colors.js';
import { renderFmtChangedFiles, renderFmtSummary } from '../../cli/render/fmt-text.js';

const parseError = {
  code: 'YAML_SYNTAX',
  severity: 'error' as const,
  message: 'bad indentation',
  file: 'flags/acme/broken.yaml',
  line: 3,
  column: 2,
};

function report(check: boolean, statuses: Record<string, 'unchanged' | 'changed' | 'refused'>): FmtReport {
  return {
    dir: 'flags',
    check,
    files: Object.entries(statuses).map(([file, status]) => ({
      file: `flags/${file}`,
      status,
      diagnostics: status === 'refused' ? [parseError] : [],
    })),
  };
}

describe('fmt output', () => {
  it('lists changed files on stdout and summarizes on stderr', () => {
    const r = report(false, { 'acme/a.yaml': 'changed', 'acme/b.yaml': 'unchanged' });
    expect(renderFmtChangedFiles(r)).toBe('flags/acme/a.yaml\n');
    expect(renderFmtSummary(r, plain)).toBe('Formatted 1 file, 1 already formatted.\n');
    expect(fmtSucceeded(r)).toBe(true);
  });

  it('with --check, changed files mean failure', () => {
    const dirty = report(true, { 'acme/a.yaml': 'changed', 'acme/b.yaml': 'unchanged' });
    expect(renderFmtSummary(dirty, plain)).toBe('1 file is not formatted (nothing was written); run `ff fmt` to format, `ff fmt --diff` to see the changes.\n');
    expect(fmtSucceeded(dirty)).toBe(false);
    const clean = report(true, { 'acme/b.yaml': 'unchanged' });
    expect(renderFmtSummary(clean, plain)).toBe('The file is already formatted; nothing would change.\n');
    expect(fmtSucceeded(clean)).toBe(true);
  });

  it('reports refused files with their diagnostics and fails', () => {
    const r = report(false, { 'acme/broken.yaml': 'refused', 'acme/b.yaml': 'unchanged' });
    expect(renderFmtChangedFiles(r)).toBe('');
    expect(renderFmtSummary(r, plain)).toBe(
      [
        'flags/acme/broken.yaml:3:2  error    YAML_SYNTAX  bad indentation',
        'Formatted 0 files, 1 already formatted.',
        '1 file could not be formatted and was left unchanged.',
        '',
      ].join('\n'),
    );
    expect(fmtSucceeded(r)).toBe(false);
  });

  it('says so when there is nothing to format', () => {
    expect(renderFmtSummary(report(false, {}), plain)).toBe('No YAML files found in flags.\n');
  });
});
