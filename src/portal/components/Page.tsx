/** The frame every portal view sits in: a narrow card, the product name, and who to trust. */
import { Card, makeStyles, Text, Title2, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  page: {
    display: 'flex',
    justifyContent: 'center',
    padding: '32px 16px',
    backgroundColor: tokens.colorNeutralBackground2,
    minHeight: '100vh',
    boxSizing: 'border-box',
  },
  card: {
    width: '100%',
    maxWidth: '760px',
    padding: '24px',
    display: 'flex',
    flexDirection: 'column',
    gap: '16px',
    alignSelf: 'flex-start',
  },
  footer: { color: tokens.colorNeutralForeground3 },
});

export function Page({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <Title2 as="h1">{title}</Title2>
        {children}
        <Text size={200} className={styles.footer}>
          Sendguard secure message. It is decrypted in this browser; the server that stores it cannot read it.
        </Text>
      </Card>
    </main>
  );
}
