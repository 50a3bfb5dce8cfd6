/**
 * Signs what the service hands out, so that an add-in that cannot reach it later may still decide from it
 * (core/signed/statement.ts): each recipient of an `/assess` answer with the time it was handed out, and the
 * policy as `/policy` serves it. Ed25519 with the deployment's verdict key (key.ts), by Node's crypto.
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
import type { VerdictKey } from './key';

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
  return {
    trust: { publicKey: key.publicKey, deployment },
    recipients(recipients, policyVersion) {
      const issuedAt = new Date(clock.now()).toISOString();
      return recipients.map((recipient) =>
        signed(key, {
          kind: 'verdict',
          deployment,
          issuedAt,
          policyVersion,
          recipient: withoutArmoredKey(recipient),
        }),
      );
    },
    policy: ({ version, policy }) => signed(key, { kind: 'policy', deployment, version, policy }),
  };
}
