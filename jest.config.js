/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // SWC strips types without checking them: `npm run typecheck` does the checking once for the whole tree,
  // which keeps each test file's start-up in milliseconds instead of seconds.
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      // JSX as webpack compiles it (webpack.config.js): the automatic runtime, no React import needed.
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
      },
    ],
  },
  // jose ships ESM only, which jest's CommonJS runtime cannot require as is.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // After every test file, also a failed one: the servers it started and the temporary folders it made go.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/scratch-cleanup.ts'],
  // Tests against the bed's real servers (probes, DNSSEC, TLS handshakes) can take seconds each.
  testTimeout: 30_000,
};
