/** Values the store tests put and read back. */
import type { MailboxAccessReport } from '../../../src/server/mailbox/report';
import type { StsCacheEntry } from '../../../src/server/transport/mta-sts';
import type { TransportReport } from '../../../src/server/transport/report';

export const FP_A = 'A'.repeat(40);
export const FP_B = 'B'.repeat(40);

export const keyVerdict = (address: string) => ({
  address,
  verdict: 'valid' as const,
  source: 'wkd' as const,
  reasons: [] as string[],
});

export const token = (id: string, hash: string) => ({
  id,
  name: `token ${id}`,
  role: 'sender' as const,
  hash,
  createdAt: `2025-01-0${id}T00:00:00.000Z`,
});

export const transportReport = (domain: string): TransportReport => ({
  domain,
  verdict: 'encrypted',
  reasons: [`mx.${domain} offers STARTTLS but nothing authenticates it`],
  checkedAt: '2026-01-01T00:00:00.000Z',
  incomplete: false,
  implicitMx: false,
  mxSecure: false,
  mx: [{ hostname: `mx.${domain}`, preference: 10, addresses: [], dane: { state: 'none' } }],
  mtaSts: { state: 'none', reason: 'no _mta-sts record' },
  tlsRpt: { state: 'none' },
  ttlSeconds: 300,
  timings: { totalMs: 12 },
});

export const mailboxReport = (domain: string): MailboxAccessReport => ({
  domain,
  verdict: 'tls-only',
  reasons: [`imap.${domain}:993 requires TLS`],
  checkedAt: '2026-01-01T00:00:00.000Z',
  incomplete: false,
  endpoints: [
    {
      protocol: 'imap',
      host: `imap.${domain}`,
      port: 993,
      security: 'implicit',
      foundBy: ['srv'],
      verdict: 'tls-only',
      address: '192.0.2.10',
      outcome: 'tls',
      timings: { totalMs: 8 },
    },
  ],
  srv: { state: 'records' },
  autoconfig: [],
  ttlSeconds: 300,
  timings: { totalMs: 12 },
});

export const stsEntry = (domain: string): StsCacheEntry => ({
  policy: { version: 'STSv1', mode: 'enforce', maxAge: 86_400, mx: [`*.${domain}`] },
  id: '20260101T000000',
  fetchedAt: 1000,
  expiresAt: 86_401_000,
});
