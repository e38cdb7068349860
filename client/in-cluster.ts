// In-cluster configuration as client-go's rest.InClusterConfig: KUBERNETES_SERVICE_HOST/PORT and the
// service account's token, CA and namespace files; the token file is re-read every minute.
// Must never fall back to an unverified connection when the CA file is missing.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { ClientConfig } from './config.js';
import { defaultUserAgent } from './transport.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Holds `token`, `ca.crt` and `namespace`; defaults to SERVICE_ACCOUNT_DIR (injectable for tests). */
  serviceAccountDir?: string;
  /** Overrides the service account's namespace. */
  namespace?: string;
  program?: string;
}

/** client-go's ErrNotInCluster text. */
export const NOT_IN_CLUSTER = 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined';

export function isInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT);
}

export async function inClusterConfig(options: InClusterOptions = {}): Promise<ClientConfig> {
  const env = options.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error(NOT_IN_CLUSTER);
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = path.join(dir, 'token');
  const caFile = path.join(dir, 'ca.crt');
  let token: string;
  let ca: Buffer;
  try {
    token = (await readFile(tokenFile, 'utf8')).trim();
    ca = await readFile(caFile);
  } catch (err) {
    throw new Error(`unable to load in-cluster configuration: ${(err as Error).message}`, { cause: err });
  }
  let namespace = options.namespace || env.POD_NAMESPACE || '';
  if (!namespace) {
    try {
      namespace = (await readFile(path.join(dir, 'namespace'), 'utf8')).trim();
    } catch {
      // As client-go's in-cluster loader: no namespace file means `default`.
    }
  }
  // net.isIPv6 hosts need brackets, as Go's net.JoinHostPort adds them.
  const hostPart = net.isIPv6(host) ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    ca,
    token,
    tokenFile,
    namespace: namespace || 'default',
    userAgent: defaultUserAgent(options.program),
  };
}

/**
 * A bearer token read from a file and re-read once `periodMs` has passed (client-go's
 * cachingTokenSource over a file, period one minute), so rotated service-account tokens are used.
 * A failed re-read keeps the last good token, as client-go does.
 */
export class FileTokenSource {
  private cached?: string;
  private readAt = -Infinity;

  constructor(
    readonly file: string,
    initial?: string,
    private readonly periodMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    if (initial !== undefined) {
      this.cached = initial;
      this.readAt = now();
    }
  }

  token(): string | undefined {
    if (this.now() - this.readAt >= this.periodMs) {
      try {
        this.cached = readFileSync(this.file, 'utf8').trim();
        this.readAt = this.now();
      } catch (err) {
        if (this.cached === undefined) throw new Error(`unable to read token from ${this.file}: ${(err as Error).message}`, { cause: err });
      }
    }
    return this.cached;
  }
}
