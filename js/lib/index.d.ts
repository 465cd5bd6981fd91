/** A running mirra server, as server.json and MIRRA_HOME describe it. */
export interface MirraServer {
  pid: number;
  /** Its MIRRA_HOME: server.json, the control-API token, the CA. */
  home: string;
  /** The control API, e.g. http://127.0.0.1:4010. */
  apiUrl: string;
  token: string;
  /** mirra's CA certificate (PEM), for clients to trust. */
  caCert: string;
}

export interface StartedServer extends MirraServer {
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** The `mirra` executable (default: MIRRA_COMMAND, else `mirra` on PATH). */
  command?: string;
  /** MIRRA_HOME to look in (default: MIRRA_HOME, else ~/.mirra); also where a started server lives. */
  home?: string;
}

export interface SessionOptions {
  /** Mirrors of the session, e.g. ['stripe', 'resend']; default: every mirror. */
  mirrors?: string[];
  /** A seed per mirror, e.g. { stripe: 'customers' }. */
  seeds?: Record<string, string>;
}

export interface CreateSessionOptions extends SessionOptions {
  name?: string;
  timeoutSeconds?: number;
}

/** One event of a session's stream: `event` is its type; the payload's fields follow. */
export interface MirraEvent {
  id: number;
  event: string;
  at: string;
  mirror?: string;
  [field: string]: unknown;
}

/** A `webhook.dispatched` event: one delivery attempt of a vendor event. */
export interface WebhookDispatched extends MirraEvent {
  /** The vendor's event type, e.g. 'payment_intent.succeeded' or 'email.delivered'. */
  type: string;
  url: string;
  /** The endpoint's HTTP status, or null when it could not be reached. */
  status: number | null;
  attempt: number;
}

export interface WaitForWebhookOptions {
  /** Milliseconds to wait (default 10000). */
  timeout?: number;
  /** Only a 2xx delivery counts (default true); false: any attempt. */
  delivered?: boolean;
}

/** What a test needs to look into its session and steer it. */
export interface SessionHelpers {
  readonly id: string;
  readonly proxyUrl: string | undefined;
  /** The mirror's whole state (`objects` by kind, and the vendor's deliveries). */
  state(vendor?: string): Promise<any>;
  /** Make the mirror act as the vendor would on its own. */
  simulate(event: string, params?: Record<string, unknown>, vendor?: string): Promise<any>;
  /** Move the session's time; due jobs have run when it resolves. */
  advanceClock(seconds: number): Promise<any>;
  /** Everything the session's event log holds, oldest first. */
  events(options?: { types?: string }): Promise<MirraEvent[]>;
  /** The first matching delivery, past or live; rejects after the timeout. */
  waitForWebhook(type: string, options?: WaitForWebhookOptions): Promise<WebhookDispatched>;
}

export class MirraError extends Error {}

export class MirraSession implements SessionHelpers {
  readonly client: MirraClient;
  readonly id: string;
  readonly proxyUrl: string;
  /** The control API's session object. */
  readonly body: Record<string, unknown>;
  state(vendor?: string): Promise<any>;
  simulate(event: string, params?: Record<string, unknown>, vendor?: string): Promise<any>;
  advanceClock(seconds: number): Promise<any>;
  events(options?: { types?: string }): Promise<MirraEvent[]>;
  waitForWebhook(type: string, options?: WaitForWebhookOptions): Promise<WebhookDispatched>;
  end(): Promise<unknown>;
}

/** The control API of one server. */
export class MirraClient {
  constructor(server: { apiUrl: string; token: string });
  /** The server the environment names (MIRRA_API_URL, MIRRA_HOME's token). */
  static fromEnv(env?: NodeJS.ProcessEnv): MirraClient;
  readonly apiUrl: string;
  createSession(options?: CreateSessionOptions): Promise<MirraSession>;
  session(id: string): Promise<MirraSession>;
  endSession(id: string): Promise<unknown>;
  call(method: string, route: string, body?: unknown): Promise<any>;
  stream(route: string, options?: { signal?: AbortSignal }): AsyncGenerator<MirraEvent>;
}

export interface Run {
  server: MirraServer & { started: boolean };
  session: MirraSession | null;
  close(): Promise<void>;
}

/** `mirra` for tests: the session this process is in (MIRRA_SESSION), looked up on every call. */
export const mirra: SessionHelpers;

export function mirraHome(env?: NodeJS.ProcessEnv): string;
export function findServer(home?: string): MirraServer | null;
export function startServer(options?: ServerOptions): Promise<StartedServer>;
export function findOrStartServer(options?: ServerOptions): Promise<(MirraServer & { started: false }) | (StartedServer & { started: true })>;
export function openRun(options?: ServerOptions & SessionOptions & { session?: boolean }): Promise<Run>;
export function sessionEnvironment(server: MirraServer, session?: { id: string; proxyUrl: string } | null): Record<string, string>;
export function proxyEnvironment(session: { id: string; proxyUrl: string }): Record<string, string>;
export function useOwnSession(
  router: import('../register').MirraRouter,
  env: NodeJS.ProcessEnv,
  options?: SessionOptions,
): Promise<{ session: MirraSession; end(): Promise<void> }>;
export function withPreload(nodeOptions: string | undefined, file: string): string;
