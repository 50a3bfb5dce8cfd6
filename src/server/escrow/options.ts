/**
 * The escrow plugin's configuration: one typed object, safe defaults, unknown keys refused. Limits the issue
 * fixes (codes ≤ 10 minutes, ≤ 5 tries) are upper bounds here too, so configuration cannot loosen them.
 */
import { z } from 'zod';

const Duration = z.number().int().positive();
const Limit = z.strictObject({ max: z.number().int().positive(), windowMs: Duration });

export const EscrowConfigSchema = z.strictObject({
  /** The origin recipients reach; pickup links and the Origin check use it. */
  publicUrl: z.url({ protocol: /^https?$/ }),
  /** Where the SQLite file, the blob directory and the server key live unless given directly. */
  dataDir: z.string().min(1).default('data'),
  codeDigits: z.number().int().min(6).max(8).default(8),
  codeTtlMs: Duration.max(10 * 60_000).default(10 * 60_000),
  maxCodeTries: z.number().int().min(1).max(5).default(5),
  /** Failed code tries over all codes before the recipient is locked out and the sender told. */
  maxFailures: z.number().int().min(1).max(50).default(10),
  maxPasscodeTries: z.number().int().min(1).max(20).default(5),
  codesPerRecipientPerHour: z.number().int().min(1).max(20).default(5),
  /** Code requests, verifications and passcode tries from one client address. */
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
  purgeIntervalMs: Duration.default(60_000),
  /** How long the audit log keeps client IP and user agent; the entries themselves stay. */
  auditNetworkRetentionMs: Duration.default(30 * 24 * 3_600_000),
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

export type EscrowConfigInput = z.input<typeof EscrowConfigSchema>;
export type EscrowConfig = z.output<typeof EscrowConfigSchema>;
