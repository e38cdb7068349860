// The kubelet's HTTPS API (upstream's :10250 server): /healthz, /pods, /containerLogs, /exec over
// WebSocket, /stats/summary and /metrics, for clients holding a certificate from the cluster CA.
// Authentication only (authorization of nodes/proxy is issue 10); never serves a plain-HTTP socket.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import type { Pod } from '../../api/types.js';
import { serveContainerLogs } from './container-logs.js';
import { bridgeExec, prepareExec } from './exec.js';
import { KubeletHttpError, runningContainer, specContainerNames } from './pod-containers.js';
import { HostCpu, statsSummary } from './stats-summary.js';
import { chooseProtocol, parseExecRequest } from './stream-protocol.js';

export interface KubeletServerOptions {
  host: string;
  port: number;
  certFile: string;
  keyFile: string;
  /** CA that signs client certificates (--client-ca-file); requests without one get 401. */
  clientCAFile: string;
  docker: Docker;
  nodeName: string;
  /** The pods bound to this node, as the kubelet knows them (spec and last status). */
  pods: () => Pod[];
  logger: Logger;
  registry?: Registry;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

/** Routes with the pod path shape /{verb}/{ns}/{pod}[/{uid}]/{container}. */
const POD_ROUTE = /^\/(containerLogs|exec)\/([^/]+)\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/;

function sendText(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sendJSON(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** A raw HTTP answer on a socket that asked to upgrade, then close it. */
function refuseUpgrade(socket: Duplex, code: number, text: string): void {
  const reason = code === 401 ? 'Unauthorized' : code === 404 ? 'Not Found' : code === 400 ? 'Bad Request' : code === 500 ? 'Internal Server Error' : 'Error';
  const body = Buffer.from(text);
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`);
}

function authenticated(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  return socket.authorized === true;
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<KubeletServer> {
  const { docker, nodeName, pods, logger } = options;
  const registry = options.registry ?? new Registry();
  const requests = new Counter({
    name: 'kubelet_http_requests_total',
    help: 'Number of the http requests received since the server started',
    labelNames: ['method', 'path', 'server_type', 'long_running'],
    registers: [registry],
  });
  const inflight = new Gauge({
    name: 'kubelet_http_inflight_requests',
    help: 'Number of the inflight http requests',
    labelNames: ['method', 'path', 'server_type', 'long_running'],
    registers: [registry],
  });
  const hostCpu = new HostCpu();
  const startTime = new Date().toISOString();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseProtocol(offered) ?? false });
  const open = new Set<Socket | Duplex>();

  const findPod = (namespace: string, name: string) => pods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const path = url.pathname;
    const route = POD_ROUTE.exec(path);
    const labels = { method: (req.method ?? 'GET').toLowerCase(), path: route ? route[1]! : path.split('/')[1] ?? '', server_type: 'readwrite', long_running: String(route?.[1] === 'containerLogs' && url.searchParams.get('follow') === 'true') };
    requests.inc(labels);
    inflight.inc(labels);
    res.on('close', () => inflight.dec(labels));
    if (!authenticated(req)) return sendText(res, 401, 'Unauthorized');
    if (path === '/healthz' || path.startsWith('/healthz/')) return sendText(res, 200, 'ok');
    if (req.method !== 'GET' && req.method !== 'POST') return sendText(res, 405, 'Method Not Allowed');
    if (path === '/pods' || path === '/pods/') return sendJSON(res, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods() });
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': registry.contentType });
      return res.end(await registry.metrics());
    }
    if (path === '/stats/summary' || path === '/stats/summary/') return sendJSON(res, await statsSummary({ docker, nodeName, pods, hostCpu, startTime }));
    if (route?.[1] === 'containerLogs') {
      const [, , namespace, podName, , containerName] = route;
      return serveContainerLogs(docker, nodeName, pods, { namespace: namespace!, podName: podName!, containerName: containerName!, query: url.searchParams }, res);
    }
    if (route?.[1] === 'exec') return sendText(res, 400, 'Upgrade request required');
    return sendText(res, 404, '404 page not found\n');
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const route = POD_ROUTE.exec(url.pathname);
    const labels = { method: (req.method ?? 'GET').toLowerCase(), path: route?.[1] ?? url.pathname.split('/')[1] ?? '', server_type: 'readwrite', long_running: 'true' };
    requests.inc(labels);
    if (!authenticated(req)) return refuseUpgrade(socket, 401, 'Unauthorized');
    if (route?.[1] !== 'exec') return refuseUpgrade(socket, 404, '404 page not found\n');
    const [, , namespace, podName, podUid, containerName] = route;
    let request;
    try {
      request = parseExecRequest(url.searchParams);
    } catch (err) {
      return refuseUpgrade(socket, 400, (err as Error).message);
    }
    const pod = findPod(namespace!, podName!);
    if (!pod || (podUid && pod.metadata?.uid !== podUid)) return refuseUpgrade(socket, 404, 'pod does not exist');
    if (!specContainerNames(pod).includes(containerName!)) return refuseUpgrade(socket, 500, `container not found (${JSON.stringify(containerName)})`);
    const instance = await runningContainer(docker, nodeName, pod, containerName!);
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuseUpgrade(socket, 400, `k8ts's kubelet streams exec over WebSocket (${'v5.channel.k8s.io'}, v4.channel.k8s.io) only; SPDY is not supported`);
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!chooseProtocol(offered)) {
      return refuseUpgrade(socket, 400, `none of the offered subprotocols ${JSON.stringify(offered)} is supported; use v5.channel.k8s.io or v4.channel.k8s.io`);
    }
    const prepared = await prepareExec(docker, instance, request);
    wss.handleUpgrade(req, socket, head, (ws) => {
      inflight.inc(labels);
      const log = logger.child({ pod: `${namespace}/${podName}`, container: containerName, protocol: ws.protocol });
      log.debug({ command: request.command }, 'exec started');
      bridgeExec(ws, prepared, request, log).finally(() => {
        inflight.dec(labels);
        log.debug('exec ended');
      });
    });
  };

  const server = https.createServer(
    {
      cert: readFileSync(options.certFile),
      key: readFileSync(options.keyFile),
      ca: readFileSync(options.clientCAFile),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (err instanceof KubeletHttpError) return sendText(res, err.code, err.message);
        logger.warn({ err: (err as Error).message, url: req.url }, 'kubelet request failed');
        sendText(res, 500, (err as Error).message);
      });
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    handleUpgrade(req, socket, head).catch((err: unknown) => {
      if (err instanceof KubeletHttpError) return refuseUpgrade(socket, err.code, err.message);
      logger.warn({ err: (err as Error).message, url: req.url }, 'kubelet exec failed');
      refuseUpgrade(socket, 500, (err as Error).message);
    });
  });
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ address: options.host, port }, 'kubelet server listening');
  return {
    port,
    async close() {
      wss.clients.forEach((ws) => ws.terminate());
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      wss.close();
    },
  };
}
