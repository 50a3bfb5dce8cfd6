/**
 * How the pane learns how to sign in, without waiting for the service on a warm opening: the answer to
 * GET /api/v1/sign-in is kept in the page's storage with its ETag (answer-store.ts), and an opening that finds a
 * copy there signs in with it at once while asking the service whether it is current (If-None-Match). The request
 * goes out as soon as the pane's script runs, while Office gets ready.
 *
 * Fail closed: a kept copy is only ever a head start. Every backend request made under it is held until the
 * service confirmed it (`confirmed`, BackendOptions.signInConfirmed); when the service answers other settings, or
 * cannot be asked, the token chain is told (`whenChanged`) and goes by the service's answer, and those requests
 * are made again under it. No kept copy, or one that no longer reads, means the pane waits for the service's
 * answer as before.
 */
import {
  fetchSignInSettings,
  revalidateSignInSettings,
  type AnswerStore,
  type BackendConnection,
} from '../../addin/backend';
import type { SignInSettings } from '../../core/sign-in';

/**
 * GET /api/v1/sign-in's own deadline, shorter than the token's share of a request's (backend.ts): a slow service is
 * reported as the service not answering in time, never as the sender's sign-in not finishing.
 */
export const SETTINGS_DEADLINE_MS = 1000;

/** Where the token chain gets the service's sign-in settings. */
export interface SignInSettingsSource {
  /** The settings to sign in with now; the chain keeps them until told they changed. */
  settings(): Promise<SignInSettings>;
  /** See BackendOptions.signInConfirmed; absent where `settings` only gives the service's own answer. */
  confirmed?(): Promise<boolean>;
  /**
   * `listener` is told, once, that the kept settings are not the service's, before `confirmed` says so; every
   * listener registered is told. Returns what stops telling it.
   */
  whenChanged?(listener: () => void): () => void;
}

/** GET /api/v1/sign-in of this deployment, asked anew on each call. */
export function askedSignInSettings(config: BackendConnection): SignInSettingsSource {
  return {
    settings: () => fetchSignInSettings({ baseUrl: config.backendUrl, deadlineMs: SETTINGS_DEADLINE_MS }),
  };
}

/**
 * The settings kept in `store`, revalidated now; without a kept copy, the service's answer asked now. The first
 * caller takes that (the token chain keeps it); a later caller asks anew, except after the service answered other
 * settings than the kept ones, which the next caller takes.
 */
export function keptSignInSettings(config: BackendConnection, store: AnswerStore): SignInSettingsSource {
  const options = { baseUrl: config.backendUrl, deadlineMs: SETTINGS_DEADLINE_MS };
  const ask = () => revalidateSignInSettings(options, store);
  const first = ask();
  /** What the next caller takes instead of asking. */
  let next: Promise<SignInSettings> | undefined;
  /** Whether the settings handed out so far are the service's. */
  let confirmation: Promise<boolean> = Promise.resolve(true);
  /** Each token chain over this source (one per outlookSignIn) hears of the change. */
  const listeners = new Set<() => void>();

  if (first.kept === undefined) {
    next = first.answer.then(({ answer }) => answer);
    // A failure is the first caller's to meet; until one asks, it must not surface as unhandled.
    next.catch(() => undefined);
  } else {
    next = Promise.resolve(first.kept);
    confirmation = first.answer.then(
      ({ answer, confirmed }) => confirmed || follow(Promise.resolve(answer)),
      // Not confirmed: the next caller asks the service, and meets its failure.
      () => follow(undefined),
    );
  }

  /** The kept settings were not confirmed: from now on the chain goes by `answer` (or asks again). */
  function follow(answer: Promise<SignInSettings> | undefined): false {
    next = answer;
    confirmation = Promise.resolve(true);
    for (const listener of [...listeners]) listener();
    return false;
  }

  return {
    settings: () => {
      const taken = next ?? ask().answer.then(({ answer }) => answer);
      next = undefined;
      return taken;
    },
    confirmed: () => confirmation,
    whenChanged: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
