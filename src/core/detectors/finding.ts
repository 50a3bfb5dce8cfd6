import type { DetectorId } from '../policy/schema';
import type { Tokens } from './tokens';

export interface Finding {
  detector: DetectorId;
  /** What was found, in words a sender understands: "US Social Security number". */
  label: string;
  /** The hit without echoing the number: e.g. "***-**-6789", "card ending 4242", "IBAN DE** … 3000". Never the full value. */
  masked: string;
  /** Where: offsets into the text, plus 1-based line number. */
  start: number;
  end: number;
  line: number;
}

/** What a single detector reports; `detect` adds the line number once, for all detectors together. */
export type Hit = Omit<Finding, 'line'>;

/** What every detector is given: the text, the clock, and the text's numbers, tokenised once for all of them. */
export interface DetectorInput extends Tokens {
  text: string;
  now: Date;
}
