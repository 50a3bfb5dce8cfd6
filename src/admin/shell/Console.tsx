/**
 * The console around its pages: the sign-in screen until an admin token is accepted, then a tab per page (the
 * URL fragment names the page, so reloads, links and Back keep it), the admin's name and a sign-out. Pages are
 * loaded on first visit. Any 401 a page meets returns to the sign-in screen with the reason.
 */
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Tab,
  TabList,
  Text,
  Title3,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { Suspense, lazy, useCallback, useEffect, useMemo, useState, type ComponentType } from 'react';
import type { Identity } from '../../core/identity';
import { createAdminApi, type AdminApi } from '../api';
import type { PageProps } from './page';
import { SignInError, checkAdmin } from './sign-in-check';
import { SignIn } from './SignIn';
import { TABS, hashOfTab, tabOfHash, type TabId } from './tabs';
import { forgetToken, keepToken, keptToken } from './token-store';

/**
 * A page loaded on first visit. `.js`: the compiler's Node16 rules want a dynamic import's extension, and webpack
 * maps it to the .tsx file (webpack.part.js). The compiler types such an import as a CommonJS module's namespace,
 * webpack hands the ES module itself: its default export is the page.
 */
const page = (load: () => Promise<unknown>) =>
  lazy(() => load() as Promise<{ default: ComponentType<PageProps> }>);

const PAGES: Readonly<Record<TabId, ComponentType<PageProps>>> = {
  overview: page(() => import(/* webpackChunkName: "overview" */ '../pages/OverviewPage.js')),
  domains: page(() => import(/* webpackChunkName: "domains" */ '../pages/DomainsPage.js')),
  keys: page(() => import(/* webpackChunkName: "keys" */ '../pages/KeysPage.js')),
  messages: page(() => import(/* webpackChunkName: "messages" */ '../pages/MessagesPage.js')),
  tokens: page(() => import(/* webpackChunkName: "tokens" */ '../pages/TokensPage.js')),
  policy: page(() => import(/* webpackChunkName: "policy" */ '../pages/PolicyPage.js')),
};

const EXPIRED = 'The service no longer accepts this token (revoked, or the service changed): sign in again.';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalXL}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  who: { marginLeft: 'auto' },
  nav: { padding: `0 ${tokens.spacingHorizontalL}` },
  main: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXL}` },
});

/** The page the fragment names, following Back and Forward and edited addresses. */
function useTabFromHash(): [TabId, (id: TabId) => void] {
  const [tab, setTab] = useState(() => tabOfHash(window.location.hash));
  useEffect(() => {
    const follow = () => setTab(tabOfHash(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const select = useCallback((id: TabId) => {
    window.location.hash = hashOfTab(id);
    setTab(id);
  }, []);
  return [tab, select];
}

interface Session {
  api: AdminApi;
  identity: Identity;
}

export function Console({ apiBase }: { apiBase: string }): JSX.Element {
  const styles = useStyles();
  const [session, setSession] = useState<Session>();
  const [notice, setNotice] = useState<string>();
  const [resuming, setResuming] = useState(() => keptToken() !== undefined);
  const [tab, selectTab] = useTabFromHash();

  const signOut = useCallback((why?: string) => {
    forgetToken();
    setSession(undefined);
    setNotice(why);
  }, []);

  const signIn = useCallback(
    async (token: string) => {
      const api = createAdminApi({ base: apiBase, token, onUnauthorized: () => signOut(EXPIRED) });
      const identity = await checkAdmin(api);
      keepToken(token);
      setNotice(undefined);
      setSession({ api, identity });
    },
    [apiBase, signOut],
  );

  // A token kept from earlier in this tab (a reload) is checked again before the console opens. Only the
  // service's refusal of it (401, 403, no admin role) forgets it: when the check could not be made (the service
  // unreachable, a 5xx), the token is kept and the admin offered a retry rather than asked to paste it again.
  const [unreachable, setUnreachable] = useState<string>();
  const resume = useCallback(() => {
    const token = keptToken();
    if (token === undefined) return;
    setResuming(true);
    setUnreachable(undefined);
    signIn(token)
      .catch((error: Error) =>
        error instanceof SignInError && !error.refused
          ? setUnreachable(error.message)
          : signOut(error.message),
      )
      .finally(() => setResuming(false));
  }, [signIn, signOut]);
  useEffect(resume, [resume]);

  const Page = PAGES[tab];
  const tabs = useMemo(
    () =>
      TABS.map(({ id, label }) => (
        <Tab key={id} value={id}>
          {label}
        </Tab>
      )),
    [],
  );

  if (resuming && !session) return <Spinner label="Signing in…" />;
  if (unreachable !== undefined && !session)
    return (
      <main className={styles.main} aria-label="Sign in">
        <MessageBar intent="error" role="alert" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Could not reach the Sendguard service</MessageBarTitle>
            {unreachable} Your sign-in is kept in this tab: retry when the service answers again.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={resume}>Retry</Button>
            <Button
              onClick={() => {
                setUnreachable(undefined);
                signOut();
              }}
            >
              Sign in with another token
            </Button>
          </MessageBarActions>
        </MessageBar>
      </main>
    );
  if (!session) return <SignIn onSignIn={signIn} notice={notice} />;
  return (
    <>
      <header className={styles.header}>
        <Title3 as="h1">Sendguard admin</Title3>
        <Text className={styles.who}>Signed in as {session.identity.name ?? session.identity.subject}</Text>
        <Button onClick={() => signOut()}>Sign out</Button>
      </header>
      <nav className={styles.nav} aria-label="Console pages">
        <TabList selectedValue={tab} onTabSelect={(_, data) => selectTab(data.value as TabId)}>
          {tabs}
        </TabList>
      </nav>
      <main className={styles.main} aria-label={TABS.find((t) => t.id === tab)?.label}>
        <Suspense fallback={<Spinner size="small" label="Opening the page…" />}>
          <Page key={tab} api={session.api} />
        </Suspense>
      </main>
    </>
  );
}
