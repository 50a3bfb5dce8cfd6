/**
 * HAProxy (Debian's /usr/sbin/haproxy) in front of service nodes, configured as deployed: deploy/haproxy.cfg, the
 * example the deployment docs ship (TLS terminated, plain HTTP sent to HTTPS, round robin, health checks,
 * retries and redispatch, X-Forwarded-For), with only what ties it to a real machine swapped for this test's
 * (`asTested`): loopback addresses for its ports, a certificate from a test CA, the test's nodes, a log on its
 * standard output and a stats socket. It runs in the foreground in a scratch folder and is stopped when the test
 * file ends.
 *
 * Each request is logged with the node that served it, its status and how it ended, and the value of the
 * client's `x-request-tag` header: a test tags its requests to learn which node got each one.
 */
import { spawn } from 'node:child_process';
import type { LookupFunction } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { scratchDir, stopAtFileEnd } from './scratch';
import { testPki } from './test-pki';

const HAPROXY = '/usr/sbin/haproxy';
const DEPLOYED = join(__dirname, '..', '..', 'deploy', 'haproxy.cfg');
/** The header whose value the log names each request by. */
export const REQUEST_TAG = 'x-request-tag';
const START_TIMEOUT_MS = 15_000;

export interface Backend {
  name: string;
  host: string;
  port: number;
}

/** One request as HAProxy logged it. */
export interface LoggedRequest {
  /** The node that answered or was last tried; `<NOSRV>` when none was. */
  server: string;
  /** The status the client got; -1 when it got none. */
  status: number;
  /** HAProxy's termination state (`----` for a normal end; `SH--`: the server went away mid-request). */
  termination: string;
  tag: string;
  method: string;
  path: string;
}

/** Where the balancer listens: the name its certificate is for, reached at `host`. */
export interface BalancerSite {
  name: string;
  host: string;
  /** HTTPS. */
  port: number;
  /** Plain HTTP, which the deployed configuration sends to HTTPS. */
  httpPort: number;
}

export interface Haproxy {
  /** `https://name:port`. */
  url: string;
  /** `http://host:httpPort`: plain HTTP, by address. */
  httpUrl: string;
  /** For node:https: trusts the test CA and connects the balancer's name to its address. */
  agent: Agent;
  /**
   * Every request logged so far. Not always every request made: a request cut because its node died while its
   * body was still coming was seen missing from the log (HAProxy 2.6), though the client got no answer.
   */
  requests(): LoggedRequest[];
  /** Requests each node is serving right now, from the stats socket. */
  sessions(): Promise<Record<string, number>>;
  /** Each node's state as the health checks see it: `UP`, `DOWN`, … */
  states(): Promise<Record<string, string>>;
  output(): string;
  stop(): Promise<void>;
}

interface Substitutions {
  site: BalancerSite;
  backends: Backend[];
  /** The certificate and its key in one PEM file. */
  pem: string;
  socket: string;
}

/**
 * `deployed` with the test's addresses, certificate and nodes; everything else as shipped. Throws when a line it
 * swaps is no longer there, so that a changed example is noticed rather than half-tested.
 */
export function asTested(deployed: string, { site, backends, pem, socket }: Substitutions): string {
  const servers = backends.map((b) => `$1server ${b.name} ${b.host}:${b.port}`).join('\n');
  const swaps: Array<[RegExp, string]> = [
    [/^([ \t]*)log \/dev\/log .*$/m, '$1log stdout format raw local0'],
    // The test's own socket: another HAProxy (another test file's) may be running.
    [/^([ \t]*stats socket) \S+/m, `$1 ${socket}`],
    [/^([ \t]*bind) :443 ssl crt \S+/m, `$1 ${site.host}:${site.port} ssl crt ${pem}`],
    [/^([ \t]*bind) :80$/m, `$1 ${site.host}:${site.httpPort}`],
    // Fields in a fixed order, one request a line: "sg <node> <status> <termination> <tag> <method> <uri>".
    [
      /^([ \t]*)default_backend .*$/m,
      `$1capture request header ${REQUEST_TAG} len 40\n$1log-format "sg %s %ST %tsc %[capture.req.hdr(0)] %HM %HU"\n$&`,
    ],
    // From the balancer's own address, as from a machine of its own: the address the nodes trust.
    [/^([ \t]*)balance .*$/m, `$&\n$1source ${site.host}`],
    [/^([ \t]*)server .*(\n[ \t]*server .*)*$/m, servers],
  ];
  return swaps.reduce((config, [line, replacement]) => {
    if (!line.test(config)) throw new Error(`deploy/haproxy.cfg has no line like ${line}: the test swaps it`);
    return config.replace(line, replacement);
  }, deployed);
}

