const Stripe = require('stripe');
const { mirra } = require('@mirra/node');
const { noteSession, webhookReceiver } = require('./support.cjs');

const stripe = new Stripe('sk_test_jest');
let receiver;

beforeAll(async () => { receiver = await webhookReceiver(); });
afterAll(() => receiver.close());
afterAll(() => noteSession('payments', mirra.id));

test("a payment's webhook arrives signed, and stripe-node verifies it", async () => {
  const endpoint = await stripe.webhookEndpoints.create({ url: `${receiver.url}/stripe`, enabled_events: ['payment_intent.succeeded'] });
  const intent = await stripe.paymentIntents.create({
    amount: 4200, currency: 'eur', payment_method: 'pm_card_visa', confirm: true,
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
  });
  const dispatched = await mirra.waitForWebhook('payment_intent.succeeded');
  expect(dispatched.status).toBe(200);
  const delivery = receiver.received.find((r) => r.path === '/stripe');
  const event = stripe.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature'], endpoint.secret);
  expect(event.data.object.id).toBe(intent.id);
  expect((await mirra.state('stripe')).objects.payment_intent.map((p) => p.id)).toEqual([intent.id]);
});
