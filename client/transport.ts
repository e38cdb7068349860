// HTTPS to one apiserver: keep-alive agent with the config's CA and client certificate, bearer
// token, JSON bodies, timeouts, abort signals, bounded retries where repeating cannot do harm, and
// non-2xx answers turned into StatusErrors. Must never disable certificate verification, speak plain
// HTTP, or retry a request that may already have changed something on the server.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { StatusError } from '../api/errors.js';
import type { ClientConfig } from './config.js';
import { ConnectionError, isStatus, statusErrorFrom, statusFromBody } from './errors.js';
import { FileTokenSource } from './in-cluster.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

function packageVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'k8ts' && pkg.version) return pkg.version;
    } catch {
      // try the next layout (dist/client/ vs client/)
    }
  }
  return '0.0.0';
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
const GO_OS: Record<string, string> = { win32: 'windows' };

/** client-go's shape: `k8ts/0.1.0 (linux/amd64) k8ts`, with the program's own name first. */
export function defaultUserAgent(program = 'k8ts'): string {
  const os = GO_OS[process.platform] ?? process.platform;
  const arch = GO_ARCH[process.arch] ?? process.arch;
  return `${program}/${packageVersion()} (${os}/${arch}) k8ts`;
}

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

export interface RequestOptions {
  method: string;
  /** Absolute API path (`/api/v1/pods`); the server URL's own path prefix is prepended. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A Buffer or string is sent as is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** Milliseconds for the whole exchange; 0 = none. Default 30 s, none for stream(). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface TransportOptions {
  /** Retries of a safe request (GET); default 5. */
  maxRetries?: number;
  /** Backoff after a connection error: base doubling per attempt, jittered, capped at 5 s. Default 250 ms. */
  retryBaseMs?: number;
  /** Cap on a server's Retry-After; default 10 s. */
  maxRetryAfterMs?: number;
  /** Called with each `Warning` header text (deprecations, unknown fields with fieldValidation=Warn). */
  onWarning?: (warning: string) => void;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface Transport {
  readonly config: ClientConfig;
  /** The full answer of a 2xx; a non-2xx throws its StatusError, no answer throws ConnectionError. */
  request(options: RequestOptions): Promise<RawResponse>;
  /** request() with the body parsed as JSON. */
  requestJSON<T = unknown>(options: RequestOptions): Promise<T>;
  /** A 2xx answer as a stream (watches, logs). No timeout unless given; ends when `signal` aborts. */
  stream(options: RequestOptions): Promise<IncomingMessage>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

/** A 429/503 with Retry-After: the server did not do the work and says when to come back. */
class RetryLater {
  constructor(
    readonly retryAfterMs: number,
    readonly error: StatusError,
  ) {}
}

const RETRYABLE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Seconds of a Retry-After header (integer form, as the apiserver sends it). */
function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  const seconds = Number.parseInt(value, 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function errorFromResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): StatusError {
  const text = body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isStatus(parsed)) return statusErrorFrom(parsed, status);
  } catch {
    // not JSON: described by the code alone
  }
  const status_ = statusFromBody(status, text, retryAfterSeconds(headers));
  return statusErrorFrom(status_, status);
}

/** Concurrent request connections per client (watches and other streams are not counted). */
export const MAX_SOCKETS = 32;

