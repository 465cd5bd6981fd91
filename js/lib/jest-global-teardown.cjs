'use strict';
// Jest's globalTeardown (in `preset: '@mirra/node'`): ends what the global setup made.
const RUN = Symbol.for('mirra.jest.run');

module.exports = async function mirraGlobalTeardown() {
  const run = globalThis[RUN];
  delete globalThis[RUN];
  if (run) await run.close();
};
