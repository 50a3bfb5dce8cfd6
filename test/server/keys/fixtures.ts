/**
 * The certificates under test/fixtures/keys (made by GnuPG and Sequoia with generate.sh), the address each was
 * made for, and GnuPG's own fingerprint of each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(__dirname, '../../fixtures/keys');

export const GPG_FINGERPRINTS: Record<string, string> = JSON.parse(
  readFileSync(join(FIXTURE_DIR, 'fingerprints.json'), 'utf8'),
);

export function fixture(file: string): Buffer {
  return readFileSync(join(FIXTURE_DIR, file));
}

export function fingerprintOf(file: string): string {
  const fingerprint = GPG_FINGERPRINTS[file];
  if (fingerprint === undefined) throw new Error(`no fixture ${file}`);
  return fingerprint;
}

/** After every fixture's creation (2026-12-01) and before Sequoia's default three-year expiry. */
export const NOW = new Date('2027-06-01T00:00:00Z');
export const RULES = { minRsaBits: 2048, allowLegacyAlgorithms: false, now: NOW };
