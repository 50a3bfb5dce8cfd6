/**
 * A long `sendguard check` on two cores: a check is mostly CPU (DNS messages, TLS handshakes and certificates),
 * and one Node thread uses one core. Part of the domains are checked by the command itself run again in a worker
 * thread (`sendguard check --json` over that part), its JSON read back; the rest in this thread at the same time.
 *
 * The worker runs the command's own script, so it starts as a user's run does (bundles and their code cache). Any
 * failure of the worker — it cannot start, exits, or prints what is not its reports — leaves its domains to be
 * checked here: a second thread may make a check faster, never make it fail.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';

/** Below this many distinct domains a second thread's start (some 50 ms of CPU) costs more than it saves. */
const SPREAD_FROM = 8;

/** The worker's share of the domains: less than half, as it starts later than this thread's own checks. */
const WORKER_SHARE = 0.4;

/** Which of `domains` (distinct) a worker should check: none for a short list, on one core, or in a worker. */
export function workerShare(domains: readonly string[]): string[] {
  if (!isMainThread || domains.length < SPREAD_FROM || availableParallelism() < 2) return [];
  return domains.slice(0, Math.floor(domains.length * WORKER_SHARE));
}

/** What the worker printed, by domain: its reports, or nothing when it failed (then `failure` says why). */
export interface ThreadResult<T> {
  reports: Map<string, T>;
  stderr: string;
  failure?: string;
}

/**
 * Runs `script check --json <options> <domains>` in a worker thread and reads its reports. Never rejects: a
 * worker that fails returns the reports it could not give as missing.
 */
export function checkInThread<T extends { domain: string }>(
  script: string,
  options: readonly string[],
  domains: readonly string[],
  limitMs: number,
): Promise<ThreadResult<T>> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failure: string | undefined;
    let worker: Worker;
    try {
      worker = new Worker(script, {
        argv: ['check', '--json', ...options, '--', ...domains],
        stdout: true,
        stderr: true,
      });
    } catch (error) {
      resolve({ reports: new Map(), stderr: '', failure: (error as Error).message });
      return;
    }
    const ended = (stream: NodeJS.ReadableStream, into: Buffer[]) =>
      new Promise<void>((done) => {
        stream.on('data', (chunk: Buffer) => into.push(chunk));
        stream.on('end', done);
      });
    const finished = [
      ended(worker.stdout, out),
      ended(worker.stderr, err),
      new Promise<void>((done) => worker.on('exit', () => done())),
    ];
    worker.on('error', (error) => (failure = error.message));
    // Each of its checks ends by its deadline; a worker still running long after has hung, and is stopped.
    const stopper = setTimeout(() => {
      failure ??= `it did not finish within ${limitMs} ms`;
      void worker.terminate();
    }, limitMs);
    void Promise.all(finished).then(() => {
      clearTimeout(stopper);
      const stderr = Buffer.concat(err).toString();
      const reports = new Map<string, T>();
      try {
        for (const report of JSON.parse(Buffer.concat(out).toString()) as T[])
          reports.set(report.domain, report);
      } catch (error) {
        failure ??= `its output was not its reports (${(error as Error).message})`;
      }
      resolve({ reports, stderr, ...(failure === undefined ? {} : { failure }) });
    });
  });
}
