// Owns the kubeconfig files of a local cluster: <state>/admin.kubeconfig for people and kubectl,
// and one per component (scheduler, controller-manager, kube-proxy, kubelet) for later daemons.
// Must never reference key files by path (credentials are inline) nor write them world-readable.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { PkiFiles } from './pki.js';

export const CLUSTER_NAME = 'k8ts';
export const CONTEXT_NAME = 'k8ts';
export const ADMIN_USER = 'k8ts-admin';

export interface KubeconfigInput {
  server: string;
  caPem: string | Buffer;
  certPem: string | Buffer;
  keyPem: string | Buffer;
  userName: string;
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');

/** A kubeconfig in the shape `kubectl config view --raw` prints. */
export function kubeconfigYaml(input: KubeconfigInput): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER_NAME, cluster: { 'certificate-authority-data': b64(input.caPem), server: input.server } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CLUSTER_NAME, user: input.userName } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
    users: [{ name: input.userName, user: { 'client-certificate-data': b64(input.certPem), 'client-key-data': b64(input.keyPem) } }],
  });
}

export interface KubeconfigPaths {
  admin: string;
  scheduler: string;
  controllerManager: string;
  kubeProxy: string;
  kubelet: string;
}

export function kubeconfigPaths(stateDir: string): KubeconfigPaths {
  return {
    admin: path.join(stateDir, 'admin.kubeconfig'),
    scheduler: path.join(stateDir, 'scheduler.kubeconfig'),
    controllerManager: path.join(stateDir, 'controller-manager.kubeconfig'),
    kubeProxy: path.join(stateDir, 'kube-proxy.kubeconfig'),
    kubelet: path.join(stateDir, 'kubelet.kubeconfig'),
  };
}

/** Writes every kubeconfig for a server URL from the certificates in files; returns their paths. */
export function writeKubeconfigs(stateDir: string, files: PkiFiles, server: string, nodeName: string): KubeconfigPaths {
  const paths = kubeconfigPaths(stateDir);
  const caPem = readFileSync(files.caCert);
  const entries: Array<[string, string, string]> = [
    [paths.admin, 'admin', ADMIN_USER],
    [paths.scheduler, 'kube-scheduler', 'system:kube-scheduler'],
    [paths.controllerManager, 'kube-controller-manager', 'system:kube-controller-manager'],
    [paths.kubeProxy, 'kube-proxy', 'system:kube-proxy'],
    [paths.kubelet, 'kubelet-client', `system:node:${nodeName}`],
  ];
  for (const [file, certName, userName] of entries) {
    const yaml = kubeconfigYaml({
      server,
      caPem,
      certPem: readFileSync(files.cert(certName)),
      keyPem: readFileSync(files.key(certName)),
      userName,
    });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, yaml, { mode: 0o600 });
    renameSync(tmp, file);
  }
  return paths;
}
