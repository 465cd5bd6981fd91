// Put first in `setupFiles` by the mirra Vitest plugin; runs in each worker before each test file.
// The preload is loaded through Node's own loader, not Vitest's: in vm pools, objects made inside
// a test file's context break once that file is done.
const load = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const router = load('../register.cjs');

if (process.env.MIRRA_SCOPE === 'file') {
  const { useOwnSession } = load('./index.cjs');
  const { afterAll } = await import('vitest');
  const own = await useOwnSession(router, process.env, JSON.parse(process.env.MIRRA_SESSION_OPTIONS || '{}'));
  afterAll(() => own.end());
}
