/**
 * A report as the service keeps it: stamped with its time and the running policy's version, the sender being the
 * caller, and every address in its comparison form, or its pseudonym unless `decisions.fullAddresses` is on. The
 * report's only words that are not the vocabulary's — the classification and the sign-in provider — are kept only
 * when they are names the service itself gives out, so that a modified client cannot store free text (a subject
 * line, say) in them.
 */
import { addressKey } from '../../core/addresses';
import type { DecisionRecord, DecisionReport } from '../../core/decisions/record';
import type { Caller } from '../auth/caller';
import { pseudonymOf, pseudonymOfSubject } from './pseudonym';

interface Stamp {
  /** Milliseconds since the epoch. */
  at: number;
  policyVersion: string;
  caller: Caller;
  /** The pseudonym key; none when addresses are kept in clear. */
  pseudonymKey: Uint8Array | undefined;
  known: KnownNames;
}

/** The names a report's classification and sign-in provider may take. */
export interface KnownNames {
  /** The running policy's classifications. */
  classifications: ReadonlySet<string>;
  /** The running policy's default: recorded in place of a classification it does not have. */
  defaultClassification: string;
  /** The sign-in providers the service names (built in and configured); any other is left out of the record. */
  signInProviders: ReadonlySet<string>;
}

/** The caller's mailbox, or, for a caller no address names (a token without an owner), its subject. */
function senderOf(caller: Caller, key: Uint8Array | undefined): string {
  if (caller.address === undefined) return key ? pseudonymOfSubject(key, caller.subject) : caller.subject;
  return key ? pseudonymOf(key, caller.address) : caller.address;
}

/** Throws ADDRESS_INVALID for a recipient that is not exactly one address. */
export function recordOf(report: DecisionReport, stamp: Stamp): Omit<DecisionRecord, 'id'> {
  const { pseudonymKey: key, known } = stamp;
  const { recipients, classification, ...message } = report;
  return {
    ...message,
    classification: known.classifications.has(classification) ? classification : known.defaultClassification,
    at: new Date(stamp.at).toISOString(),
    policyVersion: stamp.policyVersion,
    sender: senderOf(stamp.caller, key),
    pseudonymous: key !== undefined,
    recipients: recipients.map(({ address: typed, signIn, ...facts }) => {
      const address = addressKey(typed);
      return {
        ...facts,
        ...(signIn !== undefined && known.signInProviders.has(signIn) ? { signIn } : {}),
        address: key ? pseudonymOf(key, address) : address,
        domain: address.slice(address.lastIndexOf('@') + 1),
      };
    }),
  };
}
