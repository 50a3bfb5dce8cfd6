/**
 * The bounds of the assess answer's fields, shared by the zod schema in `wire.ts` (the server's response schema,
 * the CLI's assessments file) and the dependency-free reader in `answer.ts` (the add-ins, whose send handler
 * cannot carry zod), so that both accept exactly the same answers.
 */
export const WIRE_LIMITS = {
  /** An A-label domain name (RFC 1035 §2.3.4). */
  domainMax: 253,
  /** RFC 5321 §4.5.3.1 path limits, with room for a display form. */
  addressMin: 3,
  addressMax: 320,
  reasonMax: 500,
  reasonsMax: 50,
  armoredKeyMax: 1_000_000,
  domainsMax: 1000,
  keysMax: 5000,
  /** A sign-in provider's id and the name a sender reads (`SignInProvider` in escrow/wire.ts). */
  signInProviderMax: 200,
  signInLabelMax: 100,
} as const;
