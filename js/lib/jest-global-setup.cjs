'use strict';
// Jest's globalSetup (in `preset: '@mirra/node'`): runs once, in Jest's parent process, before any
// worker exists, so the environment it exports reaches every worker and in-band runs alike.
const { openRun, sessionEnvironment } = require('./index.cjs');

const RUN = Symbol.for('mirra.jest.run');

module.exports = async function mirraGlobalSetup(globalConfig, projectConfig) {
  const options = ((projectConfig && projectConfig.testEnvironmentOptions) || {}).mirra || {};
  const run = await openRun({ ...options, session: options.scope !== 'file' });
  globalThis[RUN] = run;
  Object.assign(process.env, sessionEnvironment(run.server, run.session));
};
