/**
 * The portal's entry. The link's fragment carries a secret: it is read into memory and removed from the address
 * bar before anything else runs, so it is not left in history, bookmarks or screenshots.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';

const fragment = window.location.hash;
window.history.replaceState(null, '', window.location.pathname + window.location.search);

createRoot(document.getElementById('root')!).render(
  <FluentProvider theme={webLightTheme} style={{ minHeight: '100vh' }}>
    <App fragment={fragment} apiBase={new URL('../api/v1/escrow', window.location.href).href} />
  </FluentProvider>,
);
