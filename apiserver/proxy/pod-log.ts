// GET pods/{name}/log: validates PodLogOptions, finds the pod's kubelet and streams its
// /containerLogs answer back unchanged (follow included); kubelet failures become a Status as
// upstream's GenericHttpResponseChecker makes them. Never buffers a followed log.
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, InternalError, InvalidError, StatusError } from '../../api/errors.js';
import { containerLogsQuery, parsePodLogOptions, validatePodLogOptions } from '../../api/pod-log-options.js';
import { joinHostPort, type KubeletEndpoint, type KubeletTls } from './kubelet-connection.js';
import { resolveTarget, type PodStores } from './pod-target.js';

const MAX_ERROR_BYTES = 4 * 1024;

function readSome(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < MAX_ERROR_BYTES) chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BYTES)));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Upstream's GenericHttpResponseChecker for pods/log. */
export function kubeletLogError(code: number, body: string, podName: string): StatusError {
  if (code === 500) return new InternalError(body);
  if (code === 400) return new BadRequestError(body);
  if (code === 404) {
    return new StatusError(404, 'NotFound', `the server could not find the requested resource ( pods/log ${podName})`, { name: podName, kind: 'pods/log' });
  }
  return new StatusError(code, '', `the server responded with the status code ${code} but did not return more information ( pods/log ${podName})`, { name: podName, kind: 'pods/log' });
}

export function requestKubelet(tls: KubeletTls, endpoint: KubeletEndpoint, path: string, signal: AbortSignal): Promise<IncomingMessage> {
  const url = `https://${joinHostPort(endpoint)}${path}`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'GET', cert: tls.cert, key: tls.key, ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized, signal, agent: false },
      resolve,
    );
    req.on('error', (err) => reject(new StatusError(500, '', `Get ${JSON.stringify(url)}: ${err.message}`)));
    req.end();
  });
}

export async function servePodLog(request: FastifyRequest, reply: FastifyReply, stores: PodStores, tls: KubeletTls): Promise<unknown> {
  const { namespace, name } = request.params as { namespace: string; name: string };
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  const options = parsePodLogOptions(query);
  const errors = validatePodLogOptions(options);
  if (errors.length > 0) throw new InvalidError('', 'PodLogOptions', name, errors);
  const target = await resolveTarget(stores, namespace, name, options.container);
  reply.header('Content-Type', 'text/plain');
  // Not bound to a node yet: upstream answers an empty log.
  if (!target.kubelet) return reply.send('');
  const params = containerLogsQuery(options).toString();
  const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(target.container)}${params ? `?${params}` : ''}`;
  const abort = new AbortController();
  // The response closing (client gone, or done) ends the kubelet request and with it `docker logs -f`.
  reply.raw.on('close', () => abort.abort());
  const res = await requestKubelet(tls, target.kubelet, path, abort.signal);
  const code = res.statusCode ?? 500;
  if (code < 200 || code > 206) throw kubeletLogError(code, (await readSome(res)).trim(), name);
  res.on('error', () => undefined);
  return reply.send(res);
}
