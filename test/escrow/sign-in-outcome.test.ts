/**
 * The sign-in pop-up's outcome as the portal reads it: from the landing page's query, and from the
 * BroadcastChannel, where any portal page may post — another message's, or something that is no outcome at all.
 */
import { outcomeFor, readSignInOutcome } from '../../src/core/escrow/sign-in-outcome';

const ID = 's9Q1wDVFKrMg2RNUsLzCUg';

test("the landing page's query: a failure with the message it is about", () => {
  expect(readSignInOutcome(`?sign-in-failed=not-a-recipient&message=${ID}`)).toEqual({
    failed: 'not-a-recipient',
    messageId: ID,
  });
  expect(readSignInOutcome('?sign-in-failed=expired')).toEqual({ failed: 'expired' });
  expect(readSignInOutcome(`?sign-in-failed=made-up&message=${ID}`)).toEqual({
    failed: 'provider-error',
    messageId: ID,
  });
  expect(readSignInOutcome(`?signed-in=${ID}`)).toEqual({ signedIn: ID });
});

test("a posted outcome counts for this message's page only", () => {
  expect(outcomeFor({ signedIn: ID }, ID)).toEqual({ signedIn: ID });
  expect(outcomeFor({ failed: 'cancelled', messageId: ID }, ID)).toEqual({
    failed: 'cancelled',
    messageId: ID,
  });
  expect(outcomeFor({ signedIn: 'another-message' }, ID)).toBeUndefined();
  // Another message's failure is not this page's to tell.
  expect(outcomeFor({ failed: 'not-a-recipient', messageId: 'another-message' }, ID)).toBeUndefined();
  expect(outcomeFor({ failed: 'not-a-recipient' }, ID)).toBeUndefined();
  // A callback without its transaction cannot name the message: that expiry is every waiting page's.
  expect(outcomeFor({ failed: 'expired' }, ID)).toEqual({ failed: 'expired' });
});

test.each([
  ['nothing', undefined],
  ['null', null],
  ['a string', 'signedIn'],
  ['a number', 7],
  ['an array', [ID]],
  ['an unknown failure', { failed: 'toString', messageId: ID }],
  ['a failure that is no string', { failed: ['cancelled'], messageId: ID }],
  ['a message id that is no string', { failed: 'cancelled', messageId: [ID] }],
  ['a signed-in that is no string', { signedIn: { toString: () => ID } }],
])('malformed data on the channel is ignored: %s', (_name, data) => {
  expect(outcomeFor(data, ID)).toBeUndefined();
});
