/**
 * `asPinned` answers an accepted key without looking it up again, so it must say exactly what `decide` says once
 * the pin is stored: each case builds both from the same source results.
 */
import { asPinned, decide } from '../../../src/server/keys/decide';
import type { SourceResult } from '../../../src/server/keys/source-result';
import type { Pin } from '../../../src/server/store/store';

const ADDRESS = 'bob@example.org';
const OLD = 'A'.repeat(40);
const NEW = 'B'.repeat(40);

function validFrom(source: SourceResult['source'], fingerprint: string): SourceResult {
  const key = {
    fingerprint,
    expires: null,
    algorithm: 'Ed25519 / Cv25519',
    armoredKey: 'armored',
    created: new Date(0),
  };
  return { source, status: 'valid', key, reasons: [`found by ${source}`] };
}

function pin(fingerprint: string, acceptedBy: string): Pin {
  return { address: ADDRESS, fingerprint, firstSeen: '2025-01-01T00:00:00.000Z', acceptedBy };
}

const FAILED_VKS: SourceResult = {
  source: 'vks',
  status: 'failed',
  reasons: ['the VKS lookup failed: time-out'],
};

test.each([
  ['a changed key', [validFrom('wkd', NEW), FAILED_VKS], pin(OLD, 'first-use')],
  ['a first key, pinned on first use by this lookup', [validFrom('wkd', NEW)], undefined],
  ['the key already pinned, accepted again by someone else', [validFrom('dns', NEW)], pin(NEW, 'first-use')],
  ["the organisation's key, which pins do not touch", [validFrom('org', NEW)], pin(OLD, 'first-use')],
])('%s: the accepted answer is what a lookup gives once the pin is stored', (_case, results, before) => {
  const found = decide(ADDRESS, results, before).assessment;
  const afterwards = decide(ADDRESS, results, pin(NEW, 'token:a sender')).assessment;
  expect(asPinned(found, 'token:a sender')).toEqual(afterwards);
});
