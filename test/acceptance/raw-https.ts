// Test helper: one raw HTTPS request to the apiserver with the admin client certificate (or none),
// with a hard timeout, returning status, headers and (for errors) the body as text.
// Must never skip server verification (the cluster CA is always given) nor talk to a non-loopback host.
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface Credentials {
  /** e.g. https://127.0.0.1:41234 */
  server: string;
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface RawRequest {
  method: string;
  /** Sent as-is (not normalised, not re-encoded), so malformed paths reach the server. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, read only for status >= 400 (a 2xx may be a never-ending watch stream). */
  body: string;
}

/**
 * Sends one request. Success responses are cut off after the headers. A socket error after the
 * response arrived (e.g. the server answering 413 and closing before the upload ended) is not a failure.
 */
export function send(creds: Credentials, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const url = new URL(creds.server);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    return Promise.reject(new Error(`refusing to send a test request to non-loopback ${url.hostname}`));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let response: RawResponse | undefined;
    let chunks: Buffer[] = [];
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (response) {
        response.body = Buffer.concat(chunks).toString('utf8');
        resolve(response);
      } else {
        reject(err ?? new Error('no response'));
      }
    };
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
    if (body !== undefined) headers['Content-Length'] = body.length;
    if (body !== undefined && body.length > UPLOAD_CHUNK) headers.Expect = '100-continue';
    const request = https.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        method: req.method,
        path: req.path,
        headers,
        ca: creds.ca,
        cert: creds.cert,
        key: creds.key,
        agent: false,
      },
      (res) => {
        response = { status: res.statusCode ?? 0, headers: res.headers, body: '' };
        if (response.status < 400) {
          res.destroy();
          finish();
          return;
        }
        chunks = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish());
        res.on('error', (err) => finish(err));
        res.on('aborted', () => finish());
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no complete response within ${timeoutMs} ms`));
      if (response) {
        // A response that started but never ended is a hang, not a success.
        response = undefined;
      }
      finish(new Error(`no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (err) => finish(err));
    if (body === undefined || body.length <= UPLOAD_CHUNK) {
      request.end(body);
      return;
    }
    // A large body waits for 100 Continue and then goes in paced chunks, stopping once the server
    // has answered (e.g. 413 after the headers): writing on into a socket the server closed would
    // lose its answer to EPIPE.
    request.once('continue', () => {
      void (async () => {
        for (let offset = 0; offset < body.length; offset += UPLOAD_CHUNK) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (response || settled) return;
          await new Promise<void>((resolve) => request.write(body.subarray(offset, offset + UPLOAD_CHUNK), () => resolve()));
        }
        if (!response && !settled) request.end();
      })();
    });
  });
}

const UPLOAD_CHUNK = 64 * 1024;
