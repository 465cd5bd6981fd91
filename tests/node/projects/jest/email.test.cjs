const { Resend } = require('resend');
const { mirra } = require('@mirra/node');
const { noteSession, webhookReceiver } = require('./support.cjs');

const resend = new Resend('re_jest_key');
let receiver;

beforeAll(async () => { receiver = await webhookReceiver(); });
afterAll(() => receiver.close());
afterAll(() => noteSession('email', mirra.id));

test('a sent email is delivered, and its signed email.delivered webhook verifies', async () => {
  const hook = await resend.webhooks.create({ endpoint: `${receiver.url}/resend`, events: ['email.delivered'] });
  const sent = await resend.emails.send({ from: 'Acme <onboarding@resend.dev>', to: 'delivered@resend.dev', subject: 'Hi', text: 'Hello' });
  expect(sent.error).toBeNull();
  await mirra.advanceClock(5);
  expect((await mirra.waitForWebhook('email.delivered')).status).toBe(200);
  const delivery = receiver.received.find((r) => r.path === '/resend');
  const event = resend.webhooks.verify({
    payload: delivery.body,
    headers: { id: delivery.headers['svix-id'], timestamp: delivery.headers['svix-timestamp'], signature: delivery.headers['svix-signature'] },
    webhookSecret: hook.data.signing_secret,
  });
  expect(event.data.email_id).toBe(sent.data.id);
});
