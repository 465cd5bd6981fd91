// An unmodified twilio-node app: credentials from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN, which
// `mirra exec` sets to the session's default account.
const twilio = require('twilio');

async function main() {
  const client = twilio();
  const number = await client.incomingPhoneNumbers.create({ phoneNumber: '+15017122661' });
  const message = await client.messages.create({ to: '+14155550100', from: number.phoneNumber, body: 'Hello from Node' });
  console.log(JSON.stringify({ message: message.sid, status: message.status }));
}

main().catch((error) => { console.error(error); process.exit(1); });
