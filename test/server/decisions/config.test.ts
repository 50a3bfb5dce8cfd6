/** The `decisions` settings: pseudonymous by default, kept 90 days, bounded, and no key but its own. */
import { ConfigError, parseConfig } from '../../../src/server/config/load';

function settingsRefused(decisions: unknown): string[] {
  try {
    parseConfig({ decisions } as never);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.setting);
    throw error;
  }
  return [];
}

test('by default records are pseudonymous and kept 90 days', () => {
  expect(parseConfig({}).decisions).toEqual({ retentionDays: 90, fullAddresses: false });
});

test('retention from 1 to 3650 whole days; full addresses only when asked for', () => {
  expect(parseConfig({ decisions: { retentionDays: 1 } }).decisions.retentionDays).toBe(1);
  expect(parseConfig({ decisions: { retentionDays: 3650 } }).decisions.retentionDays).toBe(3650);
  expect(parseConfig({ decisions: { fullAddresses: true } }).decisions).toEqual({
    retentionDays: 90,
    fullAddresses: true,
  });
  for (const retentionDays of [0, 3651, 1.5, '30']) {
    expect(settingsRefused({ retentionDays })).toEqual(['decisions.retentionDays']);
  }
  expect(settingsRefused({ fullAddresses: 'yes' })).toEqual(['decisions.fullAddresses']);
  expect(settingsRefused({ keepSubjects: true })).toEqual(['decisions']);
});
