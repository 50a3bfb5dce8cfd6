// The service's store as a node of one machine runs it (serve.ts): SQLite in a fresh data directory, with the
// memory fronts the send path reads through for key verdicts and transport reports, key verdicts sealed above
// theirs. The benches measure their caches on it, not on a bare map, so that a warm figure is what a deployed node
// answers from.
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist', 'server', 'store');
const { openSqliteStore } = require(join(dist, 'sqlite'));
const { withMemoryFront } = require(join(dist, 'memory-front'));
const { sealedCache, sealKeys } = require(join(dist, 'sealed-cache'));
const { KeyAssessment } = require(join(dist, '..', '..', 'core', 'wire'));

/** The store, its caches fronted; `close` closes it and removes its data directory. */
function openBenchStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sendguard-bench-store-'));
  const store = openSqliteStore(dataDir);
  const fronted = (cache) => withMemoryFront(store[cache], { changes: store.changes, cache });
  const keyVerdictsFront = fronted('keyVerdicts');
  const keyVerdicts = sealedCache(keyVerdictsFront, sealKeys(randomBytes(32), 'key-verdicts'), KeyAssessment);
  const transportReports = fronted('transportReports');
  return {
    ...store,
    dataDir,
    keyVerdicts,
    transportReports,
    close: async () => {
      keyVerdictsFront.stopListening();
      transportReports.stopListening();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

module.exports = { openBenchStore };
