/**
 * The pieces the Keys, Secure messages and Policy pages are built from: a titled section, what became of the
 * admin's last action, and what a section shows until its list has come.
 */
import {
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle1,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { failureText } from './failure-text';
import type { Loaded } from './use-loaded';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
});

/** A titled part of a page; `level` 3 for a part within another (headings follow the page's outline). */
export function Section(props: {
  title: string;
  id: string;
  level?: 2 | 3;
  children: ReactNode;
}): JSX.Element {
  const styles = useStyles();
  const Title = props.level === 3 ? Subtitle2 : Subtitle1;
  return (
    <section className={styles.section} aria-labelledby={props.id}>
      <Title as={props.level === 3 ? 'h3' : 'h2'} id={props.id}>
        {props.title}
      </Title>
      {props.children}
    </section>
  );
}

/** A form whose submission (Enter in a field, or its submit button) starts `onSubmit` instead of leaving the page. */
export function ActionForm(props: {
  className: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}): JSX.Element {
  return (
    <form
      className={props.className}
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}

/** The result of the admin's last action, said in words: success politely, failure as an alert. */
export type Outcome = { ok: boolean; text: string };

export function OutcomeBar({ outcome }: { outcome: Outcome | undefined }): JSX.Element | null {
  if (!outcome) return null;
  return (
    <MessageBar intent={outcome.ok ? 'success' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
      <MessageBarBody>{outcome.text}</MessageBarBody>
    </MessageBar>
  );
}

/**
 * `children(value)` once the answer is there; until then a spinner naming what is being read, or why it could
 * not be read with a way to ask again.
 */
export function LoadedView<T>(props: {
  loaded: Loaded<T> & { reload: () => Promise<void> };
  what: string;
  children: (value: T) => ReactNode;
}): JSX.Element {
  const { loaded, what, children } = props;
  const styles = useStyles();
  if (loaded.state === 'loading') return <Spinner size="tiny" label={`Reading ${what}…`} />;
  if (loaded.state === 'failed')
    return (
      <div className={styles.row}>
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{failureText(`read ${what}`, loaded.error)}</MessageBarBody>
        </MessageBar>
        <Button onClick={() => void loaded.reload()}>Try again</Button>
      </div>
    );
  return <>{children(loaded.value)}</>;
}
