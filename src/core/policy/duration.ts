/**
 * Durations as a policy writes them: a whole number and a unit, `30m`, `24h`, `7d`; `0` for none. Read by the
 * policy schema and by the add-ins' zod-free policy reader alike.
 */
import type { TextPattern } from './limits';

export const DURATION: TextPattern = {
  pattern: /^(0|[1-9][0-9]{0,3}[mhd])$/,
  hint: 'a whole number of minutes, hours or days (30m, 24h, 7d), or 0',
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The duration in milliseconds; the text must match DURATION. */
export function durationMs(text: string): number {
  if (text === '0') return 0;
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1)]!;
}

/** The longest a policy may let the add-ins decide from kept verdicts: a month. */
export const MAX_VERDICT_AGE_MS = 30 * UNIT_MS.d!;

/** The policy's `outage` section when it names none: the schema's default, and the add-ins' for an older service. */
export const OUTAGE_DEFAULTS = { maxVerdictAge: '24h' } as const;

/** "3 hours", "1 day": how long ago something was, in the largest whole unit, for a sender to read. */
export function ageInWords(ms: number): string {
  const [count, unit] =
    ms < 3_600_000
      ? [Math.floor(ms / 60_000), 'minute']
      : ms < 2 * 86_400_000
        ? [Math.floor(ms / 3_600_000), 'hour']
        : [Math.floor(ms / 86_400_000), 'day'];
  if (count < 1) return 'less than a minute';
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
