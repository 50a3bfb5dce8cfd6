/**
 * The message's parts the checks before applying need (recipients, subject, bodies, attachments with their kinds
 * and sizes, importance, reply-to, the classification chosen), completed whenever the pane loads the message anew
 * (the parts the load read are taken from it, the rest read here), so that what the pane says a split would lose,
 * or how large each message would be, is about the message as it stands.
 */
import { useEffect, useState } from 'react';
import { messageOf } from '../../core/errors';
import { recordFailure } from '../failure-log';
import type { MailHost } from '../host';
import type { ReadParts } from '../read-message';
import { readOutline, type Outline } from '../split/original';

export type OutlineState =
  { status: 'reading' } | { status: 'read'; outline: Outline } | { status: 'failed'; text: string };

/** `loaded`: the pane's latest load; nothing is read before the first. */
export function useOutline(host: MailHost, loaded: ReadParts | undefined): OutlineState {
  const [state, setState] = useState<OutlineState>({ status: 'reading' });
  useEffect(() => {
    if (loaded === undefined) return undefined;
    let current = true;
    readOutline(host, loaded).then(
      (outline) => current && setState({ status: 'read', outline }),
      (error: unknown) => {
        recordFailure('reading the message', error);
        if (current)
          setState({
            status: 'failed',
            text: `Sendguard could not read this message (${messageOf(error)}), so it cannot tell what each message would carry or how large it would be. Close the pane and open it again.`,
          });
      },
    );
    return () => {
      current = false;
    };
  }, [host, loaded]);
  return state;
}
