import { Resend } from 'resend';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mirra } from '@mirra/node';
import { noteSession, webhookReceiver } from './support.mjs';

const resend = new Resend('re_vitest_key');
let receiver;

beforeAll(async () => { receiver = await webhookReceiver(); });
afterAll(() => receiver.close());
afterAll(() => noteSession('email', mirra.id));

test('a sent email is delivered, and its signed email.delivered webhook verifies', async () => {
  const hook = await resend.webhooks.create({ endpoint: `${receiver.url}/resend`, events: ['email.delivered'] });
  expect(hook.error).toBeNull();
  const sent = await resend.emails.send({ from: 'Acme <onboarding@resend.dev>', to: 'delivered@resend.dev', subject: 'Welcome', html: '<p>hi</p>' });
  expect(sent.error).toBeNull();

  await mirra.advanceClock(5);
  const dispatched = await mirra.waitForWebhook('email.delivered');
  expect(dispatched.status).toBe(200);
  const delivery = receiver.received.find((r) => r.path === '/resend');
  const event = resend.webhooks.verify({
    payload: delivery.body,
    headers: { id: delivery.headers['svix-id'], timestamp: delivery.headers['svix-timestamp'], signature: delivery.headers['svix-signature'] },
    webhookSecret: hook.data.signing_secret,
  });
  expect(event.type).toBe('email.delivered');
  expect(event.data.email_id).toBe(sent.data.id);
});
