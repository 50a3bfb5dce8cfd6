/**
 * Validation as the admin types: the service checks the text once typing pauses for POLICY_CHECK_DELAY_MS (one
 * request per pause, not per key), and only the answer for the text now in the editor is shown — an answer for
 * an older text arriving late is dropped.
 */
import { useEffect, useRef, useState } from 'react';
import type { AdminApi } from '../api';
import type { PolicyCheck } from './policy-wire';

export const POLICY_CHECK_DELAY_MS = 500;

export type PolicyCheckState =
  { state: 'checking' } | { state: 'checked'; answer: PolicyCheck } | { state: 'failed'; error: unknown };

export function usePolicyCheck(api: AdminApi, text: string): PolicyCheckState {
  const [check, setCheck] = useState<PolicyCheckState>({ state: 'checking' });
  const asked = useRef(0);
  useEffect(() => {
    const turn = ++asked.current;
    setCheck({ state: 'checking' });
    const timer = setTimeout(() => {
      api.send<PolicyCheck>('POST', '/admin/policy/check', { text }).then(
        (answer) => turn === asked.current && setCheck({ state: 'checked', answer }),
        (error: unknown) => turn === asked.current && setCheck({ state: 'failed', error }),
      );
    }, POLICY_CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, text]);
  return check;
}
