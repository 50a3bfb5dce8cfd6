import { request } from 'node:https';

/** One HTTPS request trusting the given CA; the body parsed as JSON when the response says it is JSON. */
export function httpsJson(
  url: string,
  options: { method?: string; body?: unknown; ca: string | Buffer; headers?: Record<string, string> },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      url,
      {
        method: options.method ?? (payload ? 'POST' : 'GET'),
        ca: options.ca,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = String(res.headers['content-type'] ?? '').includes('json');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: json ? JSON.parse(text) : undefined,
            text,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
