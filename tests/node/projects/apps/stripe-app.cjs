// An unmodified stripe-node app: nothing about proxies or certificates.
const Stripe = require('stripe');

const stripe = new Stripe('sk_test_node_app');

async function main() {
  const customer = await stripe.customers.create({ email: 'node-app@example.com' });
  const intent = await stripe.paymentIntents.create({
    amount: 1999, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true,
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
  });
  console.log(JSON.stringify({ customer: customer.id, paymentIntent: intent.id, status: intent.status }));
}

main().catch((error) => { console.error(error); process.exit(1); });
