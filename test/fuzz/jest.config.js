/**
 * `npm run fuzz`: the fuzz targets alone, without the network test bed they do not use, with no per-test time-out
 * (a full run of one target takes minutes). The regular jest run picks the same files up with a small count. The
 * scratch cleanup after each file (`setupFilesAfterEnv`) comes with the base configuration.
 */
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/fuzz'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 6 * 60 * 60 * 1000,
};
