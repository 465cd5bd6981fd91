// Two test files, each in its own session, run at the same time: each waits (on a marker file)
// until the other has written to its session, then sees only its own customer.
import fs from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { mirra } from '@mirra/node';

export async function createAndLookAround(name, other) {
  const customer = await new Stripe('sk_test_isolation').customers.create({ email: `${name}@example.com` });
  fs.writeFileSync(path.join(process.env.MARKERS, name), mirra.id);
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(path.join(process.env.MARKERS, other))) {
    if (Date.now() > deadline) throw new Error(`${other} never ran alongside ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(fs.readFileSync(path.join(process.env.MARKERS, other), 'utf8')).not.toBe(mirra.id);
  const customers = (await mirra.state('stripe')).objects.customer;
  expect(customers.map((c) => c.email)).toEqual([`${name}@example.com`]);
  expect(customers[0].id).toBe(customer.id);
}
