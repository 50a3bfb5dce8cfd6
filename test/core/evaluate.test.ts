/**
 * The one evaluation (detect → classify → plan) and its rule for a body longer than the detectors read.
 */
import { parseRecipients } from '../../src/core/addresses';
import { evaluateMessage, unscannedFloor } from '../../src/core/evaluate';
import { validatePolicy } from '../../src/core/policy/parse';
import type { Policy } from '../../src/core/policy/schema';
import type { Assessments } from '../../src/core/wire';
import { defaultPolicy } from '../helpers/policy';

const SSN = 'Her SSN is 234-56-7890.';
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const recipients = parseRecipients({ to: ['ann@tls.example'] });
const assessments: Assessments = {
  domains: [{ domain: 'tls.example', verdict: 'authenticated', reasons: [] }],
  keys: [{ address: 'ann@tls.example', verdict: 'none', reasons: [] }],
};

/** The shipped policy with one classification above anything a detector raises to. */
function policyWithSecret(): Policy {
  const shipped = defaultPolicy();
  return validatePolicy({
    ...shipped,
    classifications: [
      ...shipped.classifications,
      { name: 'secret', label: 'Secret', requirement: 'end-to-end', prefer: ['pgp'] },
    ],
  });
}

const evaluate = (text: string, more: { chosen?: string; maxChars?: number; policy?: Policy } = {}) =>
  evaluateMessage({
    text,
    recipients,
    assessments,
    policy: more.policy ?? defaultPolicy(),
    ...(more.chosen !== undefined ? { chosen: more.chosen } : {}),
    ...(more.maxChars !== undefined ? { scan: { maxChars: more.maxChars } } : {}),
  });

describe('evaluateMessage', () => {
  test('a body read whole is classified by what the detectors found, and planned for it', () => {
    const result = evaluate(`Hello.\n${IBAN}`);
    expect(result.truncated).toBe(false);
    expect(result.findings.map((f) => f.detector)).toEqual(['iban']);
    expect(result.classification).toEqual({
      classification: 'confidential',
      decidedBy: [{ kind: 'detector', detector: 'iban' }],
    });
    expect(result.plan).toMatchObject({ classification: 'confidential', action: 'tag' });
  });

  test('a clean body stays at the default, and the plan is to send as usual', () => {
    const result = evaluate('Lunch at noon?');
    expect(result.classification.decidedBy).toEqual([{ kind: 'default' }]);
    expect(result.plan.action).toBe('send');
  });

  test('a body longer than the scan limit is raised to the highest class any detector gives, whatever it hides', () => {
    // The SSN sits past the limit: nothing is found, yet the message is treated as if it had been.
    const result = evaluate(`${'Lunch at noon? '.repeat(10)}${SSN}`, { maxChars: 100 });
    expect(result.truncated).toBe(true);
    expect(result.findings).toEqual([]);
    expect(result.classification).toEqual({ classification: 'restricted', decidedBy: [] });
    expect(result.plan.classification).toBe('restricted');
    expect(result.plan.action).not.toBe('send');
    expect(result.plan.action).not.toBe('tag');
  });

  test('the unread tail never lowers a higher choice, and what decided it is kept', () => {
    const policy = policyWithSecret();
    const result = evaluate('x'.repeat(200), { maxChars: 100, chosen: 'secret', policy });
    expect(result.classification).toEqual({ classification: 'secret', decidedBy: [{ kind: 'sender' }] });
  });

  test('the unread tail raises no higher than the detectors could: a class only a sender sets is not reached', () => {
    const result = evaluate('x'.repeat(200), { maxChars: 100, policy: policyWithSecret() });
    expect(result.classification.classification).toBe('restricted');
  });

  test('a body exactly at the limit is read whole', () => {
    const text = `${SSN}${' '.repeat(100 - SSN.length)}`;
    const result = evaluate(text, { maxChars: 100 });
    expect(result.truncated).toBe(false);
    expect(result.classification.decidedBy).toEqual([{ kind: 'detector', detector: 'ssn' }]);
  });
});

describe('unscannedFloor', () => {
  test('is the highest class the policy’s detectors map to', () => {
    expect(unscannedFloor(defaultPolicy())).toBe('restricted');
    expect(unscannedFloor(defaultPolicy({ detectors: { iban: 'confidential', ssn: 'normal' } }))).toBe(
      'confidential',
    );
  });

  test('without detectors it is the lowest class, so it raises nothing', () => {
    expect(unscannedFloor(defaultPolicy({ detectors: {} }))).toBe('normal');
    const result = evaluateMessage({
      text: 'x'.repeat(200),
      recipients,
      assessments,
      policy: defaultPolicy({ detectors: {} }),
      scan: { maxChars: 100 },
    });
    expect(result.classification).toEqual({ classification: 'normal', decidedBy: [{ kind: 'default' }] });
  });
});
