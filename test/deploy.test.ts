/**
 * The deployment files (deploy/) and docs/deploy.md stay true to the code: the systemd unit's command is the real
 * CLI and starts a node with the example configuration on a real PostgreSQL, every environment variable they name
 * is one the configuration loader reads, every setting they name exists, HAProxy accepts its configuration and
 * checks the health route the service serves, and the image, which leaves the development packages out, needs
 * none of them.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { loadConfig, parseConfig } from '../src/server/config';
import { ConfigSchema } from '../src/server/config/schema';
import { DECISION_KEY_FILE } from '../src/server/decisions/key';
import { runCli } from './helpers/cli';
import { ask } from './helpers/haproxy';
import { freePort } from './helpers/postgres-cluster';
import { buildService, startServe } from './outlook/sendguard-serve';
import { startPostgres } from './helpers/postgres';
import { scratchDir, stopAtFileEnd } from './helpers/scratch';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const DEPLOY_FILES = readdirSync(join(ROOT, 'deploy')).map((name) => `deploy/${name}`);
const DOCUMENTS = [...DEPLOY_FILES, 'docs/deploy.md'];
const exampleConfig = () => parseYaml(read('deploy/sendguard.yaml')) as Record<string, unknown>;
const exampleKeyFile = () => (exampleConfig().escrow as { serverKeyFile: string }).serverKeyFile;
/** Whether `path` lies inside the folder `dir`. */
const inside = (path: string, dir: string) => !relative(dir, path).startsWith('..');

/** `Key=value` lines of a systemd unit, by key (a key may repeat). */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  return settings;
}

/**
 * Every environment variable a text names: `SENDGUARD_*` anywhere, `NAME=value` as a shell or an environment
 * file writes it, systemd's `Environment=NAME=value` and the names of a Containerfile's ENV instructions.
 */
