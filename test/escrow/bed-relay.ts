/** The test bed's Postfix as the service's mail relay: STARTTLS, trusted through the bed's CA under its name. */
import { readFileSync } from 'node:fs';
import type { Testbed } from '../helpers/testbed';

export function bedRelay(bed: Testbed) {
  return {
    host: bed.smtp.good!.split(':')[0]!,
    port: 25,
    secure: false,
    from: 'sendguard@sendguard.test',
    ca: readFileSync(bed.caFile, 'utf8'),
    servername: 'mx.sendguard.test',
    allowPlaintextRelay: false,
  };
}
