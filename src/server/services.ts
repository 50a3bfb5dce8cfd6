/**
 * What the API asks of the transport and key modules. The real implementations live in `transport/` and
 * `keys/`; the API only sees these interfaces, so tests plug in fakes and the modules can change underneath.
 */
import type { DomainAssessment, KeyAssessment } from '../core/wire';

export interface LookupOptions {
  /** Aborted when the lookup's own deadline passes; implementations stop their I/O and settle promptly. */
  signal: AbortSignal;
}

export interface TransportService {
  /** `domain` is a lower-case A-label. Resolves to an assessment; `unknown` rather than a rejection when unsure. */
  assess(domain: string, opts: LookupOptions): Promise<DomainAssessment>;
}

export interface KeyService {
  /** `address` is normalised (`readRecipients`); the assessment carries `armoredKey` when a key was found. */
  lookup(address: string, opts: LookupOptions): Promise<KeyAssessment>;
}

/** Reads an armored public key an admin uploads to the organisation keyring; throws a SendguardError if unusable. */
export interface KeyInspector {
  inspect(armoredKey: string): Promise<{ fingerprint: string; addresses: string[] }>;
}
