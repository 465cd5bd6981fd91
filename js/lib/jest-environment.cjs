'use strict';
/**
 * The Jest test environment: `testEnvironment: '@mirra/node/jest-environment'` (or `preset:
 * '@mirra/node'`, which also adds the global setup that starts the run's session).
 *
 * Jest loads an environment with Node's own require, outside the test sandbox, once per test file:
 * it installs the preload in the worker's real realm (in-band too, where no NODE_OPTIONS could
 * reach), trusts mirra's CA, and hands the sandbox's process.env the session's variables. The
 * session is the run's (MIRRA_SESSION, from the global setup or `mirra exec`) unless
 * `testEnvironmentOptions: { mirra: { scope: 'file' } }` asks for one per test file.
 */
const { TestEnvironment } = require('jest-environment-node');
const { MirraClient, MirraError, proxyEnvironment, useOwnSession } = require('./index.cjs');

class MirraEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.mirraOptions = (config.projectConfig.testEnvironmentOptions || {}).mirra || {};
    this.ownSession = null;
  }

  async setup() {
    await super.setup();
    const env = this.global.process.env;
    if (!process.env.MIRRA_API_URL) {
      throw new MirraError("no mirra session for Jest: use preset '@mirra/node' (or its jest-global-setup), or run under `mirra exec`");
    }
    const router = require('../register.cjs');
    if (process.env.MIRRA_CA_CERT) router.trust(process.env.MIRRA_CA_CERT);
    if (this.mirraOptions.scope === 'file') {
      const { mirrors, seeds } = this.mirraOptions;
      this.ownSession = await useOwnSession(router, env, { ...(mirrors && { mirrors }), ...(seeds && { seeds }) });
    } else {
      const session = await MirraClient.fromEnv().session(requireSession());
      router.route(session.proxyUrl);
      Object.assign(env, proxyEnvironment(session));
    }
  }

  async teardown() {
    if (this.ownSession) await this.ownSession.end();
    await super.teardown();
  }
}

function requireSession() {
  if (!process.env.MIRRA_SESSION) throw new MirraError('MIRRA_SESSION is unset: the run has no session');
  return process.env.MIRRA_SESSION;
}

module.exports = MirraEnvironment;
module.exports.TestEnvironment = MirraEnvironment;
