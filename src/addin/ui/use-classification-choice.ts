/**
 * The sender's classification: the choice, written on the item at once, because the send check must plan with it
 * even if nothing is applied; with it, where the thread set a floor, whether the choice lowers it
 * (thread/lowering.ts).
 */
import { useState } from 'react';
import type { MailHost } from '../host';
import { CLASSIFICATION_HEADER } from '../protect/applied';

export function useClassificationChoice(
  host: MailHost,
  onNotSaved: (error: unknown) => void,
): { chosen: string | undefined; choose: (name: string, lowering?: Record<string, string>) => void } {
  const [chosen, setChosen] = useState<string>();
  const choose = (name: string, lowering: Record<string, string> = {}) => {
    setChosen(name);
    host
      .setHeaders({ [CLASSIFICATION_HEADER]: name, ...lowering })
      .then(() => host.save())
      .catch(onNotSaved);
  };
  return { chosen, choose };
}
