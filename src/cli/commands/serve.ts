/** `sendguard serve`: the backend with its embedded store, the add-in files, the manifest and the pickup portal. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config';
import { createServer } from '../../server/serve';
import type { CliIo } from '../io';

/** Resolves when the server has stopped (on SIGINT or SIGTERM), so the process ends with nothing left open. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' } },
    strict: true,
  });
  const config = loadConfig({ ...(values.config ? { file: values.config } : {}), env: io.env });
  const server = await createServer(config);
  const address = await server.app.listen({ host: config.listen.host, port: config.listen.port });
  io.out(
    [
      `Sendguard is listening on ${address} (public URL ${config.publicUrl})`,
      `  start page     ${config.publicUrl}/`,
      `  try the pane   ${config.publicUrl}/try/`,
      `  manifest       ${config.publicUrl}/manifest.xml`,
      `  API            ${config.publicUrl}/api/v1/openapi.json`,
      ...(server.devCaFile
        ? [`  development certificate: trust ${server.devCaFile} in your browser or system`]
        : []),
      config.auth.devNoAuth ? '  AUTHENTICATION IS OFF (development mode)' : '',
      'Stop with Ctrl+C.',
      '',
    ]
      .filter((line, i, all) => line !== '' || i === all.length - 1)
      .join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
