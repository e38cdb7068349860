// Owns the credentials of the docker-compose cluster: the shared PKI volume the one-shot `pki`
// service fills (CA, control-plane certificates, etcd's serving certificate for the name `etcd`, one
// kubelet client certificate and kubeconfig per node, every kubeconfig pointing at https://apiserver:6443,
// the admin kubeconfig for the host) and each node's kubelet serving certificate, issued when the node
// starts because only then is its address known. Must never write a key readable by anyone but its owner.
import { chownSync, copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureTokenFile } from '../apiserver.js';
import { kubeconfigYaml } from '../kubeconfig.js';
import { ensureLeafCertificate, ensurePki, pkiFiles, type PkiFiles } from '../pki.js';

/** In-network names of the compose services, as docker-compose.yml names them. */
export const APISERVER_HOST = 'apiserver';
export const ETCD_HOST = 'etcd';
export const ETCD_SERVER_CERT = 'etcd/compose-server';

export interface ControlPlaneCredentialsInput {
  /** The PKI volume, mounted at the same path in every service. */
  stateDir: string;
  /** Node names: one kubelet client certificate and kubeconfig each. */
  nodes: string[];
  /** The apiserver URL as the services see it. */
  server: string;
  serviceClusterIpRange: string;
  /** The apiserver's host name and addresses in its certificate (default `apiserver`, none). */
  apiserverName?: string;
  apiserverIPs?: string[];
  /** Where the host's admin kubeconfig goes (a bind mount), and the apiserver URL as the host sees it. */
  hostOutDir?: string;
  hostServer?: string;
  /** Owner (uid:gid) to give the host's file, so the user who ran docker-compose can read it. */
  hostOwner?: { uid: number; gid: number };
}

export interface ControlPlaneCredentials {
  files: PkiFiles;
  /** Paths inside the volume, by component; per node under nodes/<name>/. */
  kubeconfigs: { admin: string; scheduler: string; controllerManager: string; kubeProxy: string; kubelet: Record<string, string> };
  hostAdminKubeconfig?: string;
  /** Files (re)written by this call, relative to the state dir. */
  written: string[];
}

