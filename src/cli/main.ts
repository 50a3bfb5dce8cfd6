/**
 * The `sendguard` command: one dispatcher, one module per subcommand. A command's module (and the server, OpenPGP
 * or schema code under it) is loaded only when that command runs; `--help` needs none of them.
 */
import { readFile } from 'node:fs/promises';
import { SendguardError } from '../core/errors';
import {
  CHECK_HELP,
  HEADERS_HELP,
  KEYS_HELP,
  MANIFEST_HELP,
  PLAN_HELP,
  SERVE_HELP,
  TOKEN_HELP,
  WHOAMI_HELP,
} from './help';
import { UsageError, type CliIo } from './io';

type Command = (args: string[], io: CliIo) => Promise<number>;

/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded when it runs */
/** Each command with its one-line description, its --help text, and how to load it. */
const COMMANDS: Record<string, { about: string; help: string; load: () => Command }> = {
  check: {
    about:
      'the transport security of recipient domains (MX, STARTTLS, DANE, MTA-STS) and their mailbox access',
    help: CHECK_HELP,
    load: () => (require('./commands/check') as typeof import('./commands/check')).checkCommand,
  },
  headers: {
    about: 'whether a received message travelled over TLS, hop by hop',
    help: HEADERS_HELP,
    load: () => (require('./commands/headers') as typeof import('./commands/headers')).headersCommand,
  },
  keys: {
    about: 'whether addresses can receive OpenPGP: key, source, validity and why',
    help: KEYS_HELP,
    load: () => (require('./commands/keys') as typeof import('./commands/keys')).keysCommand,
  },
  manifest: {
    about: 'the Outlook manifest rendered for a deployment (--base-url)',
    help: MANIFEST_HELP,
    load: () => (require('./commands/manifest') as typeof import('./commands/manifest')).manifestCommand,
  },
  plan: {
    about: 'how each recipient would be protected, from an assessments file',
    help: PLAN_HELP,
    load: () => (require('./commands/plan') as typeof import('./commands/plan')).planCommand,
  },
  serve: {
    about: 'the backend service, with the add-in files, manifest and pickup portal',
    help: SERVE_HELP,
    load: () => (require('./commands/serve') as typeof import('./commands/serve')).serveCommand,
  },
  token: {
    about: 'issue, list and revoke API tokens for Thunderbird and the CLI',
    help: TOKEN_HELP,
    load: () => (require('./commands/token') as typeof import('./commands/token')).tokenCommand,
  },
  whoami: {
    about: 'who a Sendguard service thinks the holder of a token is',
    help: WHOAMI_HELP,
    load: () => (require('./commands/whoami') as typeof import('./commands/whoami')).whoamiCommand,
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** `--help` or `-h` anywhere among a command's options (not after `--`, where only operands follow). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}`);
  return `Usage: sendguard <command> [options]\n\nCommands:\n${list.join('\n')}\n\nOptions:\n  --help     this text; \`sendguard <command> --help\` for a command\n  --version  the version\n`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- read from package.json when asked
    io.out(`${(require('./version') as typeof import('./version')).version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`sendguard: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (asksForHelp(args)) {
    io.out(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.load()(args, io);
  } catch (error) {
    const exitCode = exitCodeOf(error);
    if (exitCode === undefined) throw error;
    // Not `messageOf`: Node's own errors fail `instanceof Error` under jest, whose tests run in another realm.
    io.err(`sendguard ${name}: ${(error as Error).message}\n`);
    return exitCode;
  }
}

/**
 * The exit status of a failure the user can act on: 2 for the command line (our own usage errors and Node's
 * argument parser), 1 for an input or a check that failed. Undefined for anything else, a bug that keeps its
 * stack trace.
 */
function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof UsageError) return error.exitCode;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return 2;
  if (error instanceof SendguardError || code === 'ENOENT') return 1;
  return undefined;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  env: process.env,
  outBytes: (bytes) => process.stdout.write(bytes),
  outIsTerminal: process.stdout.isTTY === true,
};
