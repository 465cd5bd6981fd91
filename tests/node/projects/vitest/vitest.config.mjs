import { defineConfig } from 'vitest/config';
import { mirra } from '@mirra/node/vitest';

export default defineConfig({
  plugins: [mirra({ mirrors: ['stripe', 'resend'] })],
  test: { include: ['payments.test.mjs', 'email.test.mjs'] },
});
