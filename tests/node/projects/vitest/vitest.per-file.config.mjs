import { defineConfig } from 'vitest/config';
import { mirra } from '@mirra/node/vitest';

export default defineConfig({
  plugins: [mirra({ scope: 'file', mirrors: ['stripe'] })],
  test: { include: ['isolation-*.test.mjs'], maxWorkers: 2, testTimeout: 30_000 },
});
