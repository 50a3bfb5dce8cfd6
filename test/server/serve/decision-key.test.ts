/**
 * The service refuses to start, before it serves anything, when its data directory's pseudonym key is not the one
 * its database knows: lost (a new node with an empty data directory) or another one. Its key verdicts are named
 * under that key, so a node with another would keep a `valid` verdict after a pin change made through another node.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISION_KEY_FILE } from '../../../src/server/decisions/key';
import { createServer } from '../../../src/server/serve';
import { bedServerConfig } from '../../helpers/bed-services';
import { scratchDir } from '../../helpers/scratch';
import { testbed } from '../../helpers/testbed';

test('a data directory whose key file is gone or differs from the database’s: the service does not start', async () => {
  const dataDir = scratchDir('serve-decision-key');
  const config = bedServerConfig(testbed(), dataDir, { tls: { enabled: false } });
  const first = await createServer(config);
  await first.close();
  const file = join(dataDir, DECISION_KEY_FILE);

  rmSync(file);
  await expect(createServer(config)).rejects.toMatchObject({
    code: 'DECISION_KEY_MISSING',
    message: expect.stringContaining(`copy ${DECISION_KEY_FILE} from the data directory of a node`),
  });
  writeFileSync(file, randomBytes(32), { mode: 0o600 });
  await expect(createServer(config)).rejects.toMatchObject({ code: 'DECISION_KEY_MISMATCH' });
}, 60_000);
