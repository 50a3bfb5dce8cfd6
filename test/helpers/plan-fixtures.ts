import { parseRecipients, type Recipient } from '../../src/core/addresses';
import type { KeyVerdict, TransportVerdict } from '../../src/core/vocabulary';
import type { Assessments } from '../../src/core/wire';

export interface Party {
  address: string;
  transport?: TransportVerdict;
  key?: KeyVerdict;
  /** The identity provider the assessment names for secure pickup's sign-in. */
  signIn?: { provider: string; label: string };
}

const FINGERPRINT = 'A'.repeat(40);

/** Recipients and assessments for a short list of parties; a domain's verdict comes from its first party. */
export function scenario(parties: readonly Party[]): { recipients: Recipient[]; assessments: Assessments } {
  const recipients = parseRecipients({ to: parties.map((p) => p.address) });
  const assessments: Assessments = { domains: [], keys: [] };
  for (const party of parties) {
    const domain = party.address.split('@')[1]!.toLowerCase();
    if (party.transport && !assessments.domains.some((d) => d.domain === domain)) {
      assessments.domains.push({ domain, verdict: party.transport, reasons: [] });
    }
    if (party.key) {
      assessments.keys.push({
        address: party.address,
        verdict: party.key,
        reasons: [],
        ...(party.key === 'valid' ? { source: 'wkd' as const, fingerprint: FINGERPRINT } : {}),
      });
    }
    if (party.signIn) (assessments.signIn ??= []).push({ address: party.address, ...party.signIn });
  }
  return { recipients, assessments };
}
