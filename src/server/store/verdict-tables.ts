/**
 * The verdict caches as both databases hold them: one table each (key, JSON text, expiry), and the check a
 * value read back must pass. A row that no longer reads as its kind (hand-edited, written by an older format) is
 * a miss, never a crash nor a value of the wrong shape handed on.
 */
import { z } from 'zod';
import { MAILBOX_ACCESS_VERDICTS, TRANSPORT_VERDICTS } from '../../core/vocabulary';
import { KeyAssessment } from '../../core/wire';
import type { MailboxAccessReport } from '../mailbox/report';
import type { StsCacheEntry } from '../transport/mta-sts';
import type { TransportReport } from '../transport/report';
import { SealedValue } from './sealed-cache';
import type { CacheEntry, StoredKeyVerdict } from './store';

export interface VerdictTable<T> {
  table: string;
  keyColumn: string;
  valueColumn: string;
  /** What a value must look like to be handed out. */
  shape: z.ZodType<T>;
}

/**
 * A report's evidence is ours, written by this code, and read once per assessed domain: the check covers what
 * the send path reads (verdict, reasons, lifetime) and that the evidence is there, not every nested field.
 */
const TransportReportShape = z.looseObject({
  domain: z.string(),
  verdict: z.enum(TRANSPORT_VERDICTS),
  reasons: z.array(z.string()),
  checkedAt: z.string(),
  incomplete: z.boolean(),
  mx: z.array(z.looseObject({ hostname: z.string() })),
  mtaSts: z.looseObject({ state: z.string() }),
  tlsRpt: z.looseObject({ state: z.string() }),
  ttlSeconds: z.number(),
}) as unknown as z.ZodType<TransportReport>;

/** As for transport reports: what the send path and the pane read, and that the evidence is there. */
const MailboxReportShape = z.looseObject({
  domain: z.string(),
  verdict: z.enum(MAILBOX_ACCESS_VERDICTS),
  reasons: z.array(z.string()),
  checkedAt: z.string(),
  incomplete: z.boolean(),
  endpoints: z.array(z.looseObject({ host: z.string(), port: z.number() })),
  srv: z.looseObject({ state: z.string() }),
  autoconfig: z.array(z.looseObject({ url: z.string() })),
  ttlSeconds: z.number(),
}) as unknown as z.ZodType<MailboxAccessReport>;

/** A policy is matched against MX names: its mode and patterns must be as the parser made them. */
const StsEntryShape = z.looseObject({
  policy: z.looseObject({
    version: z.literal('STSv1'),
    mode: z.enum(['enforce', 'testing', 'none']),
    maxAge: z.number(),
    mx: z.array(z.string()),
  }),
  id: z.string(),
  fetchedAt: z.number(),
  expiresAt: z.number(),
}) as unknown as z.ZodType<StsCacheEntry>;

/** The column is still `address`: the service's rows are named by a keyed hash of it instead (`sealed-cache.ts`). */
export const KEY_VERDICTS_TABLE: VerdictTable<StoredKeyVerdict> = {
  table: 'key_verdicts',
  keyColumn: 'address',
  valueColumn: 'assessment',
  shape: z.union([SealedValue, KeyAssessment]),
};

export const TRANSPORT_REPORTS_TABLE: VerdictTable<TransportReport> = {
  table: 'transport_reports',
  keyColumn: 'domain',
  valueColumn: 'report',
  shape: TransportReportShape,
};

export const MAILBOX_REPORTS_TABLE: VerdictTable<MailboxAccessReport> = {
  table: 'mailbox_reports',
  keyColumn: 'domain',
  valueColumn: 'report',
  shape: MailboxReportShape,
};

export const STS_POLICIES_TABLE: VerdictTable<StsCacheEntry> = {
  table: 'sts_policies',
  keyColumn: 'domain',
  valueColumn: 'entry',
  shape: StsEntryShape,
};

/** The entry a stored row holds, or undefined when its text is not JSON of the table's shape. */
export function cachedEntry<T>(
  table: VerdictTable<T>,
  json: string,
  expiresAt: number,
): CacheEntry<T> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = table.shape.safeParse(raw);
  return parsed.success ? { value: parsed.data, expiresAt } : undefined;
}
