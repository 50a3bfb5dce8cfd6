/**
 * The one runner every fuzz target uses: fast-check drives a target's grammar-aware generator through the
 * function under test, fails on any error the target does not allow (only Sendguard's typed errors are) and on
 * any input whose parse takes longer than its time budget, writes the shrunk failing input to a file, and prints
 * per-target figures. `FUZZ_RUNS` sets the number of inputs (jest's default run uses a small count).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { SendguardError } from '../../src/core/errors';

export interface Budget {
  /** Below this, timer noise and one-off costs (a first regular-expression compile) dominate. */
  floorMs: number;
  /** The allowance grows linearly with the input: this many milliseconds per 64 KiB. */
  msPer64KiB: number;
}

/** The design's rule: 64 KiB of input parsed in under 50 ms, scaled down linearly to a 5 ms floor. */
export const DEFAULT_BUDGET: Budget = { floorMs: 5, msPer64KiB: 50 };

export interface FuzzTarget<T, R = unknown> {
  name: string;
  /** Grammar-aware inputs: valid-ish documents with mutated tokens, pathological shapes, up to 64 KiB. */
  inputs: fc.Arbitrary<T>;
  /** Size in bytes (or characters) that the budget scales with. */
  size: (input: T) => number;
  /**
   * The parser under test; its result is ignored, only throwing and time count. It may throw Sendguard's typed
   * errors (SendguardError and its subclasses, with their codes); anything else (TypeError, RangeError, a
   * library's own error class) fails the input.
   */
  parse: (input: T) => R;
  /**
   * What every result must be, whatever the input (throws when it is not). Run on a result of its own, outside the
   * timed runs: the budget is the parser's, not the check's.
   */
  check?: (result: R) => void;
  budget?: Budget;
}

export interface FuzzFigures {
  target: string;
  inputs: number;
  failures: number;
  seconds: number;
  maxMsPerKiB: number;
  p95MsPerKiB: number;
  largestBytes: number;
  /** Where the shrunk failing input was written. */
  failureFile?: string;
  failure?: string;
}

const KIB = 1024;
/** Re-runs of a slow input: a GC pause or a descheduled process makes one run slow, never all of them. */
const RETRIES = 4;
const WARM_UP_INPUTS = 50;
/** Shrinking re-runs a slow parser on many near-copies; a bounded search still ends much smaller. */
const SHRINK_MS = 20_000;

const isSendguardError = (error: unknown): boolean => error instanceof SendguardError;

/**
 * `parse`'s result, or undefined when it refuses its input with `code`: for targets that run several readers over
 * one input, each of which may refuse it only in that one way. Any other error is thrown on.
 */
export function refusedWith<R>(code: string, parse: () => R): R | undefined {
  try {
    return parse();
  } catch (error) {
    if ((error as { code?: string }).code !== code) throw error;
    return undefined;
  }
}

export function fuzzRuns(fallback = 300): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

export function budgetMs(budget: Budget, bytes: number): number {
  return Math.max(budget.floorMs, (budget.msPer64KiB * bytes) / (64 * KIB));
}

class OverBudget extends Error {
  constructor(ms: number, allowed: number, bytes: number) {
    super(
      `${bytes} bytes took ${ms.toFixed(1)} ms of CPU at best of ${RETRIES + 1} runs; the budget is ${allowed.toFixed(1)} ms`,
    );
  }
}

class Disallowed extends Error {
  constructor(readonly thrown: unknown) {
    const what = thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message}` : String(thrown);
    super(`threw an error that is not one of Sendguard's typed errors: ${what}`);
  }
}

/** Node's own depth of captured stack traces; jest raises it to 100, which makes every error dearer to build. */
const NODE_STACK_TRACE_LIMIT = 10;

/** Milliseconds of CPU this process spent in `run`, with errors as costly as in production; throws what it throws. */
async function cpuMs(run: () => unknown): Promise<number> {
  const jestLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = NODE_STACK_TRACE_LIMIT;
  try {
    const started = process.cpuUsage();
    await run();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  } finally {
    Error.stackTraceLimit = jestLimit;
  }
}

/**
 * The least CPU time of `parse` on one input over up to RETRIES + 1 runs, stopping as soon as one is within
 * `allowedMs`. CPU time rather than wall-clock time: the machine running the fuzzers also runs other work, and
 * a parser descheduled for 20 ms is not a slow parser. Throws Disallowed for an error that is not a typed one.
 */
export async function bestCpuMs(parse: () => unknown, allowedMs = 0): Promise<number> {
  const tolerant = async () => {
    try {
      await parse();
    } catch (error) {
      if (!isSendguardError(error)) throw new Disallowed(error);
    }
  };
  let best = await cpuMs(tolerant);
  for (let retry = 0; retry < RETRIES && best > allowedMs; retry++)
    best = Math.min(best, await cpuMs(tolerant));
  return best;
}

