// Calls to loopback stay out of the proxy: fetch and node:http reach a local server directly.
const http = require('node:http');

const server = http.createServer((request, response) => response.end('local')).listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  const viaFetch = await (await fetch(url)).text();
  const viaLocalhost = await (await fetch(url.replace('127.0.0.1', 'localhost'))).text();
  console.log(JSON.stringify({ viaFetch, viaLocalhost }));
  server.close();
});
