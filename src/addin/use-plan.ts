/**
 * The pane's data as a React hook: loads on open and again whenever the host reports changed recipients, keeps
 * only the newest answer when loads overlap, and re-plans locally when the classification changes or the sender
 * sets a passcode.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { messageOf } from '../core/errors';
import { signInFault, type SignInFault } from './backend';
import type { PlannedMessage } from './assessment';
import { recordFailure } from './failure-log';
import { loadMessage, planWith, type LoadedMessage, type PaneDeps } from './state';

/** Long enough for the server's checks to progress, short enough that the sender sees the answer soon. */
const PARTIAL_RETRY_MS = 1500;

export type PlanState =
  | { status: 'loading' }
  /** `signIn`: the add-in had no token, or the service refused it: signing in may mend it. */
  | { status: 'failed'; error: string; signIn?: SignInFault }
  | { status: 'ready'; loaded: LoadedMessage; planned: PlannedMessage; refreshing: boolean };

/** What the pane says about a failed check, and whether signing in may mend it. */
interface Failure {
  text: string;
  signIn?: SignInFault | undefined;
}

export function usePlan(
  deps: PaneDeps,
  chosen: string | undefined,
  passcodeSet = false,
): { state: PlanState; reload: () => void } {
  const [loaded, setLoaded] = useState<LoadedMessage>();
  const [error, setError] = useState<Failure>();
  const [refreshing, setRefreshing] = useState(true);
  const generation = useRef(0);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setRefreshing(true);
    loadMessage(deps).then(
      (result) => {
        if (mine !== generation.current) return;
        setLoaded(result);
        setError(undefined);
        setRefreshing(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        recordFailure('checking the recipients', failure);
        setError({ text: messageOf(failure), signIn: signInFault(failure) });
        setRefreshing(false);
      },
    );
  }, [deps]);

  useEffect(() => {
    reload();
    return deps.host.onRecipientsChanged(reload);
  }, [deps, reload]);

  // A partial answer means checks are still running on the server: ask again shortly, as the pane promises.
  const partial = loaded?.answer.partial ?? false;
  useEffect(() => {
    if (!partial || refreshing) return undefined;
    const timer = setTimeout(reload, PARTIAL_RETRY_MS);
    return () => clearTimeout(timer);
  }, [partial, refreshing, reload]);

  // A policy that cannot plan this message is shown as the failure it is, as the send check reports it.
  const planning = useMemo(() => {
    if (!loaded) return undefined;
    try {
      return { planned: planWith(loaded, chosen, passcodeSet) };
    } catch (failure) {
      const error: Failure = { text: `Sendguard could not plan this message: ${messageOf(failure)}.` };
      return { failure, error };
    }
  }, [loaded, chosen, passcodeSet]);
  // Recorded once per failed plan, like every failure the sender is told about; not in the memo, which React
  // may run more than once.
  const planFailure = planning?.failure;
  useEffect(() => {
    if (planFailure !== undefined) recordFailure('planning the message', planFailure);
  }, [planFailure]);
  const failed = error !== undefined && !refreshing ? error : planning?.error;
  const state: PlanState =
    failed !== undefined
      ? { status: 'failed', error: failed.text, ...(failed.signIn ? { signIn: failed.signIn } : {}) }
      : loaded && planning?.planned
        ? { status: 'ready', loaded, planned: planning.planned, refreshing }
        : { status: 'loading' };
  return { state, reload };
}
