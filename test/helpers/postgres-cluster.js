// A private PostgreSQL from Debian's server binaries: its own cluster in a folder the caller gives, listening on
// TCP only (no unix socket), on a loopback address of its own and a free port, with fsync off (a test or bench
// database never needs to survive a power cut). initdb refuses to run as root, so under root the cluster belongs
// to the `postgres` user. CommonJS so that the JavaScript benches and the TypeScript tests share it; tests call it
// through test/helpers/postgres.ts, which stops the server and removes its folder when the test file ends.
const { execFile: execFileCallback, execFileSync } = require('node:child_process');
const { appendFileSync, chownSync, existsSync, readdirSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');
const { promisify } = require('node:util');
const pg = require('pg');

const execFile = promisify(execFileCallback);

const VERSIONS_DIR = '/usr/lib/postgresql';
/** initdb and a first start take a second or two; a machine busy with other suites gets room. */
const START_TIMEOUT_S = 60;
const SUPERUSER = 'postgres';

/** The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin). */
function serverBinaries() {
  const majors = existsSync(VERSIONS_DIR)
    ? readdirSync(VERSIONS_DIR)
        .filter((name) => existsSync(join(VERSIONS_DIR, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0)
    throw new Error(
      `no PostgreSQL server binaries under ${VERSIONS_DIR}/<version>/bin: install the Debian package postgresql ` +
        '(apt-get install postgresql), which the PostgreSQL store tests start a private server from',
    );
  return join(VERSIONS_DIR, majors[0], 'bin');
}

/** Who runs the cluster: ourselves, or `postgres` when we are root (initdb refuses root). */
function clusterUser() {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

// 127.54.* is this helper's (the test bed takes 127.53/25/44, other tests 127.77 and a few more). The third octet
// comes from the process id so that jest workers running at once do not meet; the fourth counts this process's
// servers.
const NET = `127.54.${(process.pid % 250) + 1}`;
let started = 0;

/** A port free on `host` now; the server binds it a moment later, and nobody else listens on this address. */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster in `dir` (an empty folder the caller removes afterwards). `track(stop)` is handed the stop
 * function before the server starts, so that a start that fails half-way is still stopped, and returns the stop
 * function to give out (a test file's `stopAtFileEnd`; by default `stop` itself).
 */
async function startPostgresCluster({ dir, track = (stop) => stop }) {
  const bin = serverBinaries();
  const user = clusterUser();
  const host = `${NET}.${++started}`;
  const port = await freePort(host);
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const run = (tool, args) =>
    execFile(join(bin, tool), args, { ...user, cwd: dir, timeout: START_TIMEOUT_S * 1000 });

  await run('initdb', ['-D', data, '-U', SUPERUSER, '-A', 'trust', '--no-sync', '-E', 'UTF8']).catch(
    (error) => {
      throw new Error(`initdb failed in ${dir}: ${error.stderr ?? String(error)}`);
    },
  );
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      `listen_addresses = '${host}'`,
      `port = ${port}`,
      "unix_socket_directories = ''",
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'shared_buffers = 32MB',
      '',
    ].join('\n'),
  );
  const stop = track(async () => {
    if (!existsSync(join(data, 'postmaster.pid'))) return;
    await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  });
  const log = join(dir, 'server.log');
  await run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', String(START_TIMEOUT_S), 'start']).catch(
    (error) => {
      throw new Error(`PostgreSQL did not start on ${host}:${port} (its log: ${log}): ${String(error)}`);
    },
  );

  let databases = 0;
  const newDatabase = async () => {
    const name = `test_${++databases}`;
    const admin = new pg.Client({ host, port, user: SUPERUSER, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return `postgres://${SUPERUSER}@${host}:${port}/${name}`;
  };
  // The server's own client programs, as an administrator on its machine runs them.
  const tool = (name, args) =>
    run(name, ['--host', host, '--port', String(port), '--username', SUPERUSER, ...args]);
  return { url: await newDatabase(), newDatabase, host, port, stop, tool };
}

module.exports = { startPostgresCluster, freePort };
