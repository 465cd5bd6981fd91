import Stripe from 'stripe';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mirra } from '@mirra/node';
import { noteSession, webhookReceiver } from './support.mjs';

const stripe = new Stripe('sk_test_vitest');
let receiver;

beforeAll(async () => { receiver = await webhookReceiver(); });
afterAll(() => receiver.close());
afterAll(() => noteSession('payments', mirra.id));

test("a payment's webhook arrives signed, and stripe-node verifies it", async () => {
  const endpoint = await stripe.webhookEndpoints.create({ url: `${receiver.url}/stripe`, enabled_events: ['payment_intent.succeeded'] });
  const intent = await stripe.paymentIntents.create({
    amount: 2500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true,
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
  });
  expect(intent.status).toBe('succeeded');

  const dispatched = await mirra.waitForWebhook('payment_intent.succeeded');
  expect(dispatched.status).toBe(200);
  const delivery = receiver.received.find((r) => r.path === '/stripe');
  const event = stripe.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature'], endpoint.secret);
  expect(event.type).toBe('payment_intent.succeeded');
  expect(event.data.object.id).toBe(intent.id);
  expect(() => stripe.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature'], 'whsec_wrong')).toThrow();

  const state = await mirra.state('stripe');
  expect(state.objects.payment_intent.map((p) => p.id)).toContain(intent.id);
  const traffic = await mirra.events({ types: 'traffic.request_completed' });
  expect(traffic.some((e) => e.mirror === 'stripe')).toBe(true);
});

test("stripe-node's fetch client goes through the session too", async () => {
  const viaFetch = new Stripe('sk_test_vitest', { httpClient: Stripe.createFetchHttpClient() });
  const customer = await viaFetch.customers.create({ email: 'fetch@example.com' });
  expect((await stripe.customers.retrieve(customer.id)).email).toBe('fetch@example.com');
});
