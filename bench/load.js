// A small closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next request as
// soon as the previous answer arrives, for `seconds` (a tenth of them in quick mode). Returns requests per second
// and latency percentiles.
//
// `loadFromChild` runs it in a process of its own, so that the generator's own work (an HTTP client reading
// answers of 20 kB) does not share the event loop and the CPU time of the server it measures.
const http = require('node:http');
const { execFile } = require('node:child_process');
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
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

/** `load(options)` in a child process; the calling process stays free to serve meanwhile. */
function loadFromChild(options) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [__filename, JSON.stringify(options)], (error, stdout, stderr) => {
      if (error) reject(new Error(`the load generator failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

if (require.main === module) {
  load(JSON.parse(process.argv[2])).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

module.exports = { load, loadFromChild };
