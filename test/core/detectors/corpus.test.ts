import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../helpers/clock';
import { detect } from '../../../src/core/detectors';
import expectedJson from '../../fixtures/detectors/expected.json';

const FIXTURES = join(__dirname, '../../fixtures/detectors');
const AT_NOW = new ManualClock(Date.parse('2025-06-01T00:00:00Z'));

interface Expected {
  detector: string;
  masked: string;
}

const expected: Record<string, Expected[]> = expectedJson;

interface Score {
  file: string;
  tp: number;
  fp: string[];
  fn: string[];
}

/** Compares as multisets of "detector masked": two identical findings in a file must both be expected. */
function score(file: string): Score {
  const missing = (expected[file] ?? []).map(({ detector, masked }) => `${detector} ${masked}`);
  const fp: string[] = [];
  let tp = 0;
  for (const finding of detect(readFileSync(join(FIXTURES, file), 'utf8'), { clock: AT_NOW })) {
    const key = `${finding.detector} ${finding.masked}`;
    const index = missing.indexOf(key);
    if (index < 0) fp.push(`${key} (line ${finding.line})`);
    else {
      missing.splice(index, 1);
      tp += 1;
    }
  }
  return { file, tp, fp, fn: missing };
}

describe('detector corpus', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.txt'));

  test('every fixture has an entry in expected.json and every entry a fixture', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  test('finds every expected finding and nothing else (no false positives, no false negatives)', () => {
    const scores = files.map(score);
    const total = (pick: (s: Score) => number) => scores.reduce((sum, s) => sum + pick(s), 0);
    const rows = scores.map((s) => `${s.file.padEnd(28)} TP ${s.tp}, FP ${s.fp.length}, FN ${s.fn.length}`);
    const summary = `detectors corpus: TP ${total((s) => s.tp)}, FP ${total((s) => s.fp.length)}, FN ${total((s) => s.fn.length)}`;
    console.log([...rows, summary].join('\n'));
    expect(scores.filter((s) => s.fp.length > 0).map((s) => [s.file, s.fp])).toEqual([]);
    expect(scores.filter((s) => s.fn.length > 0).map((s) => [s.file, s.fn])).toEqual([]);
  });
});
