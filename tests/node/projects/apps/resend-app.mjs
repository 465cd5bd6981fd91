// An unmodified resend-node app (an ES module; resend uses the global fetch).
import { Resend } from 'resend';

const resend = new Resend('re_node_app_key');
const { data, error } = await resend.emails.send({
  from: 'Acme <onboarding@resend.dev>', to: 'delivered@resend.dev', subject: 'From Node', text: 'Hello',
});
if (error) {
  console.error(JSON.stringify(error));
  process.exit(1);
}
console.log(JSON.stringify({ email: data.id }));
