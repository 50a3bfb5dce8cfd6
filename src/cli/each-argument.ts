/** What `check` and `keys` share: one lookup per argument, all at once, and one exit status for the lot. */
import { AddressError, DomainError } from '../core/addresses';
import type { CliIo } from './io';

export interface EachResult<T> {
  /** The answers, in the order of the arguments, without the arguments that were refused. */
  answers: T[];
  /** 0 when every argument was answered with a verdict other than `unknown`, else 1. */
  exitCode: 0 | 1;
}

/**
 * Runs `lookup` for every argument at once. An argument it refuses as no address or domain is named on stderr
 * and the others still run; any other failure is a bug and propagates.
 */
export async function lookUpEach<T extends { verdict: string }>(
  command: string,
  args: readonly string[],
  lookup: (argument: string) => Promise<T>,
  io: CliIo,
): Promise<EachResult<T>> {
  const settled = await Promise.all(
    args.map(async (argument): Promise<{ answer: T } | { refused: string }> => {
      try {
        return { answer: await lookup(argument) };
      } catch (error) {
        if (error instanceof AddressError || error instanceof DomainError) return { refused: error.message };
        throw error;
      }
    }),
  );
  for (const result of settled) if ('refused' in result) io.err(`sendguard ${command}: ${result.refused}\n`);
  const answers = settled.flatMap((result) => ('answer' in result ? [result.answer] : []));
  const complete = answers.length === args.length && answers.every((a) => a.verdict !== 'unknown');
  return { answers, exitCode: complete ? 0 : 1 };
}
