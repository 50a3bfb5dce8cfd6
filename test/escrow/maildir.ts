/** Reads the test bed's maildir: waits for a message matching a test's unique token, each file used once. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const consumed = new Set<string>();

export async function waitForMail(
  mailDir: string,
  matches: (raw: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const folder = join(mailDir, 'new');
  while (Date.now() < deadline) {
    // Postfix makes the maildir at its first delivery: until then there is nothing to read.
    for (const name of existsSync(folder) ? readdirSync(folder).sort() : []) {
      if (consumed.has(name)) continue;
      const raw = readFileSync(join(folder, name), 'utf8');
      if (matches(raw)) {
        consumed.add(name);
        return raw;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error('no matching mail arrived in the test bed maildir');
}

/** Whether a matching mail arrives within `ms` (for "no code is sent" checks). */
export async function mailArrives(
  mailDir: string,
  matches: (raw: string) => boolean,
  ms: number,
): Promise<boolean> {
  return waitForMail(mailDir, matches, ms).then(
    () => true,
    () => false,
  );
}

export function codeIn(raw: string): string {
  const code = /Your code is (\d{6,8})/.exec(raw)?.[1];
  if (!code) throw new Error('the mail has no code');
  return code;
}
