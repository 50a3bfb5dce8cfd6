import { parseRecipients, type Recipient } from '../../src/core/addresses';
import { validatePolicy } from '../../src/core/policy/parse';
import type { Policy, PolicyInput } from '../../src/core/policy/schema';
import type { KeyVerdict, TransportVerdict } from '../../src/core/vocabulary';
import type { Assessments } from '../../src/core/wire';
import { defaultPolicy } from './policy';

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

/**
 * A policy under which no one protection serves everyone, so the plan splits (docs/policy.md step 4): no secure
 * pickup, and both classifications that need a protection prefer forced TLS, then OpenPGP. A recipient with TLS
 * nothing authenticates and no key gets forced TLS; one without TLS and with a key gets OpenPGP.
 */
export function splitPolicy(changes: Partial<PolicyInput> = {}): Policy {
  return validatePolicy({
    ...defaultPolicy(),
    escrow: { enabled: false },
    classifications: [
      { name: 'normal', requirement: 'none', prefer: ['tls', 'pgp'] },
      { name: 'confidential', requirement: 'transport', prefer: ['tls', 'pgp'] },
      { name: 'restricted', requirement: 'end-to-end', prefer: ['pgp'] },
    ],
    ...changes,
  });
}
