/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * "Signed in as …": who the service takes the sender to be, once the recipients could be checked (so once there
 * is a token it accepted). Says nothing when the service names nobody or cannot say: the check's own failures
 * are shown where they belong.
 */
import { Caption1 } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { Identity } from '../backend';
import { recordFailure } from '../failure-log';

export interface SignedInAsProps {
  whoAmI: () => Promise<Identity>;
  /** True once the service answered the check: asked then, and again after it failed and answered anew. */
  answered: boolean;
}

/** "Sam Sender (sam@example.gov)", or whichever of the two the service gives. */
export function identityText({ name, address }: Identity): string | undefined {
  if (name && address) return `${name} (${address})`;
  return name ?? address;
}

export function SignedInAs({ whoAmI, answered }: SignedInAsProps) {
  const [who, setWho] = useState<string>();
  useEffect(() => {
    if (!answered) return undefined;
    let current = true;
    whoAmI().then(
      (identity) => current && setWho(identityText(identity)),
      (error: unknown) => recordFailure('asking who is signed in', error),
    );
    return () => {
      current = false;
    };
  }, [whoAmI, answered]);
  return who ? <Caption1>Signed in as {who}</Caption1> : null;
}
