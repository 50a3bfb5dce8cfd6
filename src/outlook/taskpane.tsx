/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/// <reference types="office-js" />
/**
 * The compose pane's entry in Outlook (and on the try-it page, whose simulated `Office` stands in): wait for
 * Office, build the Office.js host and the backend client, render the shared pane.
 */
import { createRoot } from 'react-dom/client';
import { connectBackend } from '../addin/backend';
import type { EscrowMessage } from '../addin/protect/escrow-port';
import { Pane } from '../addin/ui/Pane';
import { addinConfig } from './config';
import { createOfficeHost } from './office-host';
import { randomHex } from '../addin/random-hex';

/** Loaded on first use, like openpgp.js: most messages never go through secure pickup. */
const escrow: EscrowMessage = (request) =>
  import(/* webpackChunkName: "escrow" */ 'sendguard-escrow').then((m) => m.escrowMessage(request));

void Office.onReady(() => {
  const config = addinConfig();
  const host = createOfficeHost(Office);
  createRoot(document.getElementById('root')!).render(
    <Pane host={host} backend={connectBackend(config)} {...config} escrow={escrow} randomHex={randomHex} />,
  );
});
