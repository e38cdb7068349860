// Loads kubeconfig files as kubectl does (--kubeconfig, else KUBECONFIG merged, else ~/.kube/config)
// and resolves one context into a ClientConfig: server, CA, client certificate/key, token, namespace.
// Must never disable TLS verification (insecure-skip-tls-verify is refused) nor write any file.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { ClientConfig } from './config.js';
import { defaultUserAgent } from './transport.js';

export interface KubeconfigOptions {
  /** An explicit path (`--kubeconfig`); must exist. Wins over KUBECONFIG and ~/.kube/config. */
  kubeconfig?: string;
  /** `--context`; else the merged current-context. */
  context?: string;
  /** `--namespace`; else the context's namespace; else `default`. */
  namespace?: string;
  /** For tests; defaults to process.env and os.homedir(). */
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The program name in the User-Agent (`kube-scheduler/0.1.0 (linux/amd64)`); default `k8ts`. */
  program?: string;
}

/** A named entry of a kubeconfig list, remembering which file (folder) defined it. */
interface Entry<T> {
  value: T;
  file: string;
}

export interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  [key: string]: unknown;
}

export interface UserEntry {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
  [key: string]: unknown;
}

export interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
  [key: string]: unknown;
}

/** Several kubeconfig files merged with client-go's rules: the first file to set a key wins. */
export interface MergedKubeconfig {
  /** The files that were read, in precedence order. */
  files: string[];
  currentContext?: string;
  /** The file that set current-context (what `kubectl config use-context` rewrites). */
  currentContextFile?: string;
  clusters: Map<string, Entry<ClusterEntry>>;
  users: Map<string, Entry<UserEntry>>;
  contexts: Map<string, Entry<ContextEntry>>;
}

/** The files kubectl would read, in precedence order, and whether they must exist. */
export function kubeconfigPaths(options: Pick<KubeconfigOptions, 'kubeconfig' | 'env' | 'home'> = {}): { paths: string[]; explicit: boolean } {
  if (options.kubeconfig) return { paths: [path.resolve(options.kubeconfig)], explicit: true };
  const env = options.env ?? process.env;
  const list = env.KUBECONFIG;
  if (list) {
    const seen = new Set<string>();
    for (const item of list.split(path.delimiter)) {
      if (item) seen.add(path.resolve(item));
    }
    if (seen.size > 0) return { paths: [...seen], explicit: false };
  }
  return { paths: [path.join(options.home ?? os.homedir(), '.kube', 'config')], explicit: false };
}

function namedList<T>(file: string, doc: Record<string, unknown>, listKey: string, valueKey: string, into: Map<string, Entry<T>>): void {
  const list = doc[listKey];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new Error(`error loading config file "${file}": ${listKey} must be a list`);
  const inThisFile = new Set<string>();
  for (const item of list) {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !name) throw new Error(`error loading config file "${file}": an entry of ${listKey} has no name`);
    if (inThisFile.has(name)) throw new Error(`error loading config file "${file}": duplicate name "${name}" in ${listKey}`);
    inThisFile.add(name);
    // First file wins: an earlier file's entry is kept whole, never mixed with a later one's fields.
    if (!into.has(name)) into.set(name, { value: ((item as Record<string, unknown>)[valueKey] ?? {}) as T, file });
  }
}

/** Reads and merges the files; missing files are skipped unless `explicit`. */
export async function loadKubeconfigFiles(paths: readonly string[], explicit = false): Promise<MergedKubeconfig> {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !explicit) continue;
      throw new Error(`error loading config file "${file}": ${(err as Error).message}`, { cause: err });
    }
    let doc: unknown;
    try {
      doc = YAML.parse(text);
    } catch (err) {
      throw new Error(`error loading config file "${file}": ${(err as Error).message}`, { cause: err });
    }
    merged.files.push(file);
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`error loading config file "${file}": not a kubeconfig (expected a mapping)`);
    const record = doc as Record<string, unknown>;
    namedList(file, record, 'clusters', 'cluster', merged.clusters);
    namedList(file, record, 'users', 'user', merged.users);
    namedList(file, record, 'contexts', 'context', merged.contexts);
    const current = record['current-context'];
    if (merged.currentContext === undefined && typeof current === 'string' && current) {
      merged.currentContext = current;
      merged.currentContextFile = file;
    }
  }
  return merged;
}

/** A path in a kubeconfig is relative to the folder of the file that holds it. */
function resolveIn(file: string, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(path.dirname(file), p);
}

