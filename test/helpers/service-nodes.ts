/**
 * Several `sendguard serve` nodes, each the built command in a process of its own as an admin starts it
 * (test/outlook/sendguard-serve.ts), each listening on a loopback address of its own, with the settings a test
 * gives (a shared database and escrow server key, say). Stopped when the test file ends; `kill` ends one at once.
 *
 * 127.56.* is the cluster's (the bed takes 127.53/25/44, PostgreSQL 127.54): the third octet comes from the
 * process id so that jest workers running at once do not meet; `.1` is the balancer's, `.11` on the nodes'.
 */
import type { ConfigInput } from '../../src/server/config/schema';
import { buildService, startServe } from '../outlook/sendguard-serve';
import type { Backend } from './haproxy';
import { stopAtFileEnd } from './scratch';

export const CLUSTER_NET = `127.56.${(process.pid % 250) + 1}`;
/** Where the balancer in front of the nodes listens. */
export const BALANCER_HOST = `${CLUSTER_NET}.1`;
/** The name the nodes' publicUrl and the balancer's certificate carry; a test connects it to BALANCER_HOST. */
export const BALANCER_NAME = 'sendguard.cluster.test';

export interface ServiceNode extends Backend {
  /** `http://host:port`, the node itself, not through the balancer. */
  base: string;
  /** Kills the node at once (SIGKILL): requests in flight on it get no answer. */
  kill(): Promise<void>;
  output(): string;
}

/**
 * Starts `count` nodes at once, named `node1`…; `settings(node)` is each one's configuration file, given its
 * listening address and a fresh data directory.
 */
export async function startServiceNodes(
  count: number,
  settings: (node: { host: string; dataDir: string }) => ConfigInput,
): Promise<ServiceNode[]> {
  buildService();
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const host = `${CLUSTER_NET}.${11 + n}`;
      const serve = await startServe((dataDir) => ({
        ...settings({ host, dataDir }),
        listen: { host, port: 0 },
      }));
      stopAtFileEnd(serve.stop);
      const { port } = new URL(serve.base);
      return {
        name: `node${n + 1}`,
        host,
        port: Number(port),
        base: serve.base,
        kill: () => serve.kill('SIGKILL'),
        output: serve.output,
      };
    }),
  );
}
