/**
 * The sender's classification: the choice, written on the item at once, because the send check must plan with it
 * even if nothing is applied.
 */
import { useState } from 'react';
import type { MailHost } from '../host';
import { CLASSIFICATION_HEADER } from '../protect/applied';

export function useClassificationChoice(
  host: MailHost,
  onNotSaved: (error: unknown) => void,
): { chosen: string | undefined; choose: (name: string) => void } {
  const [chosen, setChosen] = useState<string>();
  const choose = (name: string) => {
    setChosen(name);
    host
      .setHeaders({ [CLASSIFICATION_HEADER]: name })
      .then(() => host.save())
      .catch(onNotSaved);
  };
  return { chosen, choose };
}
