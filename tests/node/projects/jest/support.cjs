// Test helpers: a local webhook endpoint (loopback, so the preload leaves it alone) that records
// raw bodies and headers, and where the harness learns which session a file ran in.
const fs = require('node:fs');
const { createServer } = require('node:http');
const path = require('node:path');

exports.webhookReceiver = async function webhookReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url, body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
      response.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

// For the harness: write this file's session id under $MARKERS/<name>.
exports.noteSession = function noteSession(name, id) {
  if (process.env.MARKERS) fs.writeFileSync(path.join(process.env.MARKERS, name), id);
};
