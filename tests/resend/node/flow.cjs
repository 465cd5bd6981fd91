'use strict';
// One flow of the unmodified resend Node SDK through mirra's proxy. The global fetch Node bundles
// (undici) ignores HTTPS_PROXY, so an undici ProxyAgent of the same major version becomes the
// global dispatcher, carrying the session in Proxy-Authorization; NODE_EXTRA_CA_CERTS trusts mirra's CA.
const { ProxyAgent, setGlobalDispatcher } = require('undici');
const { Resend } = require('resend');

const proxy = new URL(process.env.HTTPS_PROXY);
const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
setGlobalDispatcher(new ProxyAgent({ uri: proxy.href, token: `Basic ${Buffer.from(credentials).toString('base64')}` }));

async function main() {
  const resend = new Resend(process.env.RESEND_API_KEY);
  const from = 'Acme <onboarding@resend.dev>';
  const sent = await resend.emails.send({ from, to: 'delivered@resend.dev', subject: 'Hi', html: '<p>Hi</p>' }, { idempotencyKey: 'node/1' });
  const replay = await resend.emails.send({ from, to: 'delivered@resend.dev', subject: 'Hi', html: '<p>Hi</p>' }, { idempotencyKey: 'node/1' });
  const batch = await resend.batch.send([{ from, to: 'bounced@resend.dev', subject: 'B', text: 'b' }]);
  const invalid = await resend.emails.send({ from, subject: 'No recipient', html: 'x' });
  const topic = await resend.topics.create({ name: 'News', defaultSubscription: 'opt_in' });
  await resend.contacts.create({ email: 'node+1@acme.dev', firstName: 'Node' });
  const topics = await resend.contacts.topics.update({ email: 'node+1@acme.dev', topics: [{ id: topic.data.id, subscription: 'opt_out' }] });
  const contact = await resend.contacts.get({ email: 'node+1@acme.dev' });
  process.stdout.write(JSON.stringify({ sent, replay, batch, invalid, topics, contact }));
}

main().catch((error) => { console.error(error); process.exit(1); });
