/**
 * Secure pickup's part of the service configuration (`escrow` in `schema.ts`): safe defaults, unknown keys
 * refused, parsed once with the rest. Limits the protocol fixes (codes ≤ 10 minutes, ≤ 5 tries) are upper bounds
 * here too, so configuration cannot loosen them. Where files go comes from the service's `dataDir`, the links'
 * origin from its `publicUrl`.
 */
import { z } from 'zod';

const Duration = z.number().int().positive();
const Limit = z.strictObject({ max: z.number().int().positive(), windowMs: Duration });

/** An OpenID Connect client registered with a provider; without a secret it is a public client (PKCE only). */
const OidcClient = { clientId: z.string().min(1), clientSecret: z.string().min(1).optional() };

/**
 * Recipient sign-in (docs/escrow-protocol.md, "Recipient proofs"): the built-in providers count only once their
 * client is configured; `issuers` name the provider an admin trusts for whole domains; `discover` asks a
 * recipient's domain for its issuer (WebFinger, then discovery and dynamic registration).
 */
export const SignInSettingsSchema = z.strictObject({
  microsoft: z
    .strictObject({
      ...OidcClient,
      authority: z.url({ protocol: /^https$/ }).default('https://login.microsoftonline.com/common/v2.0'),
    })
    .optional(),
  google: z
    .strictObject({
      ...OidcClient,
      issuer: z.url({ protocol: /^https$/ }).default('https://accounts.google.com'),
    })
    .optional(),
  issuers: z
    .array(
      z.strictObject({
        domains: z.array(z.string().min(1)).min(1),
        issuer: z.url({ protocol: /^https$/ }),
        ...OidcClient,
        label: z.string().min(1).max(60),
      }),
    )
    .default([]),
  discover: z.boolean().default(true),
});

export const EscrowSettingsSchema = z.strictObject({
  codeDigits: z.number().int().min(6).max(8).default(8),
  codeTtlMs: Duration.max(10 * 60_000).default(10 * 60_000),
  maxCodeTries: z.number().int().min(1).max(5).default(5),
  /** Wrong codes in a row (over all codes) a recipient may enter before each further try has to wait. */
  maxFailures: z.number().int().min(1).max(50).default(10),
  /** Wrong passcodes in a row before each further try has to wait. */
  maxPasscodeTries: z.number().int().min(1).max(20).default(5),
  /**
   * The wait after each wrong try beyond those: `firstMs`, doubling, at most `maxMs`; a right try ends it. A wait,
   * not a lock: whoever holds the link and knows an address can cause it, so it must not shut the recipient out.
   */
  backoff: z
    .strictObject({
      firstMs: Duration.max(60_000).default(1000),
      maxMs: Duration.max(3_600_000).default(15 * 60_000),
    })
    .prefault({})
    .refine((b) => b.maxMs >= b.firstMs, { message: 'maxMs must be at least firstMs' }),
  /** Codes mailed to one recipient for requests from one client network, per hour. */
  codesPerRecipientPerHour: z.number().int().min(1).max(20).default(3),
  /**
   * Codes mailed to one recipient per hour in all: bounds the mail a stranger can cause, and stays above the
   * per-network share so that requests from one network cannot use up the recipient's own.
   */
  codeMailsPerRecipientPerHour: z.number().int().min(1).max(50).default(10),
  /** Code requests, verifications and passcode tries from one client network (IPv4 address, IPv6 /64). */
  perIp: Limit.default({ max: 30, windowMs: 10 * 60_000 }),
  sessionTtlMs: Duration.max(24 * 3_600_000).default(30 * 60_000),
  maxRepliesPerRecipient: z.number().int().min(0).max(100).default(5),
  maxExpiryDays: z.number().int().min(1).max(365).default(90),
  /** Ciphertext per message, all blobs together. */
  maxMessageBytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** One upload request; the client sends about 1 MiB. */
  maxPartBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(16 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /**
   * The server key's file; default `<dataDir>/escrow-server.key`, created on a first start. Nodes that share a
   * database must all have the same key (docs/deploy.md): a node whose key is not the one the database's
   * messages were sealed with refuses to start.
   */
  serverKeyFile: z.string().min(1).optional(),
  /** How long the audit log keeps client IP and user agent; the entries themselves stay. */
  auditNetworkRetentionMs: Duration.default(30 * 24 * 3_600_000),
  signIn: SignInSettingsSchema.prefault({}),
  smtp: z
    .strictObject({
      host: z.string().min(1).default('localhost'),
      port: z.number().int().min(1).max(65535).default(25),
      secure: z.boolean().default(false),
      from: z.string().min(3).default('sendguard@localhost'),
      ca: z.string().optional(),
      servername: z.string().optional(),
      allowPlaintextRelay: z.boolean().default(false),
      auth: z.strictObject({ user: z.string(), pass: z.string() }).optional(),
    })
    .prefault({}),
});

export type EscrowSettingsInput = z.input<typeof EscrowSettingsSchema>;
export type SignInSettings = z.output<typeof SignInSettingsSchema>;
