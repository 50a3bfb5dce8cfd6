/**
 * The policy's cross-checks, the ones no single field can make: each name defined once, every name referred to
 * defined, preferences that can hold, each domain rule once. Zod-free so that the schema (`schema.ts`, which adds
 * them as issues) and the add-ins' reader (`evaluate/policy-answer.ts`, which fails on the first) share them.
 */
import type { Policy } from './schema';

export interface PolicyProblem {
  path: (string | number)[];
  message: string;
}

/** The indexes at which a value appears again after its first time; linear, for up to 10,000 domain rules. */
function repeatedAt(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, i) => {
    const again = seen.has(value);
    seen.add(value);
    return again ? [i] : [];
  });
}

function preferenceProblems(policy: Policy): PolicyProblem[] {
  return policy.classifications.flatMap((c, i) => {
    const repeated = new Set(repeatedAt(c.prefer));
    return c.prefer.flatMap((p, j) => {
      const path = ['classifications', i, 'prefer', j];
      const messages = [
        ...(repeated.has(j) ? [`"${p}" is listed twice`] : []),
        ...(p === 'tls' && c.requirement === 'end-to-end'
          ? ['forced TLS protects each hop only and can never meet end-to-end']
          : []),
        ...(p === 'escrow' && !policy.escrow.enabled
          ? ['secure pickup is preferred here but escrow.enabled is false']
          : []),
      ];
      return messages.map((message) => ({ path, message }));
    });
  });
}

function referenceProblems(policy: Policy, names: readonly string[]): PolicyProblem[] {
  const known = new Set(names);
  const referred: [string, (string | number)[]][] = [
    [policy.defaultClassification, ['defaultClassification']],
    ...Object.entries(policy.detectors).map(([detector, name]): [string, string[]] => [
      name,
      ['detectors', detector],
    ]),
    ...Object.entries(policy.labels).map(([label, name]): [string, string[]] => [name, ['labels', label]]),
    ...(policy.threads.encryptedClassification !== undefined
      ? [
          [policy.threads.encryptedClassification, ['threads', 'encryptedClassification']] as [
            string,
            string[],
          ],
        ]
      : []),
  ];
  return referred
    .filter(([name]) => !known.has(name))
    .map(([name, path]) => ({
      path,
      message: `"${name}" is not one of the classifications (${names.join(', ')})`,
    }));
}

/** Secure pickup's proofs: each list names a defined classification, and no proof or verdict twice. */
function escrowProblems(policy: Policy, names: readonly string[]): PolicyProblem[] {
  const known = new Set(names);
  const { proofs, codeTransport } = policy.escrow;
  const twice = (values: readonly string[], path: (string | number)[]) =>
    repeatedAt(values).map((i) => ({ path: [...path, i], message: `"${values[i]}" is listed twice` }));
  return [
    ...Object.keys(proofs).flatMap((name) => [
      ...(known.has(name)
        ? []
        : [
            {
              path: ['escrow', 'proofs', name],
              message: `"${name}" is not one of the classifications (${names.join(', ')})`,
            },
          ]),
      ...twice(proofs[name]!, ['escrow', 'proofs', name]),
    ]),
    ...twice(codeTransport, ['escrow', 'codeTransport']),
  ];
}

/** A problem's place in the document, as `classifications[0].prefer[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(document)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** Every cross-check the policy fails, in document order; empty when it holds. */
export function policyProblems(policy: Policy): PolicyProblem[] {
  const names = policy.classifications.map((c) => c.name);
  const domains = policy.domains.map((override) => override.domain);
  return [
    ...repeatedAt(names).map((i) => ({
      path: ['classifications', i, 'name'],
      message: `"${names[i]}" is defined twice`,
    })),
    ...preferenceProblems(policy),
    ...referenceProblems(policy, names),
    ...escrowProblems(policy, names),
    ...repeatedAt(domains).map((i) => ({
      path: ['domains', i, 'domain'],
      message: `"${domains[i]}" is listed twice`,
    })),
  ];
}
