// An unmodified twilio-node app. Its credentials are the session's Twilio account, read from the
// mirror's admin route as a developer would copy them from `mirra state`.
const twilio = require('twilio');

async function main() {
  const state = await (await fetch(`${process.env.MIRRA_API_URL}/m/${process.env.MIRRA_SESSION}/twilio/_mirra/state`)).json();
  const client = twilio(state.account.accountSid, state.account.authToken);
  const number = await client.incomingPhoneNumbers.create({ phoneNumber: '+15017122661' });
  const message = await client.messages.create({ to: '+14155550100', from: number.phoneNumber, body: 'Hello from Node' });
  console.log(JSON.stringify({ message: message.sid, status: message.status }));
}

main().catch((error) => { console.error(error); process.exit(1); });
