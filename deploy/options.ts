// Owns the options of a local cluster and their defaults (one function fills them all), and the
// location of the repository the deploy scripts run from.
// Must never read flags or the environment: main.ts parses, this only defaults and validates.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ClusterOptions {
  stateDir: string;
  apiserverPort: number;
  etcdClientPort: number;
  etcdPeerPort: number;
  etcdMetricsPort: number;
  bindAddress: string;
  /**
   * Also run the node daemons (dockerd if none answers, images, controller-manager, scheduler,
   * kubelet, kube-proxy) and the host routes; `npm start` sets it, test clusters leave it off so they
   * never touch host-wide state.
   */
  nodeDaemons: boolean;
  log: (line: string) => void;
}

/** The repository root: this file compiles to <root>/dist/deploy/options.js. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function defaultClusterOptions(partial: Partial<ClusterOptions> = {}): ClusterOptions {
  const options: ClusterOptions = {
    stateDir: path.resolve(partial.stateDir ?? path.join(repoRoot, '.k8ts')),
    apiserverPort: partial.apiserverPort ?? 6443,
    etcdClientPort: partial.etcdClientPort ?? 2379,
    etcdPeerPort: partial.etcdPeerPort ?? 2380,
    etcdMetricsPort: partial.etcdMetricsPort ?? 2381,
    bindAddress: partial.bindAddress ?? '0.0.0.0',
    nodeDaemons: partial.nodeDaemons ?? false,
    log: partial.log ?? ((line) => console.log(line)),
  };
  const ports = {
    'apiserver port': options.apiserverPort,
    'etcd client port': options.etcdClientPort,
    'etcd peer port': options.etcdPeerPort,
    'etcd metrics port': options.etcdMetricsPort,
  };
  for (const [what, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid ${what} ${port}: want 1-65535`);
  }
  if (new Set(Object.values(ports)).size !== Object.keys(ports).length) {
    throw new Error(`ports must differ: ${Object.entries(ports).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return options;
}
