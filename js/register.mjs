// `node --import @mirra/node/register app.mjs`: the same preload, loaded from an ES module.
import { createRequire } from 'node:module';

const router = createRequire(import.meta.url)('./register.cjs');
export default router;
