/**
 * The `; date` of a Received field: RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 that servers still
 * write (two-digit years, zone names, missing seconds, comments and extra white space), and ISO 8601 from the
 * odd appliance. Anything else gives null: a wrong time is worse than none, and the raw text is kept for display.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** §4.3: the US zone names; military letters "SHOULD all be considered equivalent to -0000". */
const ZONE_HOURS: Record<string, number> = {
  ut: 0,
  gmt: 0,
  utc: 0,
  z: 0,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
};

/**
 * Matched after white space is collapsed to single spaces, so every separator is one character. Text may follow
 * the zone: Courier writes its `id` after the date. SendGrid writes milliseconds (`10:02:03.434 +0000`).
 */
const RFC5322 =
  /^(?:[a-z]{3,9},? ?)?(\d{1,2})[ -]([a-z]{3})[a-z]*\.?[ -](\d{2,4}) (\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)? ?(?:([+-]\d{4})(?: [a-z]{1,5})?|([a-z]{1,5}))?(?: |$)/i;
const ISO8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,9})? ?(Z|[+-]\d{2}:?\d{2})$/i;

/** §4.3: two-digit years below 50 are 20xx, others 19xx; three-digit years count from 1900. */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  return text.length === 3 ? 1900 + year : year;
}

/** Minutes east of UTC, or null for a zone that cannot be trusted to mean one offset. */
function offsetMinutes(numeric: string | undefined, name: string | undefined): number | null {
  if (numeric) {
    const sign = numeric.startsWith('-') ? -1 : 1;
    const digits = numeric.replace(/[+:-]/g, '');
    const minutes = Number(digits.slice(2));
    return minutes < 60 ? sign * (Number(digits.slice(0, 2)) * 60 + minutes) : null;
  }
  if (name === undefined) return null;
  const lower = name.toLowerCase();
  if (lower in ZONE_HOURS) return ZONE_HOURS[lower]! * 60;
  return /^[a-ik-z]$/.test(lower) ? 0 : null;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offset: number | null;
}

function toIso({ year, month, day, hour, minute, second, offset }: Fields): string | null {
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const valid = year >= 1900 && year <= 9999 && month >= 0 && day >= 1 && day <= daysInMonth;
  if (!valid || hour > 23 || minute > 59 || second > 60 || offset === null) return null;
  // A leap second (:60) is stamped as the last second of its minute: Date cannot hold it.
  const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offset * 60_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function fromRfc5322(text: string): string | null {
  const m = RFC5322.exec(text);
  if (!m) return null;
  const [, day, month, year, hour, minute, second, numeric, name] = m;
  return toIso({
    year: fullYear(year!),
    month: MONTHS.indexOf(month!.toLowerCase()),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    offset: offsetMinutes(numeric, name),
  });
}

function fromIso(text: string): string | null {
  const m = ISO8601.exec(text);
  if (!m) return null;
  const [, year, month, day, hour, minute, second, zone] = m;
  return toIso({
    year: Number(year),
    month: Number(month) - 1,
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    offset: /^z$/i.test(zone!) ? 0 : offsetMinutes(zone, undefined),
  });
}

/** ISO 8601 UTC (`2026-11-30T10:02:03Z`), or null when the text is not a date this can vouch for. */
export function parseReceivedDate(text: string): string | null {
  // Comments such as `(UTC)` or `(PST)` only repeat the zone; dropping them (unnested, bounded) is enough.
  const bare = text
    .slice(0, 200)
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return fromRfc5322(bare) ?? fromIso(bare);
}
