// A strict ISO-8601 / RFC 3339 parser to epoch milliseconds.
//
// Date.parse is not used: it accepts many non-ISO forms ("March 7, 2024") and
// reads an offset-less date-time in the machine's local time zone, which would
// make an answer depend on where it is computed. Accepted here:
//   YYYY-MM-DD                                   (midnight UTC)
//   YYYY-MM-DDThh:mm[:ss[.fraction]](Z|±hh:mm)   (an offset is required)
// Fractions beyond milliseconds are truncated. Anything else is not a date.

// Groups: 1 year, 2 month, 3 day, then an optional time: 4 hour, 5 minute, 6 second,
// 7 fraction, and its required offset: 8 'Z', or 9 sign, 10 hours, 11 minutes.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2})))?$/;

/** Longest string worth trying: 2024-01-01T00:00:00.123456789+00:00 is 35 characters. */
const MAX_LENGTH = 40;

// Days from 1970-01-01 to year-month-day in the proleptic Gregorian calendar
// (H. Hinnant's days_from_civil): pure integer arithmetic, no Date objects.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch milliseconds of an ISO-8601 string, or NaN when it is not one. */
export function parseIsoDate(text: string): number {
  if (text.length > MAX_LENGTH) return NaN;
  const m = ISO_DATE.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return NaN;
    offsetMinutes = (offsetHours * 60 + offsetMins) * (m[9] === '-' ? -1 : 1);
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis;
}
