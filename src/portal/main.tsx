/**
 * The portal's entry. The link's fragment carries a secret: it is read into memory and removed from the address
 * bar before anything else runs, so it is not left in history, bookmarks or screenshots.
 */
import { FluentProvider } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { readSignInOutcome } from '../core/escrow/sign-in-outcome';
import { App } from './components/App';
import { SignInLanding } from './components/SignInLanding';
import { usePreferredTheme } from './color-scheme';

const fragment = window.location.hash;
// The sign-in pop-up's landing page, not a link: it has no fragment and no message to show.
const signInOutcome = readSignInOutcome(window.location.search);
window.history.replaceState(null, '', window.location.pathname + window.location.search);

function Themed({ children }: { children: ReactNode }) {
  return (
    <FluentProvider theme={usePreferredTheme()} style={{ minHeight: '100vh' }}>
      {children}
    </FluentProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <Themed>
    {signInOutcome ? (
      <SignInLanding outcome={signInOutcome} />
    ) : (
      <App fragment={fragment} apiBase={new URL('../api/v1/escrow', window.location.href).href} />
    )}
  </Themed>,
);
