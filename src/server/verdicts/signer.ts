/**
 * Signs what the service hands out, so that an add-in that cannot reach it later may still decide from it
 * (core/signed/statement.ts): each recipient of an `/assess` answer with the time it was handed out, and the
 * policy as `/policy` serves it. Ed25519 with the deployment's verdict key (key.ts), by Node's crypto.
 *
 * A recipient's statement is handed out again, as signed, while the same verdicts under the same policy version
 * are asked for within REISSUE_WITHIN_MS of its signing. Signing was most of an `/assess` answer's CPU (some 45 µs
 * per recipient, twenty recipients an answer), and the same recipients are assessed again and again while a
 * message is written and sent. A statement handed out again names the time it was signed, so an add-in that keeps
 * it counts it at most that much older than it is, never fresher.
 */
import { sign } from 'node:crypto';
import type { Clock } from '../../core/clock';
import {
  asciiJson,
  withoutArmoredKey,
  type PolicyStatement,
  type SignedStatement,
  type VerdictStatement,
  type VerdictTrust,
} from '../../core/signed/statement';
import type { PolicyAnswer } from '../../core/evaluate/policy-answer';
import type { AssessedRecipient } from '../../core/wire';
import { sameRecipient } from '../../core/same-recipient';
import { BoundedCache } from '../store/bounded-cache';
import type { VerdictKey } from './key';

const REISSUE_WITHIN_MS = 60_000;
// Statements held for reissue, by what they hold (payload, recipient and armored key): a payload is a few kB, a key
// rarely more than a few more, so this holds the recipients of the last minute's busiest traffic within 32 MB.
const REISSUE_LIMITS = { maxEntries: 20_000, maxSize: 32 * 1024 * 1024 };

interface Issued {
  atMs: number;
  /** The assessment it states (with the armored key, which the statement leaves out). */
  recipient: AssessedRecipient;
  statement: SignedStatement;
}

export interface VerdictSigner {
  /** What an add-in checks these statements with: the public key and the deployment they name. */
  trust: VerdictTrust;
  /** Each recipient's verdicts under `policyVersion`, signed now, in the order given. */
  recipients(recipients: readonly AssessedRecipient[], policyVersion: string): SignedStatement[];
  /** The policy as served (deterministic: the same policy is the same statement). */
  policy(answer: PolicyAnswer): SignedStatement;
}

export interface VerdictSignerOptions {
  key: VerdictKey;
  /** The deployment the statements name: the service's public URL. */
  deployment: string;
  clock: Clock;
}

function signed(key: VerdictKey, statement: VerdictStatement | PolicyStatement): SignedStatement {
  const payload = asciiJson(statement);
  const signature = sign(null, Buffer.from(payload, 'latin1'), key.privateKey).toString('base64');
  return { payload, signature };
}

export function verdictSigner({ key, deployment, clock }: VerdictSignerOptions): VerdictSigner {
  const issued = new BoundedCache<string, Issued>({
    ...REISSUE_LIMITS,
    // Its payload, and the recipient it was made from: about as large again, and its armored key besides.
    sizeOf: ({ statement, recipient }) =>
      2 * statement.payload.length + (recipient.key.armoredKey?.length ?? 0),
  });
  return {
    trust: { publicKey: key.publicKey, deployment },
    recipients(recipients, policyVersion) {
      const now = clock.now();
      return recipients.map((recipient) => {
        const held = `${policyVersion}\n${recipient.input}`;
        const before = issued.get(held);
        if (
          before &&
          sameRecipient(before.recipient, recipient) &&
          now >= before.atMs &&
          now - before.atMs < REISSUE_WITHIN_MS
        ) {
          return before.statement;
        }
        const issuedAt = new Date(now).toISOString();
        const statement = signed(key, {
          kind: 'verdict',
          deployment,
          issuedAt,
          policyVersion,
          recipient: withoutArmoredKey(recipient),
        });
        issued.set(held, { atMs: now, recipient, statement });
        return statement;
      });
    },
    policy: ({ version, policy }) => signed(key, { kind: 'policy', deployment, version, policy }),
  };
}
