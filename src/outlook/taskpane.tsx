/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/// <reference types="office-js" />
/**
 * The compose pane's entry in Outlook (and on the try-it page, whose simulated `Office` stands in): wait for
 * Office, build the Office.js host, the sign-in and the backend client, render the shared pane.
 */
import { createRoot } from 'react-dom/client';
import type { EscrowMessage } from '../addin/protect/escrow-port';
import { withKeptAssessments } from '../addin/kept-assessments';
import { prefetch } from '../addin/state';
import { Pane } from '../addin/ui/Pane';
import { officeDialogSignIn, type OfficeDialogApi } from './auth/dialog-sign-in';
import { nestedAppAuth } from './auth/naa';
import { pageAnswerStore, pageStorage } from '../addin/answer-store';
import { keptSignInSettings } from './auth/kept-sign-in-settings';
import { outlookSignIn } from './auth/outlook-sign-in';
import { addinConfig, verdictTrust } from './config';
import { withOutlookKeptVerdicts } from './kept-verdicts';
import { createOfficeHost } from './office-host';
import { hasOutlookItem, showOutsideOutlook } from './outside-outlook';
import { randomHex } from '../addin/random-hex';

const config = addinConfig();
// Asked while Office gets ready: every request the pane makes waits for it, or for the copy kept from the last
// opening while the service is asked whether that is current.
const signInSettings = keptSignInSettings(
  config,
  pageAnswerStore(pageStorage(), 'sign-in', config.backendUrl),
);

void Office.onReady(() => {
  if (!hasOutlookItem(Office))
    return showOutsideOutlook(
      'Sendguard works inside Outlook: open it with the Sendguard button of a message you are writing.',
    );
  const dialog = officeDialogSignIn(
    Office as unknown as OfficeDialogApi,
    `${config.backendUrl}/addin/signin.html`,
  );
  const signIn = outlookSignIn(Office, config, nestedAppAuth, dialog, signInSettings);
  const host = createOfficeHost(Office, { lists: signIn.lists });
  /**
   * Loaded on first use, like openpgp.js: most messages never go through secure pickup. The upload signs in as
   * every other request does, with a token had at the time.
   */
  const escrow: EscrowMessage = async (request) => {
    const token = await signIn.token();
    const { escrowMessage } = await import(/* webpackChunkName: "escrow" */ 'sendguard-escrow');
    return escrowMessage({ ...request, ...(token ? { token } : {}) });
  };
  // Each recipient is asked about once, as soon as it appears; the first ask starts before the pane renders. The
  // service's signed verdicts are kept beneath, where a verdict key is configured, for a later outage.
  const backend = withKeptAssessments(
    withOutlookKeptVerdicts(signIn.backend, config.backendUrl, verdictTrust()),
  );
  prefetch({ host, backend });
  createRoot(document.getElementById('root')!).render(
    <Pane
      host={host}
      backend={backend}
      backendUrl={config.backendUrl}
      escrow={escrow}
      randomHex={randomHex}
      signIn={signIn.signInInteractively}
      whoAmI={signIn.whoAmI}
    />,
  );
});
