/**
 * Test peers run as Node child processes (oidc-provider is ESM only): each prints one ready line with its
 * settings as JSON, and ends when its stdin closes or it is told to stop.
 */
import type { ChildProcess } from 'node:child_process';

/** Start-up takes well under a second; a loaded machine running several suites gets room. */
const START_TIMEOUT_MS = 30_000;

/** The JSON after `marker` on the child's first line that starts with it; rejects when the child dies first. */
export function readyLine<T>(child: ChildProcess, marker: string, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${what} did not start: ${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no ready line in ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith(marker));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(marker.length)) as T);
    });
    child.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    child.on('error', (error) => fail(error.message));
  });
}

/** Ends the child (closing its stdin, then SIGTERM) and waits for it to exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin!.end();
    child.kill('SIGTERM');
  });
}
