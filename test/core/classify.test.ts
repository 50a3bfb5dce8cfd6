import { classifyMessage } from '../../src/core/classify';
import { defaultPolicy } from '../helpers/policy';

describe('classification', () => {
  const policy = defaultPolicy();

  test('without a choice, the policy default', () => {
    expect(classifyMessage({}, policy)).toEqual({
      classification: 'normal',
      decidedBy: [{ kind: 'default' }],
    });
  });

  test('a detector raises the sender’s choice and is named as the cause', () => {
    const result = classifyMessage(
      { chosen: 'normal', findings: [{ detector: 'ssn' }, { detector: 'iban' }] },
      policy,
    );
    expect(result).toEqual({
      classification: 'restricted',
      decidedBy: [{ kind: 'detector', detector: 'ssn' }],
    });
  });

  test('detectors and labels never lower what the sender chose', () => {
    const result = classifyMessage(
      { chosen: 'restricted', findings: [{ detector: 'iban' }], label: 'Confidential' },
      policy,
    );
    expect(result.classification).toBe('restricted');
    expect(result.decidedBy).toEqual([{ kind: 'sender' }]);
  });

  test('a sensitivity label maps to its classification; an unmapped label is ignored', () => {
    expect(classifyMessage({ label: 'Highly Confidential' }, policy).classification).toBe('restricted');
    expect(classifyMessage({ label: 'Public' }, policy).classification).toBe('normal');
  });

  test('every cause that reached the final classification is listed once', () => {
    const result = classifyMessage(
      { findings: [{ detector: 'iban' }, { detector: 'iban' }], label: 'Confidential' },
      policy,
    );
    expect(result.decidedBy).toEqual([
      { kind: 'detector', detector: 'iban' },
      { kind: 'label', label: 'Confidential' },
    ]);
  });

  test('an unknown chosen classification is refused', () => {
    expect(() => classifyMessage({ chosen: 'secret' }, policy)).toThrow(/not a classification/);
  });
});
