/** "Sign in with <provider>" for each provider the message offers, and what a sign-in that failed means. */
import { Button, Text } from '@fluentui/react-components';
import type { SignInProvider } from '../../core/escrow/wire';
import { ErrorBar } from './ErrorBar';

export function SignInStep({
  providers,
  waitingFor,
  problem,
  onSignIn,
}: {
  providers: SignInProvider[];
  waitingFor: SignInProvider | undefined;
  problem: string;
  onSignIn: (provider: SignInProvider) => void;
}) {
  return (
    <section aria-label="Sign in">
      <Text block>
        Sign in with the account of the address this message was sent to. The sign-in opens in a new window.
      </Text>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginTop: 12 }}>
        {providers.map((provider) => (
          <Button key={provider.provider} appearance="primary" onClick={() => onSignIn(provider)}>
            Sign in with {provider.label}
          </Button>
        ))}
      </div>
      {waitingFor && (
        <Text block style={{ marginTop: 8 }}>
          Finish signing in with {waitingFor.label} in the window that opened; this page continues by itself.
        </Text>
      )}
      <ErrorBar message={problem} />
    </section>
  );
}
