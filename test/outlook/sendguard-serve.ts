/**
 * The `sendguard serve` command as an admin starts it: the compiled service (dist/, rebuilt with the build's own
 * tsc when older than its sources) in its own process, with a configuration file in a temporary directory, until
 * it prints where it listens. `stop()` ends the process and removes the directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newest, ROOT } from './built-addin';

const BIN = join(ROOT, 'bin', 'sendguard.js');
const BUILT = join(ROOT, 'dist', 'cli', 'main.js');
const SOURCES = ['src/core', 'src/cli', 'src/server'].map((dir) => join(ROOT, dir));
const START_TIMEOUT_MS = 30_000;

/**
 * The command's compiled service and its bundles, as `npm ci` (the `prepare` script) builds them: the bundles too,
 * so that the tsc run does not leave them older than the compiled tree, which bin/sendguard.js would then run
 * instead (and the benches refuse).
 */
export function buildService(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > Math.max(...SOURCES.map(newest))) return;
  const build = (tool: string, args: string[]) =>
    execFileSync(join(ROOT, 'node_modules', '.bin', tool), args, {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 240_000,
    });
  try {
    build('tsc', ['-p', 'tsconfig.build.json']);
    build('webpack', ['--mode', 'production', '--config-name', 'cli']);
  } catch (error) {
    const { stdout } = error as { stdout?: Buffer };
    throw new Error(`the service does not build:\n${stdout?.toString() ?? String(error)}`, { cause: error });
  }
}

export interface ServeProcess {
  /** `http://127.0.0.1:PORT`. */
  base: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
  /** Ends the process with `signal` and waits for it to exit (SIGKILL: a node lost mid-request). */
  kill: (signal: NodeJS.Signals) => Promise<void>;
}

/** Starts `sendguard serve --config <file>` with `config` (given a fresh `dataDir`) written to that file. */
export async function startServe(
  config: (dataDir: string) => Record<string, unknown>,
): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-serve-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'sendguard.json');
  writeFileSync(file, JSON.stringify(config(dataDir)));
  const child = spawn(process.execPath, [BIN, 'serve', '--config', file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`${why}:\n${output}`));
      };
      const timer = setTimeout(() => fail('no address printed'), START_TIMEOUT_MS);
      child.on('exit', (code) => fail(`sendguard serve exited (${code})`));
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      });
    });
    const kill = async (signal: NodeJS.Signals) => {
      child.kill(signal);
      await exited;
    };
    return { base, dataDir, output: () => output, stop, kill };
  } catch (error) {
    await stop();
    throw error;
  }
}
