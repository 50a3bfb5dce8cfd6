/**
 * The pane's one action as the sender sees it: applying the plan with its progress, the sentence when it is done,
 * and what went wrong — there or elsewhere in the pane — in plain words, recorded with its code.
 */
import { useState } from 'react';
import { messageOf } from '../../core/errors';
import { PROTECTION_NAMES } from '../../core/vocabulary';
import type { PlannedMessage } from '../assessment';
import { recordFailure } from '../failure-log';
import {
  applyPlan,
  missingIn,
  type Applied,
  type AppliedAction,
  type ApplyDeps,
  type OpenedGroup,
  type SenderInput,
} from '../protect/apply';
import type { Plan, PlanGroup } from '../../core/plan';
import type { LoadedMessage } from '../state';
import type { ApplyStatus } from './PlanBar';

const PGP_DONE = `The message and its attachments are encrypted with ${PROTECTION_NAMES.pgp}`;

/** Every action applyPlan can apply has its sentence: a new one without it does not compile. */
const DONE: Record<AppliedAction, string> = {
  tag: `Ready for ${PROTECTION_NAMES.tls}: the tag is on the message. You can send it.`,
  pgp: `${PGP_DONE}. You can send it.`,
  escrow: `The message is stored for ${PROTECTION_NAMES.escrow}; the body is now the pickup notice. You can send it.`,
  split:
    'The other groups are open in new messages, each with the whole message; this one keeps the first group. Each passes the send check on its own when it is sent.',
};

/**
 * The sentence for what was applied: OpenPGP's says so when the body's pictures went as encrypted files; a split's
 * adds what each new message opened without, as its host said it.
 */
export function doneText({ action, pgp, opened }: Applied): string {
  if (opened) return `${DONE[action]}${missingIn(opened)}`;
  const images = pgp?.bodyImages ?? 0;
  if (images === 0) return DONE[action];
  const pictures =
    images === 1
      ? 'the picture in the body arrives as an encrypted attachment'
      : `the ${images} pictures in the body arrive as encrypted attachments`;
  return `${PGP_DONE}; ${pictures}. You can send it.`;
}

/** A split this pane made: the plan it followed, the group this message kept, and the messages it opened. */
export interface SplitDone {
  plan: Plan;
  kept: PlanGroup;
  opened: OpenedGroup[];
}

export interface ApplyControl {
  status: ApplyStatus;
  /** The last split applied here: applying this message's own protection afterwards keeps it. */
  split: SplitDone | undefined;
  /** The passcode the last secure pickup applied went with; undefined when it needed none (then none was used). */
  usedPasscode: string | undefined;
  /** Applies the plan, then calls `then` (the pane reloads: what was applied changes what it shows). */
  apply(planned: PlannedMessage, loaded: LoadedMessage, then: () => void, sender?: SenderInput): void;
  /** Shows `text` as the pane's failure, having recorded `error` as what failed `during`. */
  fail(during: string, error: unknown, text: string): void;
}

export function useApply(deps: ApplyDeps): ApplyControl {
  const [status, setStatus] = useState<ApplyStatus>({ kind: 'idle' });
  const [usedPasscode, setUsedPasscode] = useState<string>();
  const [split, setSplit] = useState<SplitDone>();
  const fail = (during: string, error: unknown, text: string) => {
    recordFailure(during, error);
    setStatus({ kind: 'failed', text });
  };
  const apply = (
    planned: PlannedMessage,
    loaded: LoadedMessage,
    then: () => void,
    sender: SenderInput = {},
  ) => {
    setStatus({ kind: 'working', step: 'Starting…' });
    setUsedPasscode(undefined);
    applyPlan(
      planned,
      loaded,
      deps,
      (step, fraction) =>
        setStatus({ kind: 'working', step, ...(fraction !== undefined ? { fraction } : {}) }),
      sender,
    ).then(
      (applied) => {
        const { escrow, opened } = applied;
        setUsedPasscode(escrow?.passcode);
        const kept = planned.plan.groups?.[0];
        if (opened && kept) setSplit({ plan: planned.plan, kept, opened });
        setStatus({ kind: 'done', text: doneText(applied) });
        then();
      },
      (error: unknown) => fail('applying the protection', error, messageOf(error)),
    );
  };
  return { status, split, usedPasscode, apply, fail };
}
