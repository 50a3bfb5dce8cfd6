import { readFile } from 'node:fs/promises';
import { main } from '../../src/cli/main';

/** Runs the CLI in-process with captured output; `terminal` says whether standard output is one. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  { terminal = false }: { terminal?: boolean } = {},
) {
  let stdout = '';
  let stderr = '';
  const bytes: Uint8Array[] = [];
  const code = await main(argv, {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    readFile: (path) => readFile(path, 'utf8'),
    env,
    outBytes: (chunk) => void bytes.push(chunk),
    outIsTerminal: terminal,
  });
  return { code, stdout, stderr, bytes: Buffer.concat(bytes) };
}
