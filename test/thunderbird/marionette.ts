/**
 * A tiny Marionette client (Firefox/Thunderbird's remote protocol, version 3): length-prefixed JSON over TCP,
 * `[0, id, command, params]` out and `[1, id, error, result]` back. Enough to open a session, run privileged
 * scripts in Thunderbird's chrome context and take screenshots.
 */
import { connect, type Socket } from 'node:net';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class Marionette {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Marionette greets first, as soon as the connection opens. */
  private readonly greeted: Promise<void>;
  private greet: () => void = () => undefined;

  private constructor(private readonly socket: Socket) {
    this.greeted = new Promise((resolve) => (this.greet = resolve));
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('Marionette connection closed'));
      this.pending.clear();
    });
  }

  /** Connects once Thunderbird listens (it opens the port a few seconds after start) and opens a session. */
  static async connect(port: number, timeoutMs: number): Promise<Marionette> {
    const deadline = Date.now() + timeoutMs;
    let client: Marionette;
    for (;;) {
      try {
        client = await new Promise<Marionette>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          // Listening from the first byte: the greeting may come with the connection itself.
          const made = new Marionette(socket);
          socket.once('connect', () => resolve(made));
          socket.once('error', reject);
        });
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`Marionette did not listen on port ${port}: ${String(error)}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    // Only one session per Thunderbird: once connected, a failure here is final, not a reason to reconnect.
    await client.greeted;
    await client.command('WebDriver:NewSession', { capabilities: {} });
    await client.command('Marionette:SetContext', { value: 'chrome' });
    return client;
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString()) as unknown;
      this.buffer = this.buffer.subarray(colon + 1 + length);
      if (!Array.isArray(message)) {
        this.greet();
        continue;
      }
      const [, id, error, result] = message as [number, number, { message?: string } | null, unknown];
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error) waiting?.reject(new Error(`Marionette: ${error.message ?? JSON.stringify(error)}`));
      else waiting?.resolve(result);
    }
  }

  command(name: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify([0, id, name, params]));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${body.length}:`);
      this.socket.write(body);
    });
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the chrome context; a returned promise is awaited. */
  async run<T>(script: string, args: unknown[] = [], timeoutMs = 30_000): Promise<T> {
    await this.command('WebDriver:SetTimeouts', { script: timeoutMs });
    // Marionette runs a plain function body; wrapped, the script may await.
    const wrapped = `return (async function () { ${script} }).apply(null, arguments);`;
    const answer = (await this.command('WebDriver:ExecuteScript', { script: wrapped, args })) as { value: T };
    return answer.value;
  }

  /** A PNG of the current chrome window. */
  async screenshot(): Promise<Buffer> {
    const answer = (await this.command('WebDriver:TakeScreenshot', {})) as { value: string };
    return Buffer.from(answer.value, 'base64');
  }

  close(): void {
    this.socket.destroy();
  }
}
