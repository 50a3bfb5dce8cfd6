/** Assess answers as the service gives them, for the add-ins' tests. */
import type { TransportVerdict } from '../../src/core/vocabulary';
import type { AssessAnswer } from '../../src/core/wire';

/** `address` assessed with the given transport verdict and reasons, and no key. */
export function assessedRecipient(
  address: string,
  verdict: TransportVerdict,
  reasons: string[] = [],
): AssessAnswer['recipients'][number] {
  const domain = address.slice(address.indexOf('@') + 1);
  return {
    input: address,
    address,
    domain,
    internal: false,
    transport: { domain, verdict, reasons },
    key: { address, verdict: 'none', reasons: [] },
  };
}
