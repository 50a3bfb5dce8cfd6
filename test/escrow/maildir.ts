/** Reads the test bed's maildir: waits for a message matching a test's unique token, each file used once. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const consumed = new Set<string>();

/** Every message delivered to the maildir so far, by file name, in name order. */
function delivered(mailDir: string): Array<{ name: string; raw: string }> {
  const folder = join(mailDir, 'new');
  // Postfix makes the maildir at its first delivery: until then there is nothing to read.
  return (existsSync(folder) ? readdirSync(folder).sort() : []).map((name) => ({
    name,
    raw: readFileSync(join(folder, name), 'utf8'),
  }));
}

export async function waitForMail(
  mailDir: string,
  matches: (raw: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = delivered(mailDir).find(({ name, raw }) => !consumed.has(name) && matches(raw));
    if (found) {
      consumed.add(found.name);
      return found.raw;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error('no matching mail arrived in the test bed maildir');
}

/** Every message in the maildir that holds `token`, as delivered, whether or not a wait has taken it. */
export function deliveredWith(mailDir: string, token: string): string[] {
  return delivered(mailDir)
    .map(({ raw }) => raw)
    .filter((raw) => raw.includes(token));
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
