/** `sendguard keys`: can each address receive OpenPGP, with which key, from where, and why (not). */
import { parseArgs } from 'node:util';
import { parseAddress } from '../../core/addresses';
import { formatFingerprint } from '../../core/fingerprint';
import type { KeyAssessment } from '../../core/wire';
import { addressResolver } from '../../server/dns';
import { DirectoryKeyring, lookupKey, MemoryPinStore, VKS_DEFAULT_BASE_URL } from '../../server/keys';
import { lookUpEach } from '../each-argument';
import { UsageError, type CliIo } from '../io';
import { NETWORK_HELP, NETWORK_OPTIONS, networkSettings, timeoutOf } from '../network-options';
import { loadPolicy } from '../policy-file';

export const KEYS_HELP = `Usage: sendguard keys <address>... [--json] [--armor] [--dns HOST[:PORT]] [--ca-file FILE]
                     [--allow-private] [--vks-url URL | --no-vks] [--keyring DIR] [--policy FILE] [--timeout MS]

Whether each address can receive OpenPGP: the key found (organisation keyring, web key directory, DNSSEC-signed
DNS, key server), whether it is usable under the policy, and why not when it is not.
  --json             one JSON array, one object per address
  --armor            also print each usable key, ASCII-armored
${NETWORK_HELP}
  --vks-url URL      the key server to ask last (default ${VKS_DEFAULT_BASE_URL}); --no-vks asks none
  --keyring DIR      the organisation's keyring: a directory of armored keys
  --policy FILE      the policy whose key rules apply (RSA size, legacy algorithms)
  --timeout MS       the deadline of each address's whole lookup (default 12000)
Exit status: 0 when every address was looked up, 1 when any lookup failed (unknown) or an address is invalid,
2 for a usage error.`;

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
