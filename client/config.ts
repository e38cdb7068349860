// Chooses where a program's connection settings come from: an explicit kubeconfig, then the
// in-cluster service account, then KUBECONFIG, then ~/.kube/config; and defines ClientConfig.
// Must never guess a server address nor turn TLS verification off when nothing is configured.
import { existsSync } from 'node:fs';
import { inClusterConfig, isInCluster } from './in-cluster.js';
import { clientConfigFrom, kubeconfigPaths, loadKubeconfigFiles, type KubeconfigOptions } from './kubeconfig.js';

/** Everything the transport needs to reach one apiserver as one identity. */
export interface ClientConfig {
  /** `https://host:port`, no trailing slash. */
  server: string;
  /** PEM CA bundle the server's certificate must chain to; absent: Node's default CAs. */
  ca?: Buffer;
  /** PEM client certificate and key (both or neither). */
  cert?: Buffer;
  key?: Buffer;
  /** Bearer token. */
  token?: string;
  /** Where `token` came from; when set the transport re-reads it every minute (rotation). */
  tokenFile?: string;
  /** The name to verify the server's certificate against, when it differs from the URL's host. */
  tlsServerName?: string;
  /** Namespace of the context (or the service account); `default` when none. */
  namespace: string;
  userAgent: string;
}

export interface ResolveOptions extends KubeconfigOptions {
  /** Where the service account files live (tests); default /var/run/secrets/kubernetes.io/serviceaccount. */
  serviceAccountDir?: string;
}

/** explicit --kubeconfig > in-cluster (when KUBERNETES_SERVICE_HOST/PORT are set) > KUBECONFIG > ~/.kube/config. */
export async function resolveConfig(options: ResolveOptions = {}): Promise<ClientConfig> {
  const env = options.env ?? process.env;
  if (!options.kubeconfig && isInCluster(env)) {
    return inClusterConfig({ env, serviceAccountDir: options.serviceAccountDir, namespace: options.namespace, program: options.program });
  }
  const { paths, explicit } = kubeconfigPaths(options);
  if (!explicit && !paths.some((p) => existsSync(p))) {
    throw new Error(
      `no configuration found: none of ${paths.join(', ')} exists and KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set; ` +
        'pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config',
    );
  }
  return clientConfigFrom(await loadKubeconfigFiles(paths, explicit), options);
}
