// Owns the secure port every daemon exposes besides its real work (scheduler :10259,
// controller-manager :10257, kube-proxy :10256): /healthz, /livez, /readyz (each with named checks,
// `?verbose` as upstream) and /metrics (a prom-client registry), over HTTPS with the given
// certificate or, as upstream does without one, a self-signed certificate made in memory.
// Must never block on a check: a check is a synchronous function returning an error message or undefined.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import type { Registry } from 'prom-client';

/** A named health check: undefined when healthy, else why not. */
export type HealthCheck = () => string | undefined;

export interface ServingOptions {
  /** Listen address; upstream's default is all interfaces, ours 127.0.0.1 unless told. */
  host: string;
  /** 0 for a free port (tests). */
  port: number;
  /** PEM files; both or neither. Neither: a self-signed certificate for `selfSignedName`. */
  certFile?: string;
  keyFile?: string;
  /** Common name / DNS name of the self-signed certificate, e.g. `kube-scheduler`. */
  selfSignedName: string;
  registry?: Registry;
  /** Checks of /healthz and /livez. `ping` is always there. */
  checks?: Record<string, HealthCheck>;
  /** Extra checks only /readyz runs (e.g. `leaderElection`, `informer-sync`). */
  readyChecks?: Record<string, HealthCheck>;
  /** Plain HTTP instead of HTTPS (kube-proxy's healthz port is plain HTTP upstream). */
  plainHttp?: boolean;
}

export interface HealthServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** A self-signed serving certificate, as kube-scheduler makes when given none. */
export function selfSignedCertificate(name: string): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const subject = [{ shortName: 'CN', value: `${name}@${Math.floor(Date.now() / 1000)}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: name }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

/** Runs checks as upstream's healthz handler: `ok`, or 500 with `[-]name failed: reason` lines. */
function answerHealth(path: string, verbose: boolean, checks: Record<string, HealthCheck>): { status: number; body: string } {
  const results = Object.entries(checks).map(([name, check]) => {
    let reason: string | undefined;
    try {
      reason = check();
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    return { name, reason };
  });
  const failed = results.filter((r) => r.reason !== undefined);
  if (failed.length === 0 && !verbose) return { status: 200, body: 'ok' };
  const lines = results.map((r) => (r.reason === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
  const verdict = failed.length === 0 ? `${path.slice(1)} check passed` : `${path.slice(1)} check failed`;
  return { status: failed.length === 0 ? 200 : 500, body: `${lines.join('\n')}\n${verdict}\n` };
}

export async function startHealthServer(options: ServingOptions): Promise<HealthServer> {
  const liveChecks: Record<string, HealthCheck> = { ping: () => undefined, ...options.checks };
  const readyChecks: Record<string, HealthCheck> = { ...liveChecks, ...options.readyChecks };
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    const verbose = url.searchParams.has('verbose');
    if (url.pathname === '/healthz' || url.pathname === '/livez') {
      const { status, body } = answerHealth(url.pathname, verbose, liveChecks);
      return send(status, body);
    }
    if (url.pathname === '/readyz') {
      const { status, body } = answerHealth(url.pathname, verbose, readyChecks);
      return send(status, body);
    }
    if (url.pathname === '/metrics' && options.registry) {
      options.registry.metrics().then(
        (text) => send(200, text, options.registry!.contentType),
        (err: unknown) => send(500, err instanceof Error ? err.message : String(err)),
      );
      return;
    }
    send(404, '404 page not found');
  };
  let server: http.Server | https.Server;
  if (options.plainHttp) {
    server = http.createServer(handler);
  } else {
    const tls = options.certFile && options.keyFile
      ? { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) }
      : selfSignedCertificate(options.selfSignedName);
    server = https.createServer(tls, handler);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}