function writePrivate(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

export function nodeKubeconfigPath(stateDir: string, node: string): string {
  return path.join(stateDir, 'nodes', node, 'kubelet.kubeconfig');
}

/** Creates or keeps the PKI and (re)writes every kubeconfig; idempotent across `docker-compose up` runs. */
export function ensureControlPlaneCredentials(input: ControlPlaneCredentialsInput): ControlPlaneCredentials {
  for (const node of input.nodes) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(node)) throw new Error(`invalid node name ${JSON.stringify(node)}: want a DNS-1123 label`);
  }
  // The apiserver's SANs: localhost/127.0.0.1 (the host reaches it through a published port), the
  // service name `apiserver`, the kubernetes Service names and its first service IP.
  // The Vagrant lab passes the control plane VM's name and address instead.
  const apiserverHost = { hostname: input.apiserverName ?? APISERVER_HOST, ipv4Addresses: input.apiserverIPs ?? [] };
  const { files, written } = ensurePki(input.stateDir, apiserverHost, input.serviceClusterIpRange);
  ensureTokenFile(files);
  const issue = (spec: Parameters<typeof ensureLeafCertificate>[1]) => {
    if (ensureLeafCertificate(input.stateDir, spec)) written.push(`${spec.name}.crt`, `${spec.name}.key`);
  };
  issue({ name: ETCD_SERVER_CERT, commonName: 'k8ts-etcd', organizations: [], usages: ['server', 'client'], dnsNames: [ETCD_HOST, 'localhost'], ipAddresses: ['127.0.0.1'] });
  for (const node of input.nodes) {
    issue({ name: `nodes/${node}-kubelet-client`, commonName: `system:node:${node}`, organizations: ['system:nodes'], usages: ['client'], dnsNames: [], ipAddresses: [] });
  }

  const caPem = readFileSync(files.caCert);
  const kubeconfig = (server: string, cert: string, userName: string) =>
    kubeconfigYaml({ server, caPem, certPem: readFileSync(files.cert(cert)), keyPem: readFileSync(files.key(cert)), userName });
  const kubeconfigs: ControlPlaneCredentials['kubeconfigs'] = {
    admin: path.join(input.stateDir, 'admin.kubeconfig'),
    scheduler: path.join(input.stateDir, 'scheduler.kubeconfig'),
    controllerManager: path.join(input.stateDir, 'controller-manager.kubeconfig'),
    kubeProxy: path.join(input.stateDir, 'kube-proxy.kubeconfig'),
    kubelet: {},
  };
  writePrivate(kubeconfigs.admin, kubeconfig(input.server, 'admin', 'kubernetes-admin'));
  writePrivate(kubeconfigs.scheduler, kubeconfig(input.server, 'kube-scheduler', 'system:kube-scheduler'));
  writePrivate(kubeconfigs.controllerManager, kubeconfig(input.server, 'kube-controller-manager', 'system:kube-controller-manager'));
  writePrivate(kubeconfigs.kubeProxy, kubeconfig(input.server, 'kube-proxy', 'system:kube-proxy'));
  for (const node of input.nodes) {
    kubeconfigs.kubelet[node] = nodeKubeconfigPath(input.stateDir, node);
    writePrivate(kubeconfigs.kubelet[node]!, kubeconfig(input.server, `nodes/${node}-kubelet-client`, `system:node:${node}`));
  }

  let hostAdminKubeconfig: string | undefined;
  if (input.hostOutDir) {
    hostAdminKubeconfig = path.join(input.hostOutDir, 'admin.kubeconfig');
    writePrivate(hostAdminKubeconfig, kubeconfig(input.hostServer ?? input.server, 'admin', 'kubernetes-admin'));
    if (input.hostOwner) chownSync(hostAdminKubeconfig, input.hostOwner.uid, input.hostOwner.gid);
  }
  return { files, kubeconfigs, hostAdminKubeconfig, written };
}

/** uid/gid of a path, e.g. the repository root the compose file lives in. */
export function ownerOf(file: string): { uid: number; gid: number } {
  const st = statSync(file);
  return { uid: st.uid, gid: st.gid };
}

export interface KubeletServingInput {
  /** The shared PKI volume (read-only is enough). */
  sharedStateDir: string;
  /** The node's own state dir: a copy of the CA goes to <nodeStateDir>/pki, the certificate beside it. */
  nodeStateDir: string;
  nodeName: string;
  nodeIP: string;
}

/**
 * Issues the node's kubelet serving certificate (CN system:node:<name>, O system:nodes, SANs the node
 * name, localhost and its address), signed by the cluster CA, into the node's own state dir; returns
 * the cert/key/CA paths the kubelet's flags name.
 */
export function ensureKubeletServingCertificate(input: KubeletServingInput): { certFile: string; keyFile: string; caFile: string; written: boolean } {
  const shared = pkiFiles(input.sharedStateDir);
  const local = pkiFiles(input.nodeStateDir);
  mkdirSync(local.dir, { recursive: true, mode: 0o700 });
  copyFileSync(shared.caCert, local.caCert);
  const key = readFileSync(shared.caKey);
  writePrivate(local.caKey, key.toString());
  const name = `${input.nodeName}-kubelet`;
  const written = ensureLeafCertificate(input.nodeStateDir, {
    name,
    commonName: `system:node:${input.nodeName}`,
    organizations: ['system:nodes'],
    usages: ['server'],
    dnsNames: ['localhost', input.nodeName],
    ipAddresses: ['127.0.0.1', input.nodeIP],
  });
  return { certFile: local.cert(name), keyFile: local.key(name), caFile: local.caCert, written };
}
