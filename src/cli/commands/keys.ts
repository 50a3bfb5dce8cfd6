/** `sendguard keys`: can each address receive OpenPGP, with which key, from where, and why (not). */
import { parseArgs } from 'node:util';
import { parseAddress } from '../../core/addresses';
import { formatFingerprint } from '../../core/fingerprint';
import { VKS_DEFAULT_BASE_URL } from '../../core/key-server';
import type { KeyAssessment } from '../../core/wire';
import { addressResolver } from '../../server/dns';
import { DirectoryKeyring, lookupKey, MemoryPinStore } from '../../server/keys';
import { lookUpEach } from '../each-argument';
import { KEYS_HELP } from '../help';
import { UsageError, type CliIo } from '../io';
import { NETWORK_OPTIONS, networkSettings, timeoutOf } from '../network-options';
import { loadPolicy } from '../policy-file';

export function formatKey(assessment: KeyAssessment, armor: boolean): string {
  const lines = [
    `${assessment.address}  ${assessment.verdict.toUpperCase()}${assessment.source ? `  from ${assessment.source}` : ''}`,
  ];
  if (assessment.fingerprint) lines.push(`  fingerprint ${formatFingerprint(assessment.fingerprint)}`);
  if (assessment.pinnedFingerprint) lines.push(`  pinned before ${assessment.pinnedFingerprint}`);
  if (assessment.algorithm) lines.push(`  algorithm ${assessment.algorithm}`);
  if (assessment.expires !== undefined) lines.push(`  expires ${assessment.expires ?? 'never'}`);
  lines.push(...assessment.reasons.map((reason) => `  ${reason}`));
  if (armor && assessment.armoredKey) lines.push(assessment.armoredKey.trimEnd());
  return lines.join('\n');
}

export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...NETWORK_OPTIONS,
      json: { type: 'boolean', default: false },
      armor: { type: 'boolean', default: false },
      'vks-url': { type: 'string' },
      'no-vks': { type: 'boolean', default: false },
      keyring: { type: 'string' },
      policy: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError(`give at least one address\n\n${KEYS_HELP}`);
  const overallMs = timeoutOf(values.timeout, 12_000);
  const { policy } = await loadPolicy(io, values.policy);
  const network = await networkSettings(values, io);
  const deps = {
    network: {
      resolveAddresses: addressResolver(network.dns),
      allowPrivateAddresses: network.allowPrivateAddresses,
      ...(network.ca ? { ca: network.ca } : {}),
    },
    dns: network.dns,
    // A one-off command has no history: pins live in the backend's store.
    pins: new MemoryPinStore(),
    ...(values.keyring ? { orgKeyring: new DirectoryKeyring(values.keyring) } : {}),
  };
  const options = {
    minRsaBits: policy.keys.minRsaBits,
    allowLegacyAlgorithms: policy.keys.allowLegacyAlgorithms,
    vksBaseUrl: values['no-vks'] ? null : (values['vks-url'] ?? VKS_DEFAULT_BASE_URL),
    timeouts: { overallMs },
  };
  const { answers: assessments, exitCode } = await lookUpEach(
    'keys',
    positionals,
    (argument) => lookupKey(parseAddress(argument).address, deps, options),
    io,
  );
  const printable = values.armor ? assessments : assessments.map(({ armoredKey: _key, ...rest }) => rest);
  io.out(
    values.json
      ? `${JSON.stringify(printable, null, 2)}\n`
      : `${assessments.map((a) => formatKey(a, values.armor)).join('\n\n')}\n`,
  );
  return exitCode;
}
