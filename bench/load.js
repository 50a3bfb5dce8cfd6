// A small closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next request as
// soon as the previous answer arrives, for `seconds` (a tenth of them in quick mode). Returns requests per second
// and latency percentiles.
const http = require('node:http');
const { measuringMs } = require('./measure');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function load({ url, method = 'GET', body, headers = {}, concurrency = 16, seconds = 3 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const latencies = [];
  let failures = 0;
  const deadline = Date.now() + measuringMs(seconds * 1000);
  const once = () =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        url,
        {
          method,
          agent,
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) failures++;
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(payload);
    });
  const worker = async () => {
    while (Date.now() < deadline) await once();
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

module.exports = { load };