async function readReferenced(file: string, p: string, what: string): Promise<Buffer> {
  const full = resolveIn(file, p);
  try {
    return await readFile(full);
  } catch (err) {
    throw new Error(`unable to read ${what} from ${full}: ${(err as Error).message}`, { cause: err });
  }
}

function decodeData(data: unknown, what: string, owner: string): Buffer {
  if (typeof data !== 'string') throw new Error(`${what} of ${owner} must be a base64 string`);
  return Buffer.from(data, 'base64');
}

/** Resolves one context of a merged kubeconfig into what the transport needs. */
export async function clientConfigFrom(merged: MergedKubeconfig, options: Pick<KubeconfigOptions, 'context' | 'namespace' | 'program'> = {}): Promise<ClientConfig> {
  const contextName = options.context || merged.currentContext;
  if (!contextName) {
    if (merged.contexts.size === 0 && merged.clusters.size === 0) {
      throw new Error('invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable');
    }
    throw new Error(`invalid configuration: no current context is set (files: ${merged.files.join(', ')}); pass --context or run "k8ts config use-context NAME"`);
  }
  const context = merged.contexts.get(contextName);
  if (!context) throw new Error(`context was not found for specified context: ${contextName}`);
  const clusterName = context.value.cluster;
  if (!clusterName) throw new Error(`invalid configuration: context "${contextName}" names no cluster`);
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) throw new Error(`invalid configuration: context "${contextName}" names cluster "${clusterName}", which no kubeconfig file defines`);
  const c = cluster.value;
  if (c['insecure-skip-tls-verify'] === true) {
    throw new Error(
      `cluster "${clusterName}" sets insecure-skip-tls-verify: k8ts never disables TLS verification; ` +
        'remove it and give the cluster certificate-authority or certificate-authority-data',
    );
  }
  if (typeof c.server !== 'string' || !c.server) throw new Error(`invalid configuration: no server found for cluster "${clusterName}"`);

  const config: ClientConfig = {
    server: c.server.replace(/\/+$/, ''),
    namespace: options.namespace || context.value.namespace || 'default',
    userAgent: defaultUserAgent(options.program),
  };
  // As client-go: inline data overrides a file path when both are given.
  if (c['certificate-authority-data']) config.ca = decodeData(c['certificate-authority-data'], 'certificate-authority-data', `cluster "${clusterName}"`);
  else if (c['certificate-authority']) config.ca = await readReferenced(cluster.file, c['certificate-authority'], `certificate-authority of cluster "${clusterName}"`);
  if (typeof c['tls-server-name'] === 'string' && c['tls-server-name']) config.tlsServerName = c['tls-server-name'];

  const userName = context.value.user;
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) throw new Error(`invalid configuration: context "${contextName}" names user "${userName}", which no kubeconfig file defines`);
  if (user) {
    const u = user.value;
    const owner = `user "${userName}"`;
    if (u.exec !== undefined) throw new Error(`${owner} uses an exec credential plugin, which k8ts does not support`);
    if (u['auth-provider'] !== undefined) throw new Error(`${owner} uses an auth-provider, which k8ts does not support`);
    if (u.username !== undefined || u.password !== undefined) throw new Error(`${owner} uses basic authentication (username/password), which k8ts does not support`);
    if (u['client-certificate-data']) config.cert = decodeData(u['client-certificate-data'], 'client-certificate-data', owner);
    else if (u['client-certificate']) config.cert = await readReferenced(user.file, u['client-certificate'], `client-certificate of ${owner}`);
    if (u['client-key-data']) config.key = decodeData(u['client-key-data'], 'client-key-data', owner);
    else if (u['client-key']) config.key = await readReferenced(user.file, u['client-key'], `client-key of ${owner}`);
    if (config.cert && !config.key) throw new Error(`client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.`);
    if (config.key && !config.cert) throw new Error(`client-cert-data or client-cert must be specified for ${userName} to use the clientCert authentication method.`);
    if (u.token) config.token = String(u.token);
    else if (u.tokenFile) {
      config.tokenFile = resolveIn(user.file, u.tokenFile);
      config.token = (await readReferenced(user.file, u.tokenFile, `tokenFile of ${owner}`)).toString('utf8').trim();
    }
  }
  return config;
}

/** kubectl's loading rules end to end: which files, merged, then the chosen context resolved. */
export async function loadClientConfig(options: KubeconfigOptions = {}): Promise<ClientConfig> {
  const { paths, explicit } = kubeconfigPaths(options);
  const merged = await loadKubeconfigFiles(paths, explicit);
  return clientConfigFrom(merged, options);
}