export function createTransport(config: ClientConfig, options: TransportOptions = {}): Transport {
  const base = new URL(config.server);
  if (base.protocol !== 'https:') {
    throw new Error(`server ${config.server} is not an https:// URL: k8ts talks to apiservers only over verified TLS`);
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  const tls = { ca: config.ca, cert: config.cert, key: config.key, servername: config.tlsServerName, rejectUnauthorized: true };
  // Requests share at most MAX_SOCKETS connections (a burst must not open one TLS handshake per
  // request, which swamps the apiserver); long-lived streams (watches, logs) get their own agent so
  // they can never take the request sockets away.
  const agent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...tls });
  const streamAgent = new https.Agent({ keepAlive: true, ...tls });
  const tokens = config.tokenFile ? new FileTokenSource(config.tokenFile, config.token) : undefined;
  const maxRetries = options.maxRetries ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 250;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  function headersFor(req: RequestOptions, body: Buffer | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      accept: req.accept ?? 'application/json',
      'user-agent': config.userAgent,
      ...req.headers,
    };
    const token = tokens ? tokens.token() : config.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = String(body.length);
    }
    return headers;
  }

  function encodeBody(body: unknown): Buffer | undefined {
    if (body === undefined) return undefined;
    if (Buffer.isBuffer(body)) return body;
    if (typeof body === 'string') return Buffer.from(body, 'utf8');
    return Buffer.from(JSON.stringify(body), 'utf8');
  }

  /** One exchange: resolves with the response once headers arrive; the caller consumes the body. */
  function send(req: RequestOptions, body: Buffer | undefined, timeoutMs: number, streaming = false): Promise<{ res: IncomingMessage; done: () => void }> {
    return new Promise((resolve, reject) => {
      const signal = req.signal;
      if (signal?.aborted) return reject(abortReason(signal));
      const outgoing = https.request({
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || 443,
        method: req.method,
        path: `${prefix}${req.path}${buildQuery(req.query)}`,
        headers: headersFor(req, body),
        agent: streaming ? streamAgent : agent,
      });
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => outgoing.destroy(abortReason(signal!) as Error);
      const done = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          outgoing.destroy(new ConnectionError(`${req.method} ${req.path}: no answer within ${timeoutMs / 1000}s`, { code: 'ETIMEDOUT' }));
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.on('response', (res) => resolve({ res, done }));
      outgoing.on('error', (err) => {
        done();
        reject(wrapError(req, err, signal));
      });
      outgoing.end(body);
    });
  }

  function wrapError(req: RequestOptions, err: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return abortReason(signal);
    if (err instanceof ConnectionError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new ConnectionError(`${req.method} ${config.server}${req.path}: ${message}`, { cause: err });
  }

  async function readBody(req: RequestOptions, res: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (err) {
      throw wrapError(req, err, req.signal);
    }
    return Buffer.concat(chunks);
  }

  const isSafe = (method: string) => method === 'GET' || method === 'HEAD';

  async function withRetries<T>(req: RequestOptions, attempt: () => Promise<T | RetryLater>): Promise<T> {
    for (let tries = 0; ; tries++) {
      let outcome: T | RetryLater;
      try {
        outcome = await attempt();
      } catch (err) {
        const retryable = err instanceof ConnectionError && err.code !== undefined && RETRYABLE_CONNECTION_CODES.has(err.code);
        if (!retryable || !isSafe(req.method) || tries >= maxRetries) throw err;
        const backoff = Math.min(retryBaseMs * 2 ** tries, 5_000);
        await sleep(backoff * (1 + random() * 0.5), req.signal);
        continue;
      }
      if (outcome instanceof RetryLater) {
        if (!isSafe(req.method) || tries >= maxRetries) throw outcome.error;
        await sleep(Math.min(outcome.retryAfterMs, maxRetryAfterMs) * (1 + random() * 0.2), req.signal);
        continue;
      }
      return outcome as T;
    }
  }

  function reportWarnings(headers: IncomingHttpHeaders): void {
    if (!options.onWarning) return;
    const raw = headers.warning;
    for (const w of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      // `299 - "text"`: hand over the text.
      const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(w);
      options.onWarning(m ? m[1].replace(/\\(.)/g, '$1') : w);
    }
  }

  async function request(req: RequestOptions): Promise<RawResponse> {
    const body = encodeBody(req.body);
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return withRetries<RawResponse>(req, async () => {
      const { res, done } = await send(req, body, timeoutMs);
      let data: Buffer;
      try {
        data = await readBody(req, res);
      } finally {
        done();
      }
      const status = res.statusCode ?? 0;
      reportWarnings(res.headers);
      if (status >= 200 && status < 300) return { status, headers: res.headers, body: data };
      const error = errorFromResponse(status, res.headers, data);
      const after = retryAfterSeconds(res.headers);
      if ((status === 429 || status === 503) && after !== undefined) return new RetryLater(after * 1000, error);
      throw error;
    });
  }

  return {
    config,
    request,
    async requestJSON<T>(req: RequestOptions): Promise<T> {
      const res = await request(req);
      const text = res.body.toString('utf8');
      if (!text) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new ConnectionError(`${req.method} ${req.path}: the server's answer is not JSON: ${text.slice(0, 200)}`, { cause: err });
      }
    },
    async stream(req: RequestOptions): Promise<IncomingMessage> {
      const body = encodeBody(req.body);
      return withRetries<IncomingMessage>(req, async () => {
        const { res, done } = await send(req, body, req.timeoutMs ?? 0, true);
        const status = res.statusCode ?? 0;
        reportWarnings(res.headers);
        if (status >= 200 && status < 300) {
          res.once('close', done);
          return res;
        }
        let data: Buffer;
        try {
          data = await readBody(req, res);
        } finally {
          done();
        }
        const error = errorFromResponse(status, res.headers, data);
        const after = retryAfterSeconds(res.headers);
        if ((status === 429 || status === 503) && after !== undefined) return new RetryLater(after * 1000, error);
        throw error;
      });
    },
    close() {
      agent.destroy();
      streamAgent.destroy();
    },
  };
}
