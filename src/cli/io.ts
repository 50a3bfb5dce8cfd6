import { SendguardError } from '../core/errors';

/** What a command may touch, passed in so that tests run commands in-process with captured output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
  env: Record<string, string | undefined>;
  /** Bytes to standard output (a zip file); absent where output is text only. */
  outBytes?(bytes: Uint8Array): void;
  /** False when standard output is a file or a pipe: binary output would garble a terminal. */
  outIsTerminal?: boolean;
}

/**
 * A failure the user can fix (a wrong option, an unreadable input file): printed without a stack trace, with
 * the exit status given — 2 for the command line itself, 1 for an input it names.
 */
export class UsageError extends SendguardError {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super('USAGE', message);
  }
}

/** The text of a file the user named; one that cannot be read is theirs to fix (exit status 1, naming it). */
export async function readInput(io: CliIo, file: string): Promise<string> {
  try {
    return await io.readFile(file);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`, 1);
  }
}
