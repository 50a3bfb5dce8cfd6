import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpsJson } from '../helpers/https-json';

const BIN = join(__dirname, '..', '..', 'bin', 'sendguard.js');

describe('sendguard serve (the built command, as npm start runs it)', () => {
  test('listens with a development certificate, answers, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sendguard-cli-serve-'));
    const child = spawn('node', [BIN, 'serve'], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        SENDGUARD_DATA_DIR: dataDir,
        SENDGUARD_DEV_NO_AUTH: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /listening on (https:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(output).toContain('AUTHENTICATION IS OFF (development mode)');
    const ca = await readFile(join(dataDir, 'tls', 'dev-ca.pem'), 'utf8');
    const health = await httpsJson(`${address.replace('127.0.0.1', 'localhost')}/healthz`, { ca });
    expect(health.body).toEqual({ status: 'ok' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);
});
