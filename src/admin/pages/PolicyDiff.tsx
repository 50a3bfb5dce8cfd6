/**
 * A policy text's changes from another: the edited policy's from the running one, or a saved version's from the
 * one before it. An added line starts with "+", a removed one with "−", each
 * also said in words to screen readers ("Added line 12:") and marked up as an insertion or deletion; colour only
 * repeats what the sign says.
 */
import { Text, makeStyles, tokens } from '@fluentui/react-components';
import { useMemo } from 'react';
import { policyDiff, type DiffRow } from './policy-diff';
import { useVisuallyHidden } from './visually-hidden';

const useStyles = makeStyles({
  lines: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    maxHeight: '24rem',
    overflow: 'auto',
    margin: 0,
    padding: tokens.spacingVerticalS,
  },
  line: { display: 'block', whiteSpace: 'pre', textDecorationLine: 'none' },
  added: { backgroundColor: tokens.colorPaletteGreenBackground2, color: tokens.colorNeutralForeground1 },
  removed: { backgroundColor: tokens.colorPaletteRedBackground2, color: tokens.colorNeutralForeground1 },
  folded: { color: tokens.colorNeutralForeground3, fontStyle: 'italic' },
});

const SIGN = { added: '+ ', removed: '− ', same: '  ' } as const;
const SAID = { added: 'Added line', removed: 'Removed line', same: 'Unchanged line' } as const;

function DiffLine({ row }: { row: DiffRow }): JSX.Element {
  const styles = useStyles();
  const hidden = useVisuallyHidden().hidden;
  if (row.kind === 'folded')
    return (
      <span className={`${styles.line} ${styles.folded}`}>
        … {row.lines} unchanged {row.lines === 1 ? 'line' : 'lines'} …
      </span>
    );
  const content = (
    <>
      <span aria-hidden="true">{SIGN[row.kind]}</span>
      <span className={hidden}>
        {SAID[row.kind]} {row.line}:{' '}
      </span>
      {row.text}
    </>
  );
  if (row.kind === 'added') return <ins className={`${styles.line} ${styles.added}`}>{content}</ins>;
  if (row.kind === 'removed') return <del className={`${styles.line} ${styles.removed}`}>{content}</del>;
  return <span className={styles.line}>{content}</span>;
}

export function PolicyDiff(props: {
  before: string;
  after: string;
  /** What `before` is, as the sentences name it: "the running policy (version 3f2a…)". */
  against: string;
}): JSX.Element {
  const { before, after, against } = props;
  const styles = useStyles();
  const diff = useMemo(() => policyDiff(before, after), [before, after]);
  if (diff.added === 0 && diff.removed === 0) return <Text block>No changes from {against}.</Text>;
  const lines = (n: number) => (n === 1 ? '1 line' : `${n} lines`);
  return (
    <>
      <Text block>
        Compared with {against}: {lines(diff.added)} added, {lines(diff.removed)} removed.
      </Text>
      <pre className={styles.lines} role="region" aria-label={`Changes from ${against}`} tabIndex={0}>
        {diff.rows.map((row, i) => (
          <DiffLine key={i} row={row} />
        ))}
      </pre>
    </>
  );
}
