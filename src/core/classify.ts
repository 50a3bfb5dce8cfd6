/**
 * A message's classification (docs/policy.md, "How a message's plan follows from the policy"): the sender's choice
 * (or the policy's default), raised — never lowered — by what the content detectors found and by the host's
 * sensitivity label, and by the floor of the thread the message replies to or forwards.
 */
import { classificationOf, higherClassification } from './policy/match';
import type { DetectorId, Policy } from './policy/schema';

export interface ClassificationInput {
  /** The sender's choice, if they made one. */
  chosen?: string;
  /** What the detectors found (only the detector matters here). */
  findings?: ReadonlyArray<{ detector: DetectorId }>;
  /** The host's sensitivity label, by id or name. */
  label?: string;
  /** The classification the thread the message belongs to set, and why (said to the sender). */
  floor?: ClassificationFloor;
}

/** A classification a message starts at at least, with the sentence that tells the sender why. */
export interface ClassificationFloor {
  classification: string;
  because: string;
}

export type ClassificationSource =
  | { kind: 'default' }
  | { kind: 'sender' }
  | { kind: 'detector'; detector: DetectorId }
  | { kind: 'label'; label: string }
  | { kind: 'thread'; because: string };

export interface ClassificationResult {
  classification: string;
  /** What set the final classification; several when they agree. */
  decidedBy: ClassificationSource[];
}

export function classifyMessage(input: ClassificationInput, policy: Policy): ClassificationResult {
  const proposals: Array<{ name: string; source: ClassificationSource }> = [
    input.chosen !== undefined
      ? { name: classificationOf(input.chosen, policy).name, source: { kind: 'sender' } }
      : { name: policy.defaultClassification, source: { kind: 'default' } },
  ];
  for (const detector of new Set((input.findings ?? []).map((f) => f.detector))) {
    const name = policy.detectors[detector];
    if (name) proposals.push({ name, source: { kind: 'detector', detector } });
  }
  const labelled = input.label !== undefined ? policy.labels[input.label] : undefined;
  if (labelled && input.label !== undefined)
    proposals.push({ name: labelled, source: { kind: 'label', label: input.label } });
  if (input.floor)
    proposals.push({
      name: classificationOf(input.floor.classification, policy).name,
      source: { kind: 'thread', because: input.floor.because },
    });
  const classification = proposals.reduce(
    (best, p) => higherClassification(best, p.name, policy),
    proposals[0]!.name,
  );
  return {
    classification,
    decidedBy: proposals.filter((p) => p.name === classification).map((p) => p.source),
  };
}
