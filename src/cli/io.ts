/** What a command may touch, passed in so that tests run commands in-process with captured output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
  env: Record<string, string | undefined>;
}

/** A failure the user can fix: printed without a stack trace, with the exit status given. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
