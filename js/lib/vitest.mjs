/**
 * The Vitest plugin: `plugins: [mirra()]` in vitest.config puts a suite's unmodified SDK calls into
 * a mirra session, with no change to test code.
 *
 * Its `config` hook runs in Vitest's main process before any pool starts: it finds the server of
 * MIRRA_HOME (or starts one for the run), creates the run's session and exports its environment,
 * which every worker inherits, with NODE_OPTIONS carrying the preload for processes the tests
 * spawn. A setup file, put first, loads the preload in each worker through Node's own loader
 * (so in vm pools it lives in the worker's real realm, not in a test file's context) and, with
 * `scope: 'file'`, gives each test file a session of its own. The session and a server started for
 * the run end when Vitest closes.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { openRun, sessionEnvironment, withPreload } = require('./index.cjs');

const SETUP_FILE = fileURLToPath(new URL('./vitest-setup.mjs', import.meta.url));
const PRELOAD = require.resolve('../register.cjs');

export function mirra(options = {}) {
  const { scope = 'run', nodeOptions = true } = options;
  if (scope !== 'run' && scope !== 'file') throw new TypeError(`mirra({ scope }): 'run' or 'file', not ${JSON.stringify(scope)}`);
  let run = null;
  return {
    name: 'mirra',
    async config(config) {
      run ??= startRun(options);
      const { env } = await run;
      Object.assign(process.env, env);
      if (nodeOptions) process.env.NODE_OPTIONS = withPreload(process.env.NODE_OPTIONS, PRELOAD);
      config.test ??= {};
      const setupFiles = [config.test.setupFiles ?? []].flat();
      if (!setupFiles.includes(SETUP_FILE)) config.test.setupFiles = [SETUP_FILE, ...setupFiles];
    },
    configureVitest({ vitest }) {
      vitest.onClose(async () => {
        const closing = run;
        run = null;
        if (closing) await (await closing).close();
      });
    },
  };
}

export default mirra;

async function startRun(options) {
  const scope = options.scope || 'run';
  const run = await openRun({ ...options, session: scope === 'run' });
  if (run.server.started) process.once('exit', () => run.server.stop());
  const sessionOptions = { ...(options.mirrors && { mirrors: options.mirrors }), ...(options.seeds && { seeds: options.seeds }) };
  const env = { ...sessionEnvironment(run.server, run.session), MIRRA_SCOPE: scope, MIRRA_SESSION_OPTIONS: JSON.stringify(sessionOptions) };
  return { ...run, env };
}
