/**
 * A report as the service keeps it: stamped with its time and the running policy's version, the sender being the
 * caller, and every address in its comparison form, or its pseudonym unless `decisions.fullAddresses` is on.
 */
import { mailboxKey } from '../../core/addresses';
import type { DecisionRecord, DecisionReport } from '../../core/decisions/record';
import { SendguardError } from '../../core/errors';
import type { Caller } from '../auth/caller';
import { pseudonymOf, pseudonymOfSubject } from './pseudonym';

export interface Stamp {
  /** Milliseconds since the epoch. */
  at: number;
  policyVersion: string;
  caller: Caller;
  /** The pseudonym key; none when addresses are kept in clear. */
  pseudonymKey: Uint8Array | undefined;
}

function addressOf(typed: string): string {
  const key = mailboxKey(typed);
  if (key === undefined) {
    throw new SendguardError(
      'ADDRESS_INVALID',
      `the recipient "${typed}" is not an address such as ana@example.org`,
    );
  }
  return key;
}

/** The caller's mailbox, or, for a caller no address names (a token without an owner), its subject. */
function senderOf(caller: Caller, key: Uint8Array | undefined): string {
  if (caller.address === undefined) return key ? pseudonymOfSubject(key, caller.subject) : caller.subject;
  return key ? pseudonymOf(key, caller.address) : caller.address;
}

/** Throws ADDRESS_INVALID for a recipient that is not local@domain. */
export function recordOf(report: DecisionReport, stamp: Stamp): Omit<DecisionRecord, 'id'> {
  const key = stamp.pseudonymKey;
  const { recipients, ...message } = report;
  return {
    ...message,
    at: new Date(stamp.at).toISOString(),
    policyVersion: stamp.policyVersion,
    sender: senderOf(stamp.caller, key),
    pseudonymous: key !== undefined,
    recipients: recipients.map(({ address: typed, ...facts }) => {
      const address = addressOf(typed);
      return {
        ...facts,
        address: key ? pseudonymOf(key, address) : address,
        domain: address.slice(address.lastIndexOf('@') + 1),
      };
    }),
  };
}
