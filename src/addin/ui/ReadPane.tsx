/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The read pane both hosts show for a received message: reads its header block through the `ReadHost`, and
 * shows the transport report, or why it could not be read.
 */
import {
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { messageOf } from '../../core/errors';
import { receivedReport, type ReceivedReport } from '../../core/received';
import type { ReadHost } from '../host';
import { TransportReportView } from './TransportReportView';

const useStyles = makeStyles({
  root: {
    padding: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  title: { margin: 0 },
});

type State =
  { kind: 'reading' } | { kind: 'read'; report: ReceivedReport } | { kind: 'failed'; error: string };

export function ReadPane({ host }: { host: ReadHost }) {
  const styles = useStyles();
  const [state, setState] = useState<State>({ kind: 'reading' });
  useEffect(() => {
    let live = true;
    host.getAllHeaders().then(
      (raw) => live && setState({ kind: 'read', report: receivedReport(raw) }),
      (error: unknown) => live && setState({ kind: 'failed', error: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [host]);
  return (
    <FluentProvider theme={host.theme() === 'dark' ? webDarkTheme : webLightTheme}>
      <div className={styles.root} aria-busy={state.kind === 'reading'}>
        <Text as="h1" size={400} weight="semibold" className={styles.title}>
          Did this message travel encrypted?
        </Text>
        {state.kind === 'reading' ? (
          <Spinner label="Reading the message headers…" />
        ) : state.kind === 'failed' ? (
          <MessageBar intent="error" role="alert">
            <MessageBarBody>The message headers could not be read: {state.error}</MessageBarBody>
          </MessageBar>
        ) : (
          <TransportReportView report={state.report} />
        )}
      </div>
    </FluentProvider>
  );
}
