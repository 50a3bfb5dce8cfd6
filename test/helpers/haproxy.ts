/**
 * HAProxy (Debian's /usr/sbin/haproxy) in front of service nodes, as an operator runs one: HTTP mode, round
 * robin, health checks on `/healthz`, a request that could not connect retried on another node (`retries`,
 * `option redispatch`), `X-Forwarded-For` added. It runs in the foreground with its configuration and stats
 * socket in a scratch folder, on a loopback address, and is stopped when the test file ends.
 *
 * Each request is logged (to its standard output) with the node that served it, its status and how it ended, and
 * the value of the client's `x-request-tag` header: a test tags its requests to learn which node got each one.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { scratchDir, stopAtFileEnd } from './scratch';

const HAPROXY = '/usr/sbin/haproxy';
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

export interface Haproxy {
  url: string;
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

function configuration(bind: { host: string; port: number }, backends: Backend[], socket: string): string {
  return [
    'global',
    '  log stdout format raw local0',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  log global',
    // Fields in a fixed order, one request a line: "sg <node> <status> <termination> <tag> <method> <uri>".
    `  log-format "sg %s %ST %tsc %[capture.req.hdr(0)] %HM %HU"`,
    '  option forwardfor',
    '  option redispatch 1',
    '  retries 3',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    '  timeout queue 5s',
    'frontend sendguard',
    `  bind ${bind.host}:${bind.port}`,
    `  capture request header ${REQUEST_TAG} len 40`,
    '  default_backend nodes',
    'backend nodes',
    '  balance roundrobin',
    // From the balancer's own address: the address the nodes trust for X-Forwarded-For.
    `  source ${bind.host}`,
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    '  default-server inter 250ms fastinter 250ms downinter 500ms fall 2 rise 1',
    ...backends.map((b) => `  server ${b.name} ${b.host}:${b.port} check`),
    '',
  ].join('\n');
}

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
async function serverColumn(socket: string, column: string): Promise<Record<string, string>> {
  const [header, ...rows] = (await ask(socket, 'show stat')).trim().split('\n');
  const names = header!.replace(/^# /, '').split(',');
  const at = (name: string) => names.indexOf(name);
  return Object.fromEntries(
    rows
      .map((row) => row.split(','))
      .filter(
        (cells) => cells[at('pxname')] === 'nodes' && !['BACKEND', 'FRONTEND'].includes(cells[at('svname')]!),
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

/** Starts HAProxy on `bind` in front of `backends` and waits until every backend passes its health check. */
export async function startHaproxy(
  bind: { host: string; port: number },
  backends: Backend[],
): Promise<Haproxy> {
  const dir = scratchDir('haproxy');
  const socket = join(dir, 'admin.sock');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, configuration(bind, backends, socket));
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = stopAtFileEnd(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const states = async () => serverColumn(socket, 'status');
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
    url: `http://${bind.host}:${bind.port}`,
    requests: () => parseLog(output),
    sessions: async () =>
      Object.fromEntries(
        Object.entries(await serverColumn(socket, 'scur')).map(([name, n]) => [name, Number(n)]),
      ),
    states,
    output: () => output,
    stop,
  };
}
