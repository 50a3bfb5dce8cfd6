import type { DetectorInput, Hit } from '../../../src/core/detectors/finding';
import { prepareInput } from '../../../src/core/detectors/tokens';

/** A fixed "today", so that date-of-birth plausibility does not drift with the clock. */
export const NOW = new Date('2025-06-01T00:00:00Z');

type Detector = (input: DetectorInput) => Hit[];

export function hits(detector: Detector, text: string, now = NOW): Hit[] {
  return detector(prepareInput(text, now));
}

/** The text of each hit, which is what most assertions are about. */
export function spans(detector: Detector, text: string, now = NOW): string[] {
  return hits(detector, text, now).map((hit) => text.slice(hit.start, hit.end));
}
