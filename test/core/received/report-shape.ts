import { HOP_TLS, TRANSPORT_SUMMARIES, type ReceivedReport } from '../../../src/core/received';

/** What every report must be, whatever the input: the contract's words, ISO dates, strings or null, serialisable. */
export function assertReportShape(report: ReceivedReport): void {
  expect(TRANSPORT_SUMMARIES).toContain(report.summary);
  expect(report.caveats.length).toBeGreaterThan(0);
  for (const hop of report.hops) {
    expect(HOP_TLS).toContain(hop.tls);
    expect(hop.date === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(hop.date)).toBe(true);
    for (const key of ['from', 'by', 'with', 'dateRaw', 'version', 'cipher'] as const)
      expect(hop[key] === null || typeof hop[key] === 'string').toBe(true);
    expect(typeof hop.raw).toBe('string');
  }
  expect(() => JSON.stringify(report)).not.toThrow();
}
