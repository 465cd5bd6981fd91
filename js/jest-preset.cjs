'use strict';
// `preset: '@mirra/node'`: a session for the run (global setup and teardown) and the environment
// that puts each test file's SDK calls into it.
module.exports = {
  testEnvironment: require.resolve('./lib/jest-environment.cjs'),
  globalSetup: require.resolve('./lib/jest-global-setup.cjs'),
  globalTeardown: require.resolve('./lib/jest-global-teardown.cjs'),
};
