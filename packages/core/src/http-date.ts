/**
 * HTTP-date parsing (RFC 9110 §5.6.7), strict: the three formats a recipient must accept and
 * nothing else. `Date.parse` is not used because it accepts almost anything ("1" is the year 2001
 * in V8), and a lenient parse of an attacker's `Expires` header would turn garbage into a lifetime.
 */

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** `Sun, 06 Nov 1994 08:49:37 GMT` (the preferred format). */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 format). */
const RFC850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime format; the day is space-padded). */
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Parse an HTTP-date into milliseconds since the Unix epoch, or `undefined` when the value is not
 * an HTTP-date or names an impossible time (31 February, 25:00). `now` resolves the two-digit
 * years of the RFC 850 format: a year more than 50 years in the future is read as the most recent
 * past year with the same last two digits (RFC 9110 §5.6.7).
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  const text = value.trim();
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return build(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = ASCTIME_DATE.exec(text);
  if (m !== null) return build(m[6], m[1], m[2], m[3], m[4], m[5]);
  m = RFC850_DATE.exec(text);
  if (m === null) return undefined;
  const nowYear = new Date(now).getUTCFullYear();
  let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
  if (year > nowYear + 50) year -= 100;
  return build(String(year), m[2], m[1], m[4], m[5], m[6]);
}

function build(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const mon = month === undefined ? undefined : MONTHS[month];
  if (mon === undefined) return undefined;
  const [y, d, h, mi, s] = [year, day, hour, minute, second].map((x) => Number(x?.trim()));
  if (y === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return undefined;
  // RFC 9110 allows second 60 (a leap second); it is read as the last second of the minute.
  if (d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, mon, d, h, mi, Math.min(s, 59));
  // Date.UTC rolls 31 February over into March; such a date is not a valid HTTP-date.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}
