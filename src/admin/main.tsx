/** The admin console's entry: the theme (system preference or `?theme=`) around the console. */
import { FluentProvider } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { Console } from './shell/Console';
import { THEMES, ThemeNameContext, useThemeName } from './shell/theme';

function Root(): JSX.Element {
  const theme = useThemeName(window.location.search);
  return (
    <FluentProvider theme={THEMES[theme]} style={{ minHeight: '100vh' }} data-theme={theme}>
      <ThemeNameContext.Provider value={theme}>
        <Console apiBase={new URL('../api/v1', window.location.href).href} />
      </ThemeNameContext.Provider>
    </FluentProvider>
  );
}

createRoot(document.getElementById('root')!).render(<Root />);