/** The backend section's name. */
const backendOf = (config: string) => /^backend (\S+)/m.exec(config)?.[1] ?? 'no backend section';

/** Connects any name to `address`: the balancer's name has no DNS record here. */
const lookupAs =
  (address: string): LookupFunction =>
  (_name, options, callback) =>
    options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);

/** One command's answer on the stats socket. */
export function ask(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const connection = connect(socket, () => connection.end(`${command}\n`));
    connection.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    connection.on('end', () => resolve(answer));
    connection.on('error', reject);
  });
}

/** `show stat` for the backend's servers: a column's value by server name. */
async function serverColumn(
  socket: string,
  backend: string,
  column: string,
): Promise<Record<string, string>> {
  const [header, ...rows] = (await ask(socket, 'show stat')).trim().split('\n');
  const names = header!.replace(/^# /, '').split(',');
  const at = (name: string) => names.indexOf(name);
  return Object.fromEntries(
    rows
      .map((row) => row.split(','))
      .filter(
        (cells) => cells[at('pxname')] === backend && !['BACKEND', 'FRONTEND'].includes(cells[at('svname')]!),
      )
      .map((cells) => [cells[at('svname')]!, cells[at(column)]!]),
  );
}

function parseLog(output: string): LoggedRequest[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('sg '))
    .map((line) => {
      const [, server, status, termination, tag, method, path] = line.split(' ');
      return {
        server: server!,
        status: Number(status),
        termination: termination!,
        tag: tag!,
        method: method!,
        path: path!,
      };
    });
}

/**
 * Starts HAProxy as deployed on `site` in front of `backends`, with a certificate for `site.name` from a CA of
 * its own, and waits until every backend passes its health check.
 */
export async function startHaproxy(site: BalancerSite, backends: Backend[]): Promise<Haproxy> {
  const dir = scratchDir('haproxy');
  const socket = join(dir, 'admin.sock');
  const pki = testPki();
  const { cert, key } = pki.leaf([site.name]);
  pki.remove();
  const pem = join(dir, 'sendguard.pem');
  writeFileSync(pem, cert + key, { mode: 0o600 });
  const file = join(dir, 'haproxy.cfg');
  const config = asTested(readFileSync(DEPLOYED, 'utf8'), { site, backends, pem, socket });
  const backend = backendOf(config);
  writeFileSync(file, config);
  // -db: in the foreground, whatever the example's `daemon` says.
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const agent = new Agent({ keepAlive: true, ca: pki.ca, lookup: lookupAs(site.host) });
  const stop = stopAtFileEnd(async () => {
    agent.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const states = async () => serverColumn(socket, backend, 'status');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${output}`);
    const up = await states().catch(() => ({}));
    if (backends.every((b) => up[b.name as keyof typeof up] === 'UP')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy's nodes did not all come up: ${JSON.stringify(up)}\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `https://${site.name}:${site.port}`,
    httpUrl: `http://${site.host}:${site.httpPort}`,
    agent,
    requests: () => parseLog(output),
    sessions: async () =>
      Object.fromEntries(
        Object.entries(await serverColumn(socket, backend, 'scur')).map(([name, n]) => [name, Number(n)]),
      ),
    states,
    output: () => output,
    stop,
  };
}
