// pods/{name}/exec upgrade requests: authenticates like every request, resolves the pod's kubelet,
// then relays the upgrade (WebSocket, or SPDY which the kubelet refuses) byte for byte to the
// kubelet's /exec with the apiserver's own client certificate, as upstream's UpgradeAwareHandler.
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { BadRequestError, StatusError } from '../../api/errors.js';
import { joinHostPort, type KubeletTls } from './kubelet-connection.js';
import { resolveTarget, type PodStores } from './pod-target.js';

export const POD_STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec)\/?$/;

/** Headers of the client's upgrade that the kubelet must see; credentials are never forwarded. */
const FORWARDED = new Set([
  'upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions',
  'x-stream-protocol-version', 'user-agent', 'origin',
]);

function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '') return false;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw new BadRequestError(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** PodExecOptions from the client's query, re-encoded as upstream's streamParams for the kubelet. */
export function kubeletExecQuery(query: URLSearchParams): { container?: string; params: URLSearchParams } {
  const params = new URLSearchParams();
  for (const name of ['stdin', 'stdout', 'stderr', 'tty']) if (boolParam(query, name)) params.append(name, '1');
  for (const c of query.getAll('command')) params.append('command', c);
  return { container: query.get('container') || undefined, params };
}

/** Writes a Status as the HTTP answer to an upgrade request and closes the socket. */
export function answerUpgradeWithStatus(socket: Duplex, error: StatusError): void {
  const body = JSON.stringify(error.toStatus());
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' }[error.code] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${error.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface ExecProxyOptions {
  stores: PodStores;
  tls: KubeletTls;
  logger: Logger;
}

/** Relays one authenticated exec upgrade to the kubelet; resolves once the relay is set up. */
export async function proxyExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, options: ExecProxyOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://apiserver');
  const match = POD_STREAM_PATH.exec(url.pathname);
  if (!match) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  if (req.method !== 'GET' && req.method !== 'POST') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const namespace = decodeURIComponent(match[1]!);
  const name = decodeURIComponent(match[2]!);
  const { container, params } = kubeletExecQuery(url.searchParams);
  const target = await resolveTarget(options.stores, namespace, name, container);
  if (!target.kubelet) throw new BadRequestError(`pod ${name} does not have a host assigned`);
  const endpoint = target.kubelet;
  const path = `/exec/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(target.container)}?${params.toString()}`;

  const upstream = tls.connect({
    host: endpoint.host,
    port: endpoint.port,
    cert: options.tls.cert,
    key: options.tls.key,
    ca: options.tls.ca,
    rejectUnauthorized: options.tls.rejectUnauthorized,
  });
  await new Promise<void>((resolve, reject) => {
    upstream.once('secureConnect', resolve);
    upstream.once('error', (err) => reject(new StatusError(500, '', `error dialing backend: ${err.message}`)));
  });
  const lines = [`${req.method} ${path} HTTP/1.1`, `Host: ${joinHostPort(endpoint)}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const key = req.rawHeaders[i]!;
    if (FORWARDED.has(key.toLowerCase())) lines.push(`${key}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(lines.join('\r\n') + '\r\n\r\n');
  if (head.length > 0) upstream.write(head);
  upstream.on('error', (err) => {
    options.logger.debug({ err: err.message, pod: `${namespace}/${name}` }, 'kubelet exec connection failed');
    socket.destroy();
  });
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
  upstream.pipe(socket);
  socket.pipe(upstream);
}
