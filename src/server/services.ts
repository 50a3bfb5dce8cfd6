/**
 * What the API asks of the transport and key modules. The real implementations (`CachingTransportService` in
 * `transport/service.ts`, `CachingKeyService` in `keys/key-service.ts`) implement these; the API only sees the
 * interfaces, so tests plug in fakes and the modules can change underneath.
 */
import type { DomainAssessment, KeyAssessment, MailboxAccessAssessment } from '../core/wire';
import type { Pin } from './store/store';

export interface LookupOptions {
  /** Aborted when the lookup's own deadline passes; implementations stop their I/O and settle promptly. */
  signal: AbortSignal;
}

export interface TransportService {
  /** `domain` is a lower-case A-label. Resolves to an assessment; `unknown` rather than a rejection when unsure. */
  assess(domain: string, opts: LookupOptions): Promise<DomainAssessment>;
  /**
   * The assessment `assess` would give at once from what is held in memory, without waiting; undefined when it
   * has to look further (a store, a check). The send path asks this first for every recipient's domain.
   */
  kept?(domain: string): DomainAssessment | undefined;
}

/**
 * How a recipient domain's users reach their mailboxes (docs/architecture.md, "Mailbox access"). Implemented by
 * `CachingMailboxService` in `mailbox/service.ts`.
 */
export interface MailboxAccessService {
  /** `domain` is a lower-case A-label. Resolves to `unknown` rather than rejecting when unsure. */
  assess(domain: string, opts: LookupOptions): Promise<MailboxAccessAssessment>;
  /** What `assess` would give at once from memory, without waiting; undefined when it has to look further. */
  kept?(domain: string): MailboxAccessAssessment | undefined;
}

/** What accepting a changed key came to: the key now pinned, or the key found now is not the one shown. */
export type KeyAcceptance =
  { accepted: true; key: KeyAssessment } | { accepted: false; found: KeyAssessment };

export interface KeyService {
  /** `address` is normalised (`readRecipients`); the assessment carries `armoredKey` when a key was found. */
  lookup(address: string, opts: LookupOptions): Promise<KeyAssessment>;
  /**
   * The assessment `lookup` would give at once from what is held in memory, without waiting; else undefined.
   * `key` is the address's comparison form (`mailboxKey`), which callers of the send path hold already.
   */
  kept?(key: string): KeyAssessment | undefined;
  /**
   * A sender (or admin) confirms the key shown as `changed`: the address is looked up afresh, and `fingerprint`
   * is pinned, accepted `by` the caller, only when the key found now is valid and has exactly that fingerprint.
   */
  accept(address: string, fingerprint: string, by: string, opts: LookupOptions): Promise<KeyAcceptance>;
  /** An admin pins `fingerprint` for `address` outright, accepted `by` them; the next lookup sees the pin. */
  pin(address: string, fingerprint: string, by: string): Promise<Pin>;
  /** Drops what is remembered about `addresses` (after a keyring change), so the next lookup asks afresh. */
  forget(addresses: readonly string[]): Promise<void>;
}

/** Reads an armored public key an admin uploads to the organisation keyring; throws a SendguardError if unusable. */
export interface KeyInspector {
  inspect(armoredKey: string): Promise<{ fingerprint: string; addresses: string[] }>;
}
