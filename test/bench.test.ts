/**
 * Every bench still runs: each bench/*.bench.js in quick mode (BENCH_QUICK=1, bench/measure.js) as its own
 * process against the built dist/, as `npm run bench` runs it, exits 0 and prints its ratio lines. The values
 * are not checked (quick figures mean nothing); that each is a number is, so that a bench measuring nothing
 * (NaN, Infinity) fails here too.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const BENCH_DIR = join(__dirname, '..', 'bench');
const N = String.raw`\d+(?:\.\d+)?`;
const line = (text: string) => new RegExp(`^${text}`, 'm');

/** What each bench prints for its ratios. A new bench is listed here, or the first test fails. */
const RATIO_LINES: Record<string, RegExp[]> = {
  'addin.bench.js': [
    line(`OpenPGP, ${N} MiB attachment to 3 recipients: openpgp.js ${N} ms, gpg ${N} ms, ratio ${N} `),
  ],
  'assess.bench.js': [line(`  SQLite +${N} +${N} +${N} `), line(`  PostgreSQL +${N} +${N} +${N} `)],
  'cli.bench.js': [
    line(`sendguard --help +${N} ms`),
    line(`check start, to its first DNS query +${N} ms`),
    line(`serve start, to listening +${N} ms`),
  ],
  'escrow.bench.js': [
    line(`encrypt ratio, bytes in memory \\(STREAM / one-shot\\): ${N}x`),
    line(`decrypt ratio, bytes in memory \\(STREAM / one-shot\\): ${N}x`),
    line(`encrypt ratio, File/Blob in \\(STREAM / read whole \\+ one-shot\\): ${N}x`),
  ],
  'keys.bench.js': [line(`warm lookups: ${N} /s; awaited bare Map.get ${N} /s; ratio ${N}$`)],
  'plan.bench.js': ['normal', 'confidential', 'restricted']
    .map((classification) =>
      line(`plan, 20 recipients, ${classification} +${N} /s +ratio to reference ${N}$`),
    )
    .concat(line(`parse 20 addresses +${N} /s +ratio to reference ${N}$`)),
  'send-handler.bench.js': [
    line(`  bare runtime, cold: +median ${N} ms, best ${N} ms, worst ${N} ms`),
    line(`  bare runtime, prefetched, same runtime: +median ${N} ms, best ${N} ms, worst ${N} ms`),
    line(`  bare runtime, prefetched, new runtime: +median ${N} ms, best ${N} ms, worst ${N} ms`),
    line(`  try-it page, cold: +median ${N} ms, best ${N} ms, worst ${N} ms`),
    line(`  try-it page, prefetched: +median ${N} ms, best ${N} ms, worst ${N} ms`),
    line(`  ratio cold / prefetched \\(median\\): bare ${N}, try-it ${N}$`),
  ],
  'transport.bench.js': [
    line(`cold ratio \\(ours / posttls-finger\\): ${N} `),
    line(`warm cached lookups: ${N} /s .* ratio ${N}$`),
  ],
};

const benches = readdirSync(BENCH_DIR)
  .filter((file) => file.endsWith('.bench.js'))
  .sort();

/** The bench's exit code and output; it starts the bed itself if it is not up. */
function runQuick(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', join(BENCH_DIR, file)],
      { env: { ...process.env, BENCH_QUICK: '1' }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('benches in quick mode', () => {
  test('every bench has its ratio lines listed', () => {
    expect(Object.keys(RATIO_LINES).sort()).toEqual(benches);
  });

  test.each(benches)(
    '%s runs and prints its ratio lines',
    async (file) => {
      const { code, stdout, stderr } = await runQuick(file);
      // The error output is in the comparison, so that a failing bench's failure shows here.
      expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      for (const ratio of RATIO_LINES[file] ?? []) expect(stdout).toMatch(ratio);
    },
    120_000,
  );
});
