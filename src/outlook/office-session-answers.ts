/// <reference types="office-js" />
/**
 * Prefetched answers on the compose item itself, in its session data (Mailbox 1.11): classic Outlook on Windows
 * starts its JavaScript-only runtime for an event and may end it after, so what the recipient-change check asked
 * must outlive it for the send event to find. Session data belongs to this add-in and this item, lasts while the
 * item is open and is never sent; one value, the latest set of addresses (the only one a send can use). Where the
 * item has no session data, or a call fails, nothing is kept there and the send asks the service.
 */
import { recordFailure } from '../addin/failure-log';
import type { AnswerKeeper } from '../addin/prefetch/answer-keepers';
import { addressesKey, keptText, readKept } from '../addin/prefetch/prefetched-answers';
import { officeAsync } from './office-async';

const SESSION_KEY = 'sendguard-prefetched';

type SessionData = Pick<Office.SessionData, 'getAsync' | 'setAsync' | 'removeAsync'>;

/** The keeper over `item`'s session data, or undefined where this Outlook has none. */
export function sessionAnswers(item: { sessionData?: SessionData } | undefined): AnswerKeeper | undefined {
  const session = item?.sessionData;
  if (!session || typeof session.getAsync !== 'function') return undefined;
  return {
    async keep(prefetched) {
      const text = keptText(prefetched);
      try {
        // Too long to keep: the earlier set's answers are removed, as they can no longer match the message.
        await (text === undefined
          ? officeAsync<void>('forgetting the prefetched answers', (cb) =>
              session.removeAsync(SESSION_KEY, cb),
            )
          : officeAsync<void>('keeping the prefetched answers', (cb) =>
              session.setAsync(SESSION_KEY, text, cb),
            ));
      } catch (error) {
        recordFailure('keeping the answers for the send check', error);
      }
    },
    async find(addresses) {
      let text: string;
      try {
        text = await officeAsync<string>('reading the prefetched answers', (cb) =>
          session.getAsync(SESSION_KEY, cb),
        );
      } catch {
        // Nothing kept yet reads as a failure on some clients: the send asks the service, as without a keeper.
        return undefined;
      }
      const kept = typeof text === 'string' ? readKept(text) : undefined;
      return kept && addressesKey(kept.addresses) === addressesKey(addresses) ? kept : undefined;
    },
  };
}
