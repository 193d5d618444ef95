import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../core/engine/index.js';

describe('parseIsoDate', () => {
  it('agrees with Date for every instant written by toISOString', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(parseIsoDate(date.toISOString())).toBe(date.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2024-01-01T00:00Z', Date.UTC(2024, 0, 1)],
    ['2024-01-01t00:00:00z', Date.UTC(2024, 0, 1)],
    ['2024-01-01T01:30:00+01:30', Date.UTC(2024, 0, 1)],
    ['2023-12-31T19:00:00-05:00', Date.UTC(2024, 0, 1)],
    ['2024-01-01T00:00:00.5Z', Date.UTC(2024, 0, 1) + 500],
    ['2024-01-01T00:00:00.123456789Z', Date.UTC(2024, 0, 1) + 123],
    ['1969-12-31T23:59:59.999Z', -1],
  ])('%s', (text, expected) => {
    expect(parseIsoDate(text)).toBe(expected);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-04-31',
    '2024-01-01T24:00:00Z',
    '2024-01-01T12:60:00Z',
    '2024-01-01T12:00:60Z',
    '2024-01-01T12:00:00',
    '2024-01-01T12:00:00+2400',
    '2024-01-01T12:00:00+24:00',
    '2024-1-1',
    ' 2024-01-01',
    'December 31, 2023',
    '1704067200000',
    '',
    '2024-01-01T00:00:00.000000000000000000000000Z',
  ])('refuses %j', (text) => {
    expect(parseIsoDate(text)).toBeNaN();
  });
});
