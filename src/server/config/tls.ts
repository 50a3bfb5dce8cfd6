/** The key and certificate the server listens with, per `config.tls`: the admin's files, or the development pair. */
import { readFile } from 'node:fs/promises';
import type { Config } from './schema';
import { ensureDevCertificate, type DevCertificateDeps } from './dev-certificate';
import { ConfigError } from './load';

interface TlsMaterial {
  key: string;
  cert: string;
  /** Set for the development certificate: the CA file to trust. */
  devCaFile?: string;
}

async function readSetting(setting: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ setting, message: `${file} cannot be read: ${(error as Error).message}` }]);
  }
}

/** `undefined` when TLS is off (a proxy in front terminates it). */
export async function tlsMaterial(
  config: Config,
  deps?: DevCertificateDeps,
): Promise<TlsMaterial | undefined> {
  const { enabled, certFile, keyFile } = config.tls;
  if (!enabled) return undefined;
  if (certFile && keyFile) {
    const [cert, key] = await Promise.all([
      readSetting('tls.certFile', certFile),
      readSetting('tls.keyFile', keyFile),
    ]);
    return { key, cert };
  }
  const dev = await ensureDevCertificate(config.dataDir, deps);
  return { key: dev.key, cert: dev.cert, devCaFile: dev.caFile };
}
