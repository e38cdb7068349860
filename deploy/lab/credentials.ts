// Owns the lab's PKI and kubeconfigs under <state>/pki and <state>: one CA, the control plane's
// certificates (the apiserver's valid for the control plane's lab address), a kubelet serving and
// client certificate per worker (CN system:node:<name>, O system:nodes), and every kubeconfig
// pointing at the apiserver's lab address. Must never write a key readable by anyone but root.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureTokenFile } from '../apiserver.js';
import { kubeconfigYaml, writeKubeconfigs } from '../kubeconfig.js';
import { ensureLeafCertificate, ensurePki, type PkiFiles } from '../pki.js';
import { apiserverURL, controlPlaneHost, type LabOptions, type WorkerHost } from './options.js';

export interface LabKubeconfigs {
  admin: string;
  scheduler: string;
  controllerManager: string;
  /** Per worker: its kubelet's and its kube-proxy's kubeconfig. */
  kubelet(worker: WorkerHost): string;
  kubeProxy(worker: WorkerHost): string;
}

export function workerDir(options: LabOptions, worker: WorkerHost): string {
  return path.join(options.stateDir, worker.name);
}

export function labKubeconfigs(options: LabOptions): LabKubeconfigs {
  return {
    admin: path.join(options.stateDir, 'admin.kubeconfig'),
    scheduler: path.join(options.stateDir, 'scheduler.kubeconfig'),
    controllerManager: path.join(options.stateDir, 'controller-manager.kubeconfig'),
    kubelet: (w) => path.join(workerDir(options, w), 'kubelet.kubeconfig'),
    kubeProxy: (w) => path.join(workerDir(options, w), 'kube-proxy.kubeconfig'),
  };
}

function writePrivate(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Creates or keeps every certificate and writes every kubeconfig; returns the PKI files and how many certs were written. */
export function ensureLabCredentials(options: LabOptions, workers: WorkerHost[]): { files: PkiFiles; written: number } {
  const cp = controlPlaneHost(options);
  // The control plane's certificates: the apiserver's SANs hold cp's name and lab address.
  const { files, written } = ensurePki(options.stateDir, { hostname: cp.name, ipv4Addresses: [cp.ip] }, options.serviceCIDR);
  ensureTokenFile(files);
  let count = written.length;
  for (const w of workers) {
    const user = `system:node:${w.name}`;
    if (ensureLeafCertificate(options.stateDir, {
      name: `${w.name}-kubelet`, commonName: user, organizations: ['system:nodes'], usages: ['server'],
      dnsNames: ['localhost', w.name], ipAddresses: ['127.0.0.1', w.ip],
    })) count += 2;
    if (ensureLeafCertificate(options.stateDir, {
      name: `${w.name}-kubelet-client`, commonName: user, organizations: ['system:nodes'], usages: ['client'],
      dnsNames: [], ipAddresses: [],
    })) count += 2;
  }

  const server = apiserverURL(options);
  // admin, scheduler, controller-manager (and unused per-host kubelet/kube-proxy ones of the cp).
  writeKubeconfigs(options.stateDir, files, server, cp.name);
  const kubeconfigs = labKubeconfigs(options);
  const caPem = readFileSync(files.caCert);
  for (const w of workers) {
    writePrivate(kubeconfigs.kubelet(w), kubeconfigYaml({
      server, caPem, certPem: readFileSync(files.cert(`${w.name}-kubelet-client`)), keyPem: readFileSync(files.key(`${w.name}-kubelet-client`)),
      userName: `system:node:${w.name}`,
    }));
    writePrivate(kubeconfigs.kubeProxy(w), kubeconfigYaml({
      server, caPem, certPem: readFileSync(files.cert('kube-proxy')), keyPem: readFileSync(files.key('kube-proxy')), userName: 'system:kube-proxy',
    }));
  }
  return { files, written: count };
}
