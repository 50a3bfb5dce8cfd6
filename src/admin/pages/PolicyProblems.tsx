/**
 * What is wrong with the edited policy, one entry per problem with where it is (line and column, and the setting's
 * path); an entry with a place is a button that moves the editor's cursor there.
 */
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { PolicyProblem } from './policy-wire';

const useStyles = makeStyles({
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
  problem: { textAlign: 'start', height: 'auto', fontWeight: tokens.fontWeightRegular },
});

function problemText(problem: PolicyProblem): string {
  const where = problem.line !== undefined ? `Line ${problem.line}, column ${problem.column ?? 1}: ` : '';
  const path = problem.path ? ` (at ${problem.path})` : '';
  return `${where}${problem.message}${path}`;
}

export function problemsCount(problems: readonly PolicyProblem[]): string {
  return `The edited policy has ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}.`;
}

export function PolicyProblems(props: {
  problems: readonly PolicyProblem[];
  onJump: (line: number, column: number) => void;
}): JSX.Element {
  const styles = useStyles();
  const { problems, onJump } = props;
  return (
    <div>
      <Text block>{problemsCount(problems)} Choose one with a line to move the cursor there.</Text>
      <ul className={styles.list}>
        {problems.map((problem, i) => (
          <li key={i}>
            {problem.line !== undefined ? (
              <Button
                appearance="transparent"
                className={styles.problem}
                onClick={() => onJump(problem.line!, problem.column ?? 1)}
              >
                {problemText(problem)}
              </Button>
            ) : (
              <Text>{problemText(problem)}</Text>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
