'use strict';
/**
 * A client of mirra's control API, for test runners and tests: find or start a server, create and
 * end sessions, and look into a session (state, simulate, clock, events, webhooks). Plain
 * node:http to loopback, so it works from any realm and never goes through the proxy.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { request } = require('node:http');

const START_TIMEOUT_MS = 30_000;
const CA_CERT_FILE = 'mirra-ca.pem';

class MirraError extends Error {}

/** MIRRA_HOME, as the Python side defines it: the folder of server.json, token and CA. */
function mirraHome(env = process.env) {
  return env.MIRRA_HOME || path.join(os.homedir(), '.mirra');
}

/** The server that `home`'s server.json names, if its process is alive; otherwise null. */
function findServer(home = mirraHome()) {
  let info;
  try {
    info = JSON.parse(fs.readFileSync(path.join(home, 'server.json'), 'utf8'));
    process.kill(info.pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return null;
  }
  return serverAt(home, info);
}

/**
 * Start `mirra proxy` on OS-chosen ports in a fresh MIRRA_HOME (a temporary folder unless
 * `home` is given); resolves once it has written server.json. `stop()` ends it.
 */
async function startServer({ command = process.env.MIRRA_COMMAND || 'mirra', home } = {}) {
  const folder = home || fs.mkdtempSync(path.join(os.tmpdir(), 'mirra-home-'));
  fs.mkdirSync(folder, { recursive: true });
  fs.rmSync(path.join(folder, 'server.json'), { force: true });
  const log = fs.openSync(path.join(folder, 'server.log'), 'a');
  const child = spawn(command, ['proxy', '--proxy-port', '0', '--api-port', '0'], {
    env: { ...process.env, MIRRA_HOME: folder },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let failure = null;
  child.on('error', (error) => { failure = error; });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && failure === null && child.exitCode === null) {
    const server = findServer(folder);
    if (server !== null && server.pid === child.pid) {
      server.stop = () => stopChild(child);
      return server;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill();
  const reason = failure ? `${command}: ${failure.message}` : readTail(path.join(folder, 'server.log'));
  throw new MirraError(`mirra did not start (${reason}); is mirra installed? Set MIRRA_COMMAND to its path.`);
}

/** The running server of MIRRA_HOME, or a new one for this run (`started` tells which). */
async function findOrStartServer(options = {}) {
  const running = findServer(options.home || mirraHome());
  if (running !== null) return { ...running, started: false };
  return { ...(await startServer(options)), started: true };
}

/**
 * A test run's server and session: the session `mirra exec` named (MIRRA_SESSION) if the run is
 * inside one, else a new one (none with `session: false`) on MIRRA_HOME's server, started if none
 * runs. `close()` ends what the run made.
 */
async function openRun({ command, home, mirrors, seeds, session: wanted = true } = {}) {
  const server = await findOrStartServer({ command, home });
  const client = new MirraClient(server);
  const named = Boolean(process.env.MIRRA_SESSION) && process.env.MIRRA_API_URL === server.apiUrl;
  let session = null;
  if (named) session = await client.session(process.env.MIRRA_SESSION);
  else if (wanted) session = await client.createSession({ ...(mirrors && { mirrors }), ...(seeds && { seeds }) });
  return {
    server,
    session,
    async close() {
      if (session && !named) await session.end().catch(() => {});
      if (server.started) await server.stop();
    },
  };
}

function serverAt(home, info) {
  return {
    pid: info.pid,
    home,
    apiUrl: info.apiUrl,
    token: fs.readFileSync(path.join(home, 'token'), 'utf8').trim(),
    caCert: path.join(home, 'certs', CA_CERT_FILE),
  };
}

function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function readTail(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-1)[0] || 'no output';
  } catch {
    return 'no log';
  }
}

/** The control API of one server: `/v1/sessions` and the mirrors' admin routes. */
class MirraClient {
  constructor({ apiUrl, token }) {
    this.apiUrl = apiUrl.replace(/\/$/, '');
    this.token = token;
  }

  /** A client for the server the environment names (MIRRA_API_URL, MIRRA_HOME's token). */
  static fromEnv(env = process.env) {
    const home = mirraHome(env);
    const server = env.MIRRA_API_URL ? null : findServer(home);
    const apiUrl = env.MIRRA_API_URL || (server && server.apiUrl);
    if (!apiUrl) throw new MirraError(`no mirra server: MIRRA_API_URL is unset and none runs in ${home}`);
    return new MirraClient({ apiUrl, token: fs.readFileSync(path.join(home, 'token'), 'utf8').trim() });
  }

  /** A new session; `mirrors` defaults to every mirror the server has. */
  async createSession({ mirrors, seeds, name, timeoutSeconds } = {}) {
    const body = { ...(mirrors && { mirrors }), ...(seeds && { seeds }), ...(name && { name }), ...(timeoutSeconds && { timeoutSeconds }) };
    return new MirraSession(this, await this.call('POST', '/v1/sessions', body));
  }

  async session(id) {
    return new MirraSession(this, await this.call('GET', `/v1/sessions/${encodeURIComponent(id)}`));
  }

  async endSession(id) {
    return this.call('DELETE', `/v1/sessions/${encodeURIComponent(id)}`);
  }

  /** One JSON call; mirra's errors become a MirraError with their message and hint. */
  async call(method, route, body) {
    const response = await send(this.url(route), { method, headers: this.headers(), body });
    const text = await readAll(response);
    const json = text ? JSON.parse(text) : null;
    if (response.statusCode >= 400) {
      const error = (json && json.error) || {};
      throw new MirraError(`mirra: ${error.message || text} ${error.hint || ''}`.trim());
    }
    return json;
  }

  /** The Server-Sent Events of `route`, one object per event, as they come. */
  async *stream(route, { signal } = {}) {
    const response = await send(this.url(route), { method: 'GET', headers: this.headers(), signal });
    if (response.statusCode >= 400) throw new MirraError(`mirra: ${await readAll(response)}`);
    yield* parseEvents(response);
  }

  url(route) {
    return /^https?:/.test(route) ? route : `${this.apiUrl}${route}`;
  }

  headers() {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }
}

/** One session, with what a test needs to look into it and steer it (as the pytest plugin's). */
class MirraSession {
  constructor(client, body) {
    this.client = client;
    this.id = body.sessionId;
    this.proxyUrl = body.proxyUrl;
    this.body = body;
  }

  /** The mirror's whole state (`objects` by kind, and the vendor's deliveries). */
  state(vendor = 'stripe') {
    return this.client.call('GET', `${this.mirrorUrl(vendor)}/_mirra/state`);
  }

  /** Make the mirror act as the vendor would on its own (a dispute, a delivery, a reply...). */
  simulate(event, params = {}, vendor = 'stripe') {
    return this.client.call('POST', `${this.mirrorUrl(vendor)}/_mirra/simulate`, { event, ...params });
  }

  /** Move the session's time; jobs that fell due (deliveries, retries) have run when it resolves. */
  advanceClock(seconds) {
    return this.client.call('POST', `/v1/sessions/${this.id}/clock/advance`, { seconds });
  }

  /** Everything the session's event log holds, oldest first (`types`: e.g. 'webhook.dispatched'). */
  async events({ types } = {}) {
    const events = [];
    for await (const event of this.client.stream(this.eventsRoute({ follow: 'false', types }))) events.push(event);
    return events;
  }

  /**
   * The first `webhook.dispatched` event for vendor event `type` (by default a 2xx delivery),
   * from the session's event stream, past or live; rejects after `timeout` ms.
   */
  async waitForWebhook(type, { timeout = 10_000, delivered = true } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      const route = this.eventsRoute({ types: 'webhook.dispatched' });
      for await (const event of this.client.stream(route, { signal: controller.signal })) {
        const ok = event.status != null && event.status >= 200 && event.status < 300;
        if (event.type === type && (!delivered || ok)) return event;
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    throw new MirraError(`no ${JSON.stringify(type)} webhook was ${delivered ? 'delivered' : 'attempted'} within ${timeout} ms`);
  }

  end() {
    return this.client.endSession(this.id);
  }

  mirrorUrl(vendor) {
    return `${this.client.apiUrl}/m/${this.id}/${vendor}`;
  }

  eventsRoute(params) {
    const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value));
    return `/v1/sessions/${this.id}/events?${query}`;
  }
}

/**
 * The variables that send a Node process's vendor calls into `session` through the preload (the
 * server's part alone without a session). The CA is trusted in-process from MIRRA_CA_CERT, since
 * NODE_EXTRA_CA_CERTS is read only when a process starts.
 */
function sessionEnvironment(server, session = null) {
  const local = 'localhost,127.0.0.1,::1';
  const env = { NO_PROXY: local, no_proxy: local, MIRRA_CA_CERT: server.caCert, MIRRA_HOME: server.home, MIRRA_API_URL: server.apiUrl };
  return session ? { ...env, ...proxyEnvironment(session) } : env;
}

/** The variables that name a session: its proxy URL (with credentials) and its id. */
function proxyEnvironment(session) {
  const url = session.proxyUrl;
  return { HTTPS_PROXY: url, HTTP_PROXY: url, https_proxy: url, http_proxy: url, MIRRA_SESSION: session.id };
}

/**
 * Give this process a session of its own until `end()` (a test runner's per-file session):
 * the preload's `router` and `env` (the process.env the tests see) switch to it, then back.
 */
async function useOwnSession(router, env, options = {}) {
  const session = await MirraClient.fromEnv(env).createSession(options);
  const names = Object.keys(proxyEnvironment(session));
  const saved = Object.fromEntries(names.map((name) => [name, env[name]]));
  const previous = router.route(session.proxyUrl);
  Object.assign(env, proxyEnvironment(session));
  return {
    session,
    async end() {
      router.route(previous);
      for (const name of names) {
        if (saved[name] === undefined) delete env[name];
        else env[name] = saved[name];
      }
      await session.end();
    },
  };
}

/** NODE_OPTIONS with `--require <file>` appended once (quoted when the path has spaces). */
function withPreload(nodeOptions, file) {
  const flag = `--require ${/\s/.test(file) ? JSON.stringify(file) : file}`;
  const current = (nodeOptions || '').trim();
  return current.includes(flag) ? current : `${current} ${flag}`.trim();
}

/**
 * `mirra` for tests: the session this process is in (MIRRA_SESSION, which the Vitest plugin and
 * the Jest environment set), looked up on every call so per-file sessions are followed.
 */
const mirra = {
  get id() {
    return requireEnv('MIRRA_SESSION');
  },
  get proxyUrl() {
    return process.env.HTTPS_PROXY;
  },
  state: (vendor) => current().state(vendor),
  simulate: (event, params, vendor) => current().simulate(event, params, vendor),
  advanceClock: (seconds) => current().advanceClock(seconds),
  events: (options) => current().events(options),
  waitForWebhook: (type, options) => current().waitForWebhook(type, options),
};

function current() {
  return new MirraSession(MirraClient.fromEnv(), { sessionId: requireEnv('MIRRA_SESSION'), proxyUrl: process.env.HTTPS_PROXY });
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new MirraError(`${name} is unset: run under the mirra Vitest plugin, Jest environment or \`mirra exec\``);
  return value;
}

function send(url, { method, headers, body, signal }) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, signal }, resolve);
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function readAll(response) {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => { text += chunk; });
    response.on('end', () => resolve(text));
    response.on('error', reject);
  });
}

/** Server-Sent Events -> `{ id, event, ...data }`, as mirra's Python client parses them. */
async function* parseEvents(response) {
  response.setEncoding('utf8');
  let buffer = '';
  for await (const chunk of response) {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = {};
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      if (fields.data !== undefined) yield { id: Number(fields.id || 0), event: fields.event, ...JSON.parse(fields.data) };
    }
  }
}

module.exports = {
  MirraClient,
  MirraError,
  MirraSession,
  findOrStartServer,
  findServer,
  mirra,
  mirraHome,
  openRun,
  proxyEnvironment,
  sessionEnvironment,
  startServer,
  useOwnSession,
  withPreload,
};