function variablesNamed(text: string): Set<string> {
  const names = new Set<string>();
  for (const [name] of text.matchAll(/\bSENDGUARD_[A-Z0-9_]+/g)) names.add(name);
  for (const [, name] of text.matchAll(/(?:^|[\s`'"(=])([A-Z][A-Z0-9_]*)=/gm)) names.add(name!);
  const env = /^ENV\s+((?:.*\\\n)*.*)$/gm;
  for (const [, body] of text.matchAll(env))
    for (const [, name] of body!.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)) names.add(name!);
  return names;
}

/** Whether loading the configuration with `name` set comes out differently than without it. */
function loaderReads(name: string): boolean {
  const cwd = scratchDir('deploy-env');
  const outcome = (env: Record<string, string>) => {
    try {
      return JSON.stringify(loadConfig({ env, cwd }));
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  };
  const without = outcome({});
  // A flag changes with `off` or `1`, a number or an address is refused as `x`: one of them shows a variable read.
  return ['1', 'off', 'x'].some((value) => outcome({ [name]: value }) !== without);
}

/** The schema of a dotted setting (`database.poolSize`), or undefined when there is no such setting. */
function settingSchema(path: string): unknown {
  let schema: unknown = ConfigSchema;
  for (const key of path.split('.')) {
    // Through `.default()`, `.prefault()`, `.optional()` and `.nullable()` to the object that holds the key.
    let object = schema as { shape?: Record<string, unknown>; def?: { innerType?: unknown } };
    while (!object.shape && object.def?.innerType) object = object.def.innerType as typeof object;
    schema = object.shape?.[key];
    if (schema === undefined) return undefined;
  }
  return schema;
}

/** Dotted setting names written as code (`database.url`, `tls.enabled: false`) whose first part is a setting. */
function settingsNamed(text: string): Set<string> {
  const topLevel = Object.keys(ConfigSchema.shape);
  const names = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`\n]+)`/g)) {
    const name = code!.split(':')[0]!.trim();
    if (/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$/.test(name) && topLevel.includes(name.split('.')[0]!))
      names.add(name);
  }
  return names;
}

/**
 * The options docs/deploy.md gives `program` (its first command line that runs it with options), with the file
 * it writes replaced: `--file=…` becomes `file`.
 */
function documentedOptions(program: string, file?: string): string[] {
  const lines = read('docs/deploy.md')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  const line = lines.find((text) => new RegExp(`\\b${program} --`).test(text));
  if (line === undefined) throw new Error(`docs/deploy.md runs no ${program} with options`);
  return [...line.matchAll(/(?:^|\s)(--[a-z-]+(?:=\S+)?)/g)].map(([, option]) =>
    option!.startsWith('--file=') && file !== undefined ? `--file=${file}` : option!,
  );
}

describe('deploy/sendguard.service', () => {
  const unit = unitSettings(read('deploy/sendguard.service'));

  test('systemd accepts the unit', async () => {
    await expect(
      promisify(execFile)('systemd-analyze', ['verify', join(ROOT, 'deploy', 'sendguard.service')]),
    ).resolves.toBeDefined();
  });

  test("ExecStart runs the package's sendguard command, serve, from the release tree", () => {
    const [node, entry, command, ...options] = unit.get('ExecStart')![0]!.split(/\s+/);
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin.sendguard!;
    expect(node).toBe('/usr/bin/node');
    expect(entry).toBe(join(unit.get('WorkingDirectory')![0]!, bin));
    expect(command).toBe('serve');
    expect(options).toEqual(['--config', '/etc/sendguard/sendguard.yaml']);
  });

  test("the example configuration's key file lies in a state directory of its own, apart from the data", () => {
    const stateDirs = unit
      .get('StateDirectory')![0]!
      .split(/\s+/)
      .map((name) => `/var/lib/${name}`);
    const { dataDir } = exampleConfig() as { dataDir: string };
    expect(stateDirs).toContain(dataDir);
    const keyDir = dirname(exampleKeyFile());
    expect(stateDirs).toContain(keyDir);
    expect(inside(keyDir, dataDir)).toBe(false);
    expect(inside(dataDir, keyDir)).toBe(false);
    expect(read('docs/deploy.md')).toContain(`install -d -m 0700 -o sendguard -g sendguard ${keyDir}`);
  });

  test('Documentation= names a file of the release tree that docs/deploy.md installs', () => {
    const documentation = unit.get('Documentation')![0]!.replace(/^file:\/\//, '');
    const inTree = relative(unit.get('WorkingDirectory')![0]!, documentation);
    expect(inTree.startsWith('..')).toBe(false);
    expect(existsSync(join(ROOT, inTree))).toBe(true);
    const archived = /^tar -czf \S+ (.+)$/m.exec(read('docs/deploy.md'))![1]!.split(' ');
    expect(archived).toContain(inTree.split('/')[0]);
  });

  test('its command starts a node with the example configuration on PostgreSQL, which answers the balancer', async () => {
    // The command is the one ExecStart runs (the test above), started from this checkout's build.
    const postgres = await startPostgres();
    buildService();
    const example = exampleConfig();
    // Only what names this machine changes: the database, the address, the folders, the policy and the resolver.
    const serve = await startServe((dataDir) => ({
      ...example,
      listen: { host: '127.0.0.1', port: 0 },
      dataDir,
      database: { ...(example.database as object), url: postgres.url },
      policyFile: join(ROOT, 'config', 'policy.yaml'),
      dns: { servers: ['127.0.0.1'] },
      escrow: { ...(example.escrow as object), serverKeyFile: join(dataDir, 'escrow-server.key') },
      logLevel: 'warn',
    }));
    stopAtFileEnd(serve.stop);
    expect(serve.output()).toContain('public URL https://sendguard.example.org');

    const check = /http-check send meth GET uri (\S+)/.exec(read('deploy/haproxy.cfg'))![1]!;
    const health = await fetch(`${serve.base}${check}`);
    expect(health.status).toBe(200);

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ version: number }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    await client.end();
    expect(rows[0]!.version).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

describe('deploy/sendguard.yaml', () => {
  test('parses with the real configuration schema: several nodes on PostgreSQL behind TLS termination', () => {
    const config = parseConfig(exampleConfig(), {}, ROOT);
    expect(config.database.url).toMatch(/^postgres:\/\//);
    expect(config.tls.enabled).toBe(false);
    expect(config.trustProxy).not.toBe(false);
    expect(config.publicUrl).toMatch(/^https:\/\//);
  });

  test("HAProxy's nodes are on the port the nodes listen on", () => {
    const ports = [...read('deploy/haproxy.cfg').matchAll(/^\s*server \S+ \S+:(\d+)/gm)].map(([, p]) =>
      Number(p),
    );
    expect(ports.length).toBeGreaterThan(1);
    for (const port of ports) expect(port).toBe((exampleConfig().listen as { port: number }).port);
  });
});

describe('deploy/haproxy.cfg', () => {
  test('HAProxy accepts it (with a certificate of this test in place of the real one)', async () => {
    const dir = scratchDir('deploy-haproxy');
    const run = promisify(execFile);
    const pem = join(dir, 'sendguard.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=sendguard.example.org',
      '-keyout',
      pem,
      '-out',
      join(dir, 'cert.pem'),
    ]);
    writeFileSync(pem, readFileSync(join(dir, 'cert.pem'), 'utf8') + readFileSync(pem, 'utf8'));
    const cfg = read('deploy/haproxy.cfg');
    expect(cfg).toContain('crt /etc/haproxy/certs/sendguard.pem');
    writeFileSync(join(dir, 'haproxy.cfg'), cfg.replace('/etc/haproxy/certs/sendguard.pem', pem));
    const { stdout } = await run('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')]);
    expect(stdout).toContain('Configuration file is valid');
  });

  test('its admin socket drains a node and makes it ready again with the commands docs/deploy.md gives', async () => {
    const cfg = read('deploy/haproxy.cfg');
    const socketPath = /^\s*stats socket (\S+) .*level admin$/m.exec(cfg)![1]!;
    const documented = [...read('docs/deploy.md').matchAll(/^\s*echo "([^"]+)" \| sudo socat stdio (\S+)/gm)];
    expect(documented.map(([, , path]) => path)).toEqual([socketPath, socketPath, socketPath]);
    const [drain, show, ready] = documented.map(([, command]) => command!);

    // The file as this machine can run it: in the foreground, a loopback port without TLS, the socket in a scratch
    // folder, and the nodes on loopback ports where nothing listens (their state does not matter to draining).
    const dir = scratchDir('deploy-haproxy-admin');
    const socket = join(dir, 'admin.sock');
    const port = await freePort('127.0.0.1');
    const local = cfg
      .replace(socketPath, socket)
      .replace(/^\s*bind :443 .*$/m, `    bind 127.0.0.1:${port}`)
      .replace(/^\s*(bind :80|daemon|user haproxy|group haproxy|log \/dev\/log .*)$/gm, '')
      .replace(/^(\s*server \S+) \S+$/gm, `$1 127.0.0.1:${port + 1}`);
    writeFileSync(join(dir, 'haproxy.cfg'), local);
    const haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
    const exited = new Promise((resolve) => haproxy.once('exit', resolve));
    stopAtFileEnd(async () => {
      haproxy.kill('SIGTERM');
      await exited;
    });
    for (let tries = 0; !existsSync(socket); tries++) {
      if (tries > 100) throw new Error('haproxy did not open its admin socket');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    /** node1's administrative state: HAProxy's flags, of which 0x08 is "drained by the admin". */
    const node1Drained = async () => {
      const lines = (await ask(socket, 'show servers state sendguard_nodes')).split('\n');
      const columns = lines
        .find((line) => line.startsWith('# '))!
        .slice(2)
        .split(' ');
      const node1 = lines
        .map((line) => line.split(' '))
        .find((row) => row[columns.indexOf('srv_name')] === 'node1')!;
      return (Number(node1[columns.indexOf('srv_admin_state')]) & 0x08) !== 0;
    };
    expect(await node1Drained()).toBe(false);
    expect((await ask(socket, drain!)).trim()).toBe('');
    expect(await node1Drained()).toBe(true);
    expect(await ask(socket, show!)).toContain('sendguard_nodes/node1 ');
    expect((await ask(socket, ready!)).trim()).toBe('');
    expect(await node1Drained()).toBe(false);
  });
});

describe('deploy/Containerfile', () => {
  const containerfile = read('deploy/Containerfile');

  test('its service user has a fixed uid and gid, to which docs/deploy.md gives the mounted files', () => {
    const uid = /useradd [^\n]*--uid (\d+)/.exec(containerfile)![1]!;
    const gid = /groupadd [^\n]*--gid (\d+)/.exec(containerfile)![1]!;
    expect(uid).toBe(gid);
    expect(read('docs/deploy.md')).toContain(`chgrp ${gid} /etc/sendguard/sendguard.yaml`);
  });

  test("the key file it names is the example configuration's, in a volume apart from the data's", () => {
    const variable = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(containerfile)![1]!;
    const volumes = JSON.parse(/^VOLUME (.+)$/m.exec(containerfile)![1]!) as string[];
    const keyFile = variable('SENDGUARD_ESCROW_SERVER_KEY_FILE');
    expect(keyFile).toBe(exampleKeyFile());
    expect(volumes).toEqual(expect.arrayContaining([variable('SENDGUARD_DATA_DIR'), dirname(keyFile)]));
    expect(dirname(keyFile)).not.toBe(variable('SENDGUARD_DATA_DIR'));
  });
});

describe('deploy/ and docs/deploy.md', () => {
  test('every environment variable they name is one the configuration loader reads', () => {
    expect(loaderReads('SENDGUARD_NO_SUCH_SETTING')).toBe(false);
    const named = new Map<string, string>();
    for (const file of DOCUMENTS) for (const name of variablesNamed(read(file))) named.set(name, file);
    expect([...named.keys()]).toEqual(expect.arrayContaining(['SENDGUARD_DATABASE_URL', 'HOST']));
    const unread = [...named]
      .filter(([name]) => !loaderReads(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(unread).toEqual([]);
  });

  test('every setting docs/deploy.md names exists', () => {
    expect(settingSchema('database.noSuchSetting')).toBeUndefined();
    const named = [...settingsNamed(read('docs/deploy.md'))];
    expect(named).toEqual(
      expect.arrayContaining(['database.url', 'database.poolSize', 'escrow.serverKeyFile']),
    );
    expect(named.filter((name) => settingSchema(name) === undefined)).toEqual([]);
  });

  test('the service needs no development package at run time (the image and release tree leave them out)', () => {
    const { dependencies } = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const missing = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) visit(path);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
          const source = read(path);
          const imports = source.matchAll(
            /^import\s+(?!type\s)[^;]*?from\s+'([^'.][^']*)'|require\('([^'.][^']*)'\)|import\('([^'.][^']*)'\)/gm,
          );
          for (const [, from, required, dynamic] of imports) {
            const specifier = (from ?? required ?? dynamic)!;
            if (specifier.startsWith('node:')) continue;
            const parts = specifier.split('/');
            const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
            if (!(name in dependencies)) missing.add(`${name} (${path})`);
          }
        }
      }
    };
    for (const area of ['src/core', 'src/server', 'src/cli']) visit(area);
    expect([...missing]).toEqual([]);
  });
});

describe('docs/deploy.md, "Backups and restore"', () => {
  test("the documented pg_dump and pg_restore bring a node's state back into an empty database its role owns", async () => {
    const postgres = await startPostgres();
    // As the document sets the database up (the password prompt aside: this server trusts its loopback).
    await postgres.tool('createuser', ['sendguard']);
    await postgres.tool('createdb', ['--owner', 'sendguard', 'sendguard']);
    const keyFile = join(scratchDir('deploy-key'), 'escrow-server.key');
    // Restored with the database, as the table above lists it: the node's pseudonym key, kept apart.
    const pseudonymKey = randomBytes(32);
    const settings = (dataDir: string) => {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(dataDir, DECISION_KEY_FILE), pseudonymKey, { mode: 0o600 });
      return {
        listen: { host: '127.0.0.1', port: 0 },
        tls: { enabled: false },
        dataDir,
        database: { url: `postgres://sendguard@${postgres.host}:${postgres.port}/sendguard` },
        escrow: { serverKeyFile: keyFile },
        logLevel: 'warn',
      };
    };
    buildService();
    const before = await startServe(settings);
    stopAtFileEnd(before.stop);
    const configFile = join(scratchDir('deploy-cli'), 'sendguard.json');
    writeFileSync(configFile, JSON.stringify(settings(join(configFile, '..', 'data'))));
    const issued = await runCli([
      'token',
      'issue',
      '--name',
      'Sendguard admin',
      '--role',
      'admin',
      '--config',
      configFile,
    ]);
    expect(issued.code).toBe(0);
    await before.stop();
    const token = async (...args: string[]) => {
      const run = await runCli(['token', ...args, '--config', configFile]);
      expect(run.code).toBe(0);
      return run.stdout;
    };
    /** The admin token's line of `token list`: its ID first, then its role, creation time and state. */
    const admin = async () =>
      (await token('list')).split('\n').find((line) => line.includes('Sendguard admin'))!;
    const me = async (base: string) =>
      fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${issued.stdout.trim()}` } });

    const dump = 'sendguard.dump';
    const dumpOptions = documentedOptions('pg_dump', dump);
    expect(dumpOptions).toContain('--exclude-table-data=transport_reports');
    await postgres.tool('pg_dump', [...dumpOptions, 'sendguard']);
    // Revoked after the backup: the restore brings it back active, as docs/deploy.md warns.
    const id = (await admin()).split(/\s+/)[0]!;
    await token('revoke', id);
    expect(await admin()).toContain('revoked');
    await postgres.tool('dropdb', ['sendguard']);
    await postgres.tool('createdb', ['--owner', 'sendguard', 'sendguard']);
    await postgres.tool('pg_restore', [...documentedOptions('pg_restore'), dump]);
    expect(await admin()).toContain('active');

    const after = await startServe(settings);
    stopAtFileEnd(after.stop);
    const restored = await me(after.base);
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({
      name: 'Sendguard admin',
      roles: expect.arrayContaining(['admin']),
    });
    // The document's step: revoke again what was revoked since the backup (here with the node already running,
    // whose memory of the token the change feed clears).
    expect(read('docs/deploy.md')).toContain('sendguard_cli token revoke ID');
    await token('revoke', id);
    let status = 200;
    for (let tries = 0; status === 200 && tries < 50; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await me(after.base)).status;
    }
    expect(status).toBe(401);
  }, 90_000);
});
