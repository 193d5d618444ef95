import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../cli/actions/audit.js';
import { plain } from '../../cli/io/colors.js';
import { renderAuditText } from '../../cli/render/audit-text.js';
import { renderKeysText } from '../../cli/render/keys-text.js';

const SHA = '4e94a299df32a0ca6af15ac3ceab46e733154f0c';

describe('renderAuditText', () => {
  it('shows each change with its commit and link, a forced write and its reason, newest first as given', () => {
    const rows: AuditEntry[] = [
      {
        id: 2, ts: '2026-11-21T10:00:00.000Z', actor: 'ci', source: 'git', environment: 'production', resource: 'flag', key: 'checkout',
        action: 'update', revision: 42, before: null, after: null, request_id: null, reason: null, forced: false, commit: { sha: SHA, message: 'Raise rollout\n\nBecause.', author: 'Ada' },
        commit_url: `https://github.com/org/flags/commit/${SHA}`,
      },
      { id: 1, ts: '2026-11-20T09:00:00.000Z', actor: 'alice', source: 'api', environment: null, resource: 'segment', key: 'staff', action: 'create', revision: 41, before: null, after: null, request_id: null, reason: null, forced: false, commit: null, commit_url: null },
      { id: 0, ts: '2026-11-19T08:00:00.000Z', actor: 'bob', source: 'api', environment: 'production', resource: 'flag', key: 'checkout', action: 'update', revision: 40, before: null, after: null, request_id: null, reason: 'checkout errors', forced: true, commit: null, commit_url: null },
    ];
    expect(renderAuditText(rows, plain)).toBe(
      [
        '2026-11-21T10:00:00.000Z  r42  git   ci  update flag checkout (production)',
        '    commit 4e94a299df32 "Raise rollout" by Ada',
        `    https://github.com/org/flags/commit/${SHA}`,
        '2026-11-20T09:00:00.000Z  r41  api   alice  create segment staff',
        '2026-11-19T08:00:00.000Z  r40  api   bob  update flag checkout (production)  FORCED (drift)',
        '    reason: checkout errors',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing', () => {
    expect(renderAuditText([], plain)).toBe('No audit entries.\n');
  });
});

describe('renderKeysText', () => {
  it('is a table of ids, prefixes and environments, never a secret', () => {
    const text = renderKeysText([
      { id: 'AAAAAAAAAAAA', prefix: 'ffk_AAAAAAAAAAAA', name: 'web', environment: 'production', created_at: '2026-11-21T10:00:00Z', created_by: 'alice', revoked_at: null, revoked_by: null },
      { id: 'BBBBBBBBBBBB', prefix: 'ffk_BBBBBBBBBBBB', name: 'mobile app', environment: 'staging', created_at: '2026-11-21T11:00:00Z', created_by: 'bob', revoked_at: '2026-11-22T00:00:00Z', revoked_by: 'alice' },
    ]);
    expect(text).toBe(
      [
        'ID            PREFIX            ENVIRONMENT  NAME        CREATED               BY     REVOKED',
        'AAAAAAAAAAAA  ffk_AAAAAAAAAAAA  production   web         2026-11-21T10:00:00Z  alice  -',
        'BBBBBBBBBBBB  ffk_BBBBBBBBBBBB  staging      mobile app  2026-11-21T11:00:00Z  bob    2026-11-22T00:00:00Z',
        '',
      ].join('\n'),
    );
    expect(renderKeysText([])).toBe('No API keys.\n');
  });
});
