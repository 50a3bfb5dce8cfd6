import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { httpsJson } from '../helpers/https-json';

const BIN = join(__dirname, '..', '..', 'bin', 'sendguard.js');

interface Serving {
  address: string;
  output: () => string;
  /** The development CA the service made in its data directory. */
  ca: string;
  stop: () => Promise<number | null>;
}

/** The built command, started as an admin or `npm start` starts it, until it prints where it listens. */
async function serve(dataDir: string, env: Record<string, string>): Promise<Serving> {
  const child = spawn('node', [BIN, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SENDGUARD_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /listening on (https:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!.replace('127.0.0.1', 'localhost'));
        }
      });
    });
    const ca = await readFile(join(dataDir, 'tls', 'dev-ca.pem'), 'utf8');
    return { address, output: () => output, ca, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

let dataDir: string;
beforeEach(async () => void (dataDir = await mkdtemp(join(tmpdir(), 'sendguard-cli-serve-'))));
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('sendguard serve (the built command)', () => {
  test('as deployed: a token issued with `sendguard token issue` is required for the API', async () => {
    const issued = await promisify(execFile)('node', [BIN, 'token', 'issue', '--name', 'ann'], {
      env: { ...process.env, SENDGUARD_DATA_DIR: dataDir },
    });
    const token = issued.stdout.trim();
    const service = await serve(dataDir, {});
    try {
      expect(service.output()).not.toContain('AUTHENTICATION IS OFF');
      const policy = `${service.address}/api/v1/policy`;
      expect((await httpsJson(policy, { ca: service.ca })).status).toBe(401);
      const answered = await httpsJson(policy, {
        ca: service.ca,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answered.status).toBe(200);
      expect(answered.body.policy.classifications.length).toBeGreaterThan(0);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 40_000);

  test('as npm start runs it: development mode says so, answers, and stops cleanly on SIGTERM', async () => {
    const service = await serve(dataDir, { SENDGUARD_DEV_NO_AUTH: '1' });
    try {
      expect(service.output()).toContain('AUTHENTICATION IS OFF (development mode)');
      const health = await httpsJson(`${service.address}/healthz`, { ca: service.ca });
      expect(health.body).toEqual({ status: 'ok' });
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 40_000);
});