/** The first calls compile the parser's code and regular expressions; that one-off cost is not the parser's. */
async function warmUp<T, R>(target: FuzzTarget<T, R>): Promise<void> {
  for (const input of fc.sample(target.inputs, { numRuns: WARM_UP_INPUTS, seed: 1 })) {
    await cpuMs(() => target.parse(input)).catch(() => undefined);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function writeFailure(name: string, counterexample: unknown, error: string): string {
  const dir = path.join(__dirname, '..', 'artifacts', 'fuzz');
  mkdirSync(dir, { recursive: true });
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const file = path.join(dir, `${slug}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ target: name, error, input: counterexample }, replacer, 2)}\n`);
  return file;
}

/** Byte arrays are written as hex so a failing DNS message or key can be replayed (Buffers arrive as toJSON made them). */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { hex: Buffer.from(value).toString('hex') };
  const asJson = value as { type?: unknown; data?: unknown };
  if (asJson?.type === 'Buffer' && Array.isArray(asJson.data)) {
    return { hex: Buffer.from(asJson.data as number[]).toString('hex') };
  }
  return value;
}

/** The target's check on one untimed parse; a typed refusal is a result too, and has nothing to check. */
function checkResult<T, R>(target: FuzzTarget<T, R>, input: T): void {
  let result: R;
  try {
    result = target.parse(input);
  } catch (error) {
    if (isSendguardError(error)) return;
    throw new Disallowed(error);
  }
  target.check?.(result);
}

export async function fuzz<T, R>(target: FuzzTarget<T, R>, runs = fuzzRuns()): Promise<FuzzFigures> {
  const budget = target.budget ?? DEFAULT_BUDGET;
  const msPerKiB: number[] = [];
  let largestBytes = 0;
  await warmUp(target);
  const started = performance.now();
  let firstFailure: number | undefined;
  const property = fc.asyncProperty(target.inputs, async (input) => {
    // Past the shrinking allowance every candidate passes unrun, so fast-check stops at the smallest failure so far.
    if (firstFailure !== undefined && performance.now() - firstFailure > SHRINK_MS) return;
    const bytes = target.size(input);
    largestBytes = Math.max(largestBytes, bytes);
    const allowedMs = budgetMs(budget, bytes);
    try {
      const best = await bestCpuMs(() => target.parse(input), allowedMs);
      // Inputs under 1 KiB count as 1 KiB: per-KiB figures of a few bytes would only measure call overhead.
      msPerKiB.push(best / (Math.max(bytes, KIB) / KIB));
      if (best > allowedMs) throw new OverBudget(best, allowedMs, bytes);
      if (target.check) checkResult(target, input);
    } catch (error) {
      firstFailure ??= performance.now();
      throw error;
    }
  });
  const details = await fc.check(property, { numRuns: runs });
  const sorted = msPerKiB.sort((a, b) => a - b);
  const figures: FuzzFigures = {
    target: target.name,
    inputs: details.numRuns,
    failures: details.failed ? 1 : 0,
    seconds: (performance.now() - started) / 1000,
    maxMsPerKiB: sorted.at(-1) ?? 0,
    p95MsPerKiB: percentile(sorted, 0.95),
    largestBytes,
  };
  if (details.failed && details.counterexample) {
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    figures.failure = `${error} (seed ${details.seed}, path ${details.counterexamplePath})`;
    figures.failureFile = writeFailure(target.name, details.counterexample[0], error);
  }
  return figures;
}

export function describeFigures(f: FuzzFigures): string {
  const line =
    `fuzz ${f.target}: ${f.inputs} inputs in ${f.seconds.toFixed(1)} s, largest ${f.largestBytes} B, ` +
    `ms per KiB max ${f.maxMsPerKiB.toFixed(3)} p95 ${f.p95MsPerKiB.toFixed(3)}, failures ${f.failures}`;
  return f.failure ? `${line}\n  ${f.failure}\n  input written to ${f.failureFile}` : line;
}

/**
 * The jest test for one target: runs it, prints its figures, and fails with the failure's description. The
 * full run (`npm run fuzz`) sets FUZZ_RUNS; the regular test run keeps the default small count.
 */
export function fuzzTest<T, R>(target: FuzzTarget<T, R>): void {
  test(
    `fuzz: ${target.name}`,
    async () => {
      const figures = await fuzz(target);
      process.stdout.write(`${describeFigures(figures)}\n`);
      expect(figures.failure).toBeUndefined();
    },
    // The small default count takes seconds; a failure adds up to SHRINK_MS of shrinking. The full run's own
    // configuration sets no practical limit.
    process.env.FUZZ_RUNS === undefined ? 60_000 : undefined,
  );
}
