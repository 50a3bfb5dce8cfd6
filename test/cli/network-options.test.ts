/**
 * The network variables (SENDGUARD_DNS, SENDGUARD_CA_FILE, SENDGUARD_ALLOW_PRIVATE, SENDGUARD_HELO) are read by the
 * command line without the service's configuration schema, by the same rules (core/network-settings.ts): what it
 * reads must be what the service reads, and a value the service refuses is refused in the service's words.
 */
import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkSettings } from '../../src/cli/network-options';
import type { CliIo } from '../../src/cli/io';
import { parseConfig } from '../../src/server/config';
import { scratchDir } from '../helpers/scratch';

const dir = scratchDir('network-options');
const CA = join(dir, 'ca.pem');
writeFileSync(CA, 'a CA in PEM');

function io(env: Record<string, string>): CliIo {
  return { out: () => undefined, err: () => undefined, readFile: (path) => readFile(path, 'utf8'), env };
}

/** What the service makes of the variables, or its refusal. */
function serviceReading(env: Record<string, string>) {
  try {
    const config = parseConfig({}, env);
    return {
      caFile: config.caFile,
      allowPrivateAddresses: config.allowPrivateAddresses,
      heloName: config.transport.heloName,
    };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** What the command line makes of them: the CA file read, the switch, the EHLO name; or its refusal. */
async function commandReading(env: Record<string, string>) {
  try {
    const settings = await networkSettings({}, io(env));
    return {
      ca: settings.ca?.toString(),
      allowPrivateAddresses: settings.allowPrivateAddresses,
      heloName: settings.heloName,
    };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

const samples: Record<string, string>[] = [
  {},
  { SENDGUARD_DNS: '', SENDGUARD_CA_FILE: '', SENDGUARD_ALLOW_PRIVATE: '', SENDGUARD_HELO: '' },
  { SENDGUARD_DNS: ' 127.0.0.1 , [::1]:5353, ', SENDGUARD_ALLOW_PRIVATE: 'true' },
  { SENDGUARD_DNS: '2001:db8::53', SENDGUARD_ALLOW_PRIVATE: '1', SENDGUARD_HELO: 'probe.example.org' },
  { SENDGUARD_ALLOW_PRIVATE: 'yes', SENDGUARD_CA_FILE: CA },
  { SENDGUARD_DNS: 'not a resolver' },
  { SENDGUARD_DNS: Array.from({ length: 11 }, (_, i) => `192.0.2.${i + 1}`).join(',') },
  { SENDGUARD_DNS: '192.0.2.1:123456' },
  { SENDGUARD_HELO: 'probe example' },
  { SENDGUARD_HELO: `${'a'.repeat(250)}.example` },
  { SENDGUARD_HELO: '-', SENDGUARD_DNS: '192.0.2.1' },
];

test.each(samples)('the command reads %j as the service does, or refuses it in its words', async (env) => {
  const service = serviceReading(env);
  const command = await commandReading(env);
  if ('refused' in service) {
    expect(command).toEqual(service);
    return;
  }
  expect(command).toEqual({
    ca: service.caFile === undefined ? undefined : 'a CA in PEM',
    allowPrivateAddresses: service.allowPrivateAddresses,
    heloName: service.heloName ?? expect.any(String),
  });
});
