'use strict';
/**
 * mirra's Node preload: an unmodified app's HTTPS calls go to mirra's proxy, carrying the
 * session's credentials on CONNECT, with no code change.
 *
 *   NODE_OPTIONS="--require @mirra/node/register" node app.js     (what `mirra exec` sets)
 *   node --import @mirra/node/register app.mjs
 *
 * Why a preload: no Node version makes the three SDKs honour HTTPS_PROXY. stripe-node and
 * twilio-node (axios) pass their own `https.Agent`, so every non-loopback `https.request` is given
 * one keep-alive CONNECT agent instead; resend uses the global `fetch`, so undici's global
 * dispatcher is replaced. The npm undici must have the major of Node's bundled one (6 on Node
 * 20/22, 7 from Node 24): a mismatch breaks fetch or is silently ignored.
 *
 * The proxy is MIRRA_PROXY_URL, else HTTPS_PROXY / https_proxy, read at start; `route(url)` moves
 * later requests to another session (a test runner's per-file session). Loopback and NO_PROXY
 * hosts go direct. MIRRA_CA_CERT names a CA file to trust in this process, for when
 * NODE_EXTRA_CA_CERTS (read once, at process start) could not be set in time.
 *
 * Installed once per process or worker thread, on the outermost realm, also when required again
 * from inside a vm context (Jest, Vitest's vm pools): every copy returns the same router.
 */

const ROUTER = Symbol.for('mirra.node.router');
// The outer realm's globalThis, also from inside a vm context: `process` is the real process
// object, so its constructor's constructor is the outer realm's Function.
const outer = process.constructor.constructor('return globalThis')();

function install() {
  const router = new Router(process.env.MIRRA_PROXY_URL || process.env.HTTPS_PROXY || process.env.https_proxy);
  Object.defineProperty(outer, ROUTER, { value: router });
  patchHttps(router);
  if (router.proxyUrl) router.installDispatcher();
  if (process.env.MIRRA_CA_CERT) router.trust(process.env.MIRRA_CA_CERT);
  return router;
}

class Router {
  constructor(proxyUrl) {
    this.proxyUrl = proxyUrl || null;
    this.noProxy = parseNoProxy(process.env.NO_PROXY ?? process.env.no_proxy ?? '');
    this.agents = new Map(); // proxy URL -> keep-alive CONNECT agent for node:https
    this.dispatchers = new Map(); // proxy URL -> undici ProxyAgent for fetch
    this.trusted = new Set();
    this.undici = null;
  }

  /** Send later requests through `proxyUrl` (null: straight out); returns the previous URL. */
  route(proxyUrl) {
    const previous = this.proxyUrl;
    this.proxyUrl = proxyUrl || null;
    if (this.proxyUrl) this.installDispatcher();
    return previous;
  }

  /** Trust the CA in `file` in this process, besides Node's roots and NODE_EXTRA_CA_CERTS. */
  trust(file) {
    if (this.trusted.has(file)) return;
    this.trusted.add(file);
    addDefaultCa(require('node:fs').readFileSync(file, 'utf8'));
  }

  bypasses(host) {
    const name = String(host).replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    return !this.proxyUrl || isLoopback(name) || this.noProxy.some((rule) => rule === '*'
      || name === rule || name.endsWith(rule.startsWith('.') ? rule : `.${rule}`));
  }

  httpsAgent() {
    let agent = this.agents.get(this.proxyUrl);
    if (!agent) {
      const { HttpsProxyAgent } = require('https-proxy-agent');
      agent = new HttpsProxyAgent(this.proxyUrl, { keepAlive: true }); // sends "user:password"
      this.agents.set(this.proxyUrl, agent);
    }
    return agent;
  }

  fetchDispatcher(host) {
    if (this.bypasses(host)) return this.direct;
    let dispatcher = this.dispatchers.get(this.proxyUrl);
    if (!dispatcher) {
      // An explicit token: undici < 8 drops credentials whose password is empty.
      dispatcher = new this.undici.ProxyAgent({ uri: this.proxyUrl, token: basicToken(this.proxyUrl) });
      this.dispatchers.set(this.proxyUrl, dispatcher);
    }
    return dispatcher;
  }

