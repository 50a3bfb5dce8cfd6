/**
 * Inputs that once were, or would be, super-linear for a backtracking parser: each must still give a valid report
 * within a generous bound (seconds would mean backtracking; the per-input budget is the fuzz target's,
 * test/fuzz/received.fuzz.test.ts, which also checks the report's shape on random input).
 */
import { receivedReport } from '../../../src/core/received';
import { bestCpuMs } from '../../fuzz/runner';
import { assertReportShape } from './report-shape';

/** A guard against super-linear patterns (seconds), not a benchmark. */
const BOUND_MS = 1000;

describe('receivedReport on pathological input', () => {
  test.each([
    ['deeply nested comments', `Received: from a ${'('.repeat(200_000)}`],
    ['alternating parentheses', `Received: from a ${'()'.repeat(200_000)}`],
    ['a long run of keywords', `Received: ${'from by with '.repeat(40_000)}`],
    ['many semicolons', `Received: ${';'.repeat(400_000)}`],
    ['many bracketed almost-addresses', `Received: from a (${'[1.2.3.'.repeat(60_000)}) by b`],
    ['a long TLS-like run', `Received: from a (x) (${'using TLSv1.3 with cipher '.repeat(15_000)}) by b`],
    ['a long date-like run', `Received: from a by b; ${'30 Nov 2026 '.repeat(40_000)}`],
    [
      'many Received fields',
      'Received: from a (a [192.0.2.1]) by b with ESMTPS id X; 1 Jan 2026 00:00:00 +0000\n'.repeat(6000),
    ],
    ['a long folded field', `Received: from a\n${' x\n'.repeat(150_000)}`],
  ])('%s stays bounded', async (_case, text) => {
    assertReportShape(receivedReport(text));
    expect(await bestCpuMs(() => receivedReport(text), BOUND_MS)).toBeLessThan(BOUND_MS);
  });
});
