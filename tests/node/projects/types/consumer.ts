// Compiles only if the package's declarations describe what a TypeScript user writes.
import { defineConfig } from 'vitest/config';
import { mirra } from '@mirra/node/vitest';
import { mirra as session, MirraClient, findOrStartServer, type WebhookDispatched } from '@mirra/node';
import router from '@mirra/node/register';
import type MirraEnvironment from '@mirra/node/jest-environment';

export const config = defineConfig({ plugins: [mirra({ scope: 'file', mirrors: ['stripe', 'resend'] })] });

// @ts-expect-error: a scope is 'run' or 'file'
mirra({ scope: 'suite' });

export const jestOptions: MirraEnvironment.MirraJestOptions = { scope: 'file', mirrors: ['stripe'] };

export async function afterAPayment(): Promise<number | null> {
  const hook: WebhookDispatched = await session.waitForWebhook('payment_intent.succeeded', { timeout: 5000 });
  await session.advanceClock(3600);
  await session.simulate('email.opened', { email_id: 'x' }, 'resend');
  const traffic = await session.events({ types: 'traffic.request_completed' });
  // @ts-expect-error: seconds are a number
  await session.advanceClock('1h');
  return traffic.length > 0 ? hook.status : null;
}

export async function ownSession(): Promise<string | null> {
  const server = await findOrStartServer({ command: 'mirra' });
  const own = await new MirraClient(server).createSession({ mirrors: ['twilio'], seeds: {} });
  const previous = router.route(own.proxyUrl);
  await own.end();
  if (server.started) await server.stop();
  return previous;
}