  installDispatcher() {
    if (this.undici) return;
    const builtinMajor = Number(String(process.versions.undici || '6').split('.')[0]);
    this.undici = require(builtinMajor <= 6 ? 'undici6' : 'undici7');
    this.direct = new this.undici.Agent();
    const router = this;
    class MirraDispatcher extends this.undici.Dispatcher {
      dispatch(options, handler) {
        return router.fetchDispatcher(new URL(options.origin).hostname).dispatch(options, handler);
      }
      async close() {
        await Promise.all([router.direct, ...router.dispatchers.values()].map((d) => d.close()));
      }
      async destroy(error) {
        await Promise.all([router.direct, ...router.dispatchers.values()].map((d) => d.destroy(error)));
      }
    }
    this.undici.setGlobalDispatcher(new MirraDispatcher());
    copyDispatcherToOuterRealm();
  }
}

/** Every non-bypassed https.request / https.get gets the proxy agent, whatever agent it passed. */
function patchHttps(router) {
  const https = require('node:https');
  for (const name of ['request', 'get']) {
    const original = https[name];
    https[name] = function mirraHttps(...args) {
      const url = isUrl(args[0]) ? new URL(String(args.shift())) : null;
      const options = args[0] && typeof args[0] === 'object' ? { ...args.shift() } : {};
      const host = options.hostname || options.host || (url && url.hostname) || 'localhost';
      if (!options.socketPath && !router.bypasses(host)) {
        options.agent = router.httpsAgent();
        // agent-base keys its keep-alive pool by protocol; stripe-node passes none, and the
        // guessed key differs when the socket is freed, so sockets would never be reused.
        options.protocol = 'https:';
      }
      return url ? original.call(this, url, options, ...args) : original.call(this, options, ...args);
    };
  }
  // ESM code that did `import { request } from 'node:https'` sees the patched functions too.
  require('node:module').syncBuiltinESMExports();
}

/** Node's built-in fetch reads the dispatcher from the outer realm's globalThis. */
function copyDispatcherToOuterRealm() {
  if (outer === globalThis) return;
  for (const key of ['undici.globalDispatcher.1', 'undici.globalDispatcher.2']) {
    const value = globalThis[Symbol.for(key)];
    if (value !== undefined) {
      Object.defineProperty(outer, Symbol.for(key), { value, writable: true, enumerable: false, configurable: false });
    }
  }
}

function addDefaultCa(pem) {
  const tls = require('node:tls');
  if (typeof tls.setDefaultCACertificates === 'function') { // Node >= 22.19 / 24.5
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), pem]);
    return;
  }
  // Node 20: add the CA to every secure context built without an explicit `ca`.
  const extra = outer[Symbol.for('mirra.node.extraCa')] || installExtraCa(tls);
  extra.push(pem);
}

function installExtraCa(tls) {
  const extra = [];
  Object.defineProperty(outer, Symbol.for('mirra.node.extraCa'), { value: extra });
  const original = tls.createSecureContext;
  tls.createSecureContext = function mirraSecureContext(options) {
    const context = original.call(this, options);
    if (!options || !options.ca) for (const pem of extra) context.context.addCACert(pem);
    return context;
  };
  return extra;
}

function basicToken(proxyUrl) {
  const { username, password } = new URL(proxyUrl);
  if (!username && !password) return undefined;
  const credentials = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function parseNoProxy(value) {
  return value.split(',').map((rule) => rule.trim().toLowerCase().replace(/:\d+$/, '')).filter(Boolean);
}

function isLoopback(host) {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}

function isUrl(value) {
  return typeof value === 'string' || value instanceof URL
    || (value !== null && typeof value === 'object' && typeof value.href === 'string' && 'searchParams' in value);
}

module.exports = outer[ROUTER] || install();
