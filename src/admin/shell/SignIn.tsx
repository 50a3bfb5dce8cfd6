/**
 * The console's door: the admin pastes an admin API token (issued with `sendguard token issue --role admin`).
 * The service is asked who the token belongs to before the console opens, so a mistyped, revoked or sender's
 * token is turned away here with the reason, not on every page. Signing in with Entra is later work.
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Subtitle1,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { useAction } from '../pages/use-action';

interface SignInProps {
  /** Resolves when the token is an admin's; rejects with the sentence to show otherwise. */
  onSignIn: (token: string) => Promise<void>;
  /** Why the admin is here again (a token the service stopped accepting), shown above the form. */
  notice?: string;
}

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '32rem',
    margin: `${tokens.spacingVerticalXXXL} auto`,
    padding: tokens.spacingHorizontalXL,
  },
});

export function SignIn({ onSignIn, notice }: SignInProps): JSX.Element {
  const styles = useStyles();
  const [token, setToken] = useState('');
  const { working, failure, start } = useAction(
    () => onSignIn(token.trim()),
    (error) => (error instanceof Error ? error.message : String(error)),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start();
  };
  const shown = failure ?? notice;
  return (
    <main>
      <form className={styles.form} onSubmit={submit} aria-labelledby="sign-in-title">
        <Subtitle1 as="h1" id="sign-in-title">
          Sendguard admin
        </Subtitle1>
        <Text>
          Paste an admin API token (issued with <code>sendguard token issue --role admin</code>) to open the
          console. It is kept in this browser tab only, until you sign out or close the tab. Signing in with
          Microsoft Entra is not available in the console yet.
        </Text>
        {shown ? (
          <MessageBar intent="error" role="alert">
            <MessageBarBody>{shown}</MessageBarBody>
          </MessageBar>
        ) : null}
        <Field label="Admin API token" required>
          <Input
            type="password"
            value={token}
            onChange={(_, data) => setToken(data.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <div>
          <Button appearance="primary" type="submit" disabled={working || token.trim() === ''}>
            {working ? 'Signing in…' : 'Sign in'}
          </Button>
        </div>
      </form>
    </main>
  );
}
