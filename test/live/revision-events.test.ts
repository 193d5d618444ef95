// From revision records (what every process reads alike) to stream events.
import { describe, expect, it } from 'vitest';
import type { RevisionRecord } from '../../server/features/state/revision-store.js';
import { revisionEvents } from '../../server/features/stream/revision-events.js';
import { formatEvent } from '../../server/features/stream/sse-format.js';
import { ALPHA } from '../server/helpers/fixtures.js';

const record = (revision: number, changes: RevisionRecord['changes']): RevisionRecord => ({
  tenant: 'alpha',
  revision,
  ts: '2026-11-21T10:00:00.000Z',
  actor: 'test',
  source: 'api',
  commit: null,
  changes,
});

describe('revisionEvents', () => {
  it('one event per revision and environment touched, oldest first, keys sorted and unique', () => {
    const events = revisionEvents(
      [
        record(4, [
          { resource: 'flag', key: 'theme', action: 'update', environments: ['production'] },
          { resource: 'flag', key: 'banner-text', action: 'update', environments: ['production', 'development'] },
        ]),
        record(5, [{ resource: 'flag', key: 'theme', action: 'delete', environments: ['production'] }]),
      ],
      ALPHA,
    );
    expect(events.map((e) => [e.revision, e.environment, e.changed])).toEqual([
      [4, 'development', ['banner-text']],
      [4, 'production', ['banner-text', 'theme']],
      [5, 'production', ['theme']],
    ]);
  });

  it('a segment names the flags whose rules use it in that environment; an environment names every flag', () => {
    const events = revisionEvents(
      [
        record(6, [{ resource: 'segment', key: 'staff', action: 'update', environments: ['development', 'production'] }]),
        record(7, [{ resource: 'environment', key: 'development', action: 'update', environments: ['development'] }]),
      ],
      ALPHA,
    );
    expect(events.map((e) => [e.revision, e.environment, e.changed])).toEqual([
      [6, 'development', []],
      [6, 'production', ['new-checkout']],
      [7, 'development', ['banner-text', 'max-items', 'new-checkout', 'theme']],
    ]);
  });

  it('filters to one environment', () => {
    const events = revisionEvents([record(8, [{ resource: 'flag', key: 'theme', action: 'update', environments: ['production', 'development'] }])], ALPHA, 'development');
    expect(events.map((e) => e.environment)).toEqual(['development']);
  });

  it('formats the ff event and the OFREP refetchEvaluation message', () => {
    const [event] = revisionEvents([record(9, [{ resource: 'flag', key: 'theme', action: 'update', environments: ['production'] }])], ALPHA);
    if (event === undefined) throw new Error('no event');
    expect(formatEvent(event, 'ff')).toBe(
      'id: 9\nevent: revision\ndata: {"tenant":"alpha","environment":"production","revision":9,"changed":["theme"]}\n\n',
    );
    expect(formatEvent(event, 'ofrep')).toBe(
      'id: 9\nevent: message\ndata: {"type":"refetchEvaluation","etag":"\\"9-production\\"","lastModified":1795255200}\n\n',
    );
  });
});
