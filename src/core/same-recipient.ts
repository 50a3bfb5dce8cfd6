/**
 * Whether two assessments of a recipient say the same: what the service may hand out again as it was written or
 * signed before (server/api/assess-json.ts, server/verdicts/signer.ts) rather than write or sign it anew.
 */
import type { SignInProvider } from './escrow/wire';
import type { AssessedRecipient } from './wire';

type Transport = AssessedRecipient['transport'];
type MailboxAccess = NonNullable<Transport>['mailboxAccess'];

const sameReasons = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((reason, i) => reason === b[i]);

const sameMailboxAccess = (a: MailboxAccess, b: MailboxAccess) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.verdict === b.verdict &&
    a.checkedAt === b.checkedAt &&
    sameReasons(a.reasons, b.reasons));

const sameTransport = (a: Transport, b: Transport) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.domain === b.domain &&
    a.verdict === b.verdict &&
    a.checkedAt === b.checkedAt &&
    sameReasons(a.reasons, b.reasons) &&
    sameMailboxAccess(a.mailboxAccess, b.mailboxAccess));

const sameSignIn = (a: SignInProvider | undefined, b: SignInProvider | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.provider === b.provider && a.label === b.label);

/**
 * The fields of two assessments of the same entered recipient, compared by hand: made from the schema, the
 * comparison took several times as long, and it runs for every recipient of every answer. The key assessment is
 * compared by identity: the key service hands out the one it keeps. The test (test/server/api/assess-json.test.ts)
 * changes each field the schema names in turn, so a field added to it and not compared here fails there.
 */
export function sameRecipient(a: AssessedRecipient, b: AssessedRecipient): boolean {
  return (
    a.key === b.key &&
    a.address === b.address &&
    a.domain === b.domain &&
    a.internal === b.internal &&
    sameTransport(a.transport, b.transport) &&
    sameSignIn(a.signIn, b.signIn)
  );
}
