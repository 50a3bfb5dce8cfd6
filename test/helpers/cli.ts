import { readFile } from 'node:fs/promises';
import { main } from '../../src/cli/main';

/** Runs the CLI in-process with captured output. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    readFile: (path) => readFile(path, 'utf8'),
    env,
  });
  return { code, stdout, stderr };
}
