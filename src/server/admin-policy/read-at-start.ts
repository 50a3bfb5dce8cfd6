/**
 * The policy's settings the service reads once, at start: the key service takes `keys` (serve.ts) and keeps it
 * until the service restarts. A saved version that changes them is in force everywhere else at once; these wait
 * for the restart, and the admin is told which.
 */
import { canonicalJson } from '../api/conditional-answer';
import type { Policy } from '../../core/policy/schema';

const READ_AT_START = ['keys'] as const satisfies readonly (keyof Policy)[];

/** The paths (`keys.minRsaBits`) of the settings read at start that `next` sets otherwise than `started`. */
export function restartNeeded(started: Policy, next: Policy): string[] {
  return READ_AT_START.flatMap((section) => {
    const was: Record<string, unknown> = started[section];
    const now: Record<string, unknown> = next[section];
    const names = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
    return names
      .filter((name) => canonicalJson(was[name]) !== canonicalJson(now[name]))
      .map((name) => `${section}.${name}`);
  });
}
