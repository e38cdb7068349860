// Owns the cluster addons (cluster DNS and the ingress controller): reads the manifests beside this
// folder's source, fills in the image, the DNS ClusterIP, the kubeconfig Secrets and the hostPorts,
// and creates-or-updates them by server-side apply (field manager k8ts-addons); waits for them.
// Must never delete anything, and never touch objects other than the ones the manifests name.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { NotFoundError, type Client, type KubeObject } from '../../client/index.js';
import { kubeconfigYaml } from '../kubeconfig.js';
import { repoRoot } from '../options.js';
import { ensureClientCertificate, pkiFiles } from '../pki.js';

export const FIELD_MANAGER = 'k8ts-addons';
export const ADDON_MANIFESTS = ['coredns.yaml', 'ingress.yaml'];
export const DNS_DEPLOYMENT = { namespace: 'kube-system', name: 'coredns' };
export const INGRESS_DEPLOYMENT = { namespace: 'ingress-k8ts', name: 'ingress-k8ts-controller' };

/**
 * Who the addons are to the apiserver until service-account tokens exist: a client certificate per
 * addon, named as upstream's service accounts would authenticate.
 */
const IDENTITIES = [
  { secret: 'coredns-kubeconfig', namespace: 'kube-system', cert: 'addon-coredns', user: 'system:serviceaccount:kube-system:coredns' },
  { secret: 'ingress-k8ts-kubeconfig', namespace: 'ingress-k8ts', cert: 'addon-ingress-k8ts', user: 'system:serviceaccount:ingress-k8ts:ingress-k8ts' },
];

export interface AddonOptions {
  /** The project image, e.g. k8ts/node:0.1.0 (ensureProjectImage().image). */
  image: string;
  /**
   * Content hash of the image (ensureProjectImage().hash): written as a pod template annotation so a
   * rebuilt image under the same tag rolls the addon pods.
   */
  imageHash?: string;
  /** ClusterIP of the kube-dns Service (the kubelet's --cluster-dns). */
  clusterDNS: string;
  /**
   * The node's address, for the log line only: the ingress controller publishes its pod's
   * status.hostIP (right on every node), and the hostPort check binds 0.0.0.0 (stricter than one IP).
   */
  nodeIP?: string;
  /** The cluster's state dir (its pki/ signs the addons' client certificates). */
  stateDir: string;
  /** Apiserver URL the addon pods use; default https://<ClusterIP of the `kubernetes` Service>:443. */
  server?: string;
  /** Whether to ask for hostPorts 80/443; default: only when both are free on this host. */
  hostPorts?: boolean;
  log?: (line: string) => void;
}

interface ContainerPort { name?: string; containerPort: number; hostPort?: number; protocol?: string }
interface PodTemplate { metadata?: { annotations?: Record<string, string> }; spec: { containers: Array<{ image?: string; ports?: ContainerPort[] }> } }

/** Pod template annotation carrying the image's content hash. */
export const IMAGE_HASH_ANNOTATION = 'k8ts.io/image-content-hash';
interface Manifest extends KubeObject { spec?: Record<string, unknown> & { template?: PodTemplate; clusterIP?: string } }

/** The manifests as objects, in file order. */
export function loadAddonManifests(dir = path.join(repoRoot, 'deploy', 'addons')): Manifest[] {
  return ADDON_MANIFESTS.flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJS() as Manifest).filter((o) => o && o.kind),
  );
}

/** Pure: the manifests with the options filled in. */
export function renderAddons(manifests: Manifest[], o: { image: string; imageHash?: string; clusterDNS: string; hostPorts: boolean }): Manifest[] {
  return manifests.map((m) => {
    const obj = structuredClone(m);
    if (obj.kind === 'Service' && obj.metadata?.name === 'kube-dns') obj.spec!.clusterIP = o.clusterDNS;
    const template = obj.spec?.template;
    if (template && o.imageHash) template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [IMAGE_HASH_ANNOTATION]: o.imageHash.slice(0, 16) } };
    for (const c of template?.spec.containers ?? []) {
      c.image = o.image;
      if (!o.hostPorts) for (const p of c.ports ?? []) delete p.hostPort;
    }
    return obj;
  });
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function wantHostPorts(client: Client, o: AddonOptions): Promise<boolean> {
  if (o.hostPorts !== undefined) return o.hostPorts;
  try {
    // Our own controller already holding 80/443 is no reason to give them up.
    const current = await client.resource<Manifest>('deployments.apps', INGRESS_DEPLOYMENT.namespace).get(INGRESS_DEPLOYMENT.name);
    if (current.spec?.template?.spec.containers.some((c) => c.ports?.some((p) => p.hostPort === 80))) return true;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return (await portFree('0.0.0.0', 80)) && (await portFree('0.0.0.0', 443));
}

async function apiServerURL(client: Client, o: AddonOptions): Promise<string> {
  if (o.server) return o.server;
  const svc = await client.resource<Manifest>('services', 'default').get('kubernetes');
  const ip = svc.spec?.clusterIP;
  if (!ip) throw new Error('the `kubernetes` Service has no clusterIP yet');
  return `https://${ip}:443`;
}

function kubeconfigSecrets(server: string, stateDir: string): Manifest[] {
  const files = pkiFiles(stateDir);
  const caPem = readFileSync(files.caCert);
  return IDENTITIES.map((id) => {
    const { certFile, keyFile } = ensureClientCertificate(stateDir, id.cert, id.user);
    const kubeconfig = kubeconfigYaml({ server, caPem, certPem: readFileSync(certFile), keyPem: readFileSync(keyFile), userName: id.user });
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: id.secret, namespace: id.namespace, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
      type: 'Opaque',
      data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') },
    } as Manifest;
  });
}

async function apply(client: Client, obj: Manifest): Promise<void> {
  const [group, version] = obj.apiVersion!.includes('/') ? obj.apiVersion!.split('/') : ['', obj.apiVersion!];
  const resource = client.forKind(`${group ? `${group}/` : ''}${version}`, obj.kind!, obj.metadata?.namespace);
  await resource.patch(obj.metadata!.name!, 'apply', obj, { fieldManager: FIELD_MANAGER, force: true }, obj.metadata?.namespace);
}

/** Creates or updates every addon object; returns `Kind namespace/name` of each. */
export async function applyAddons(client: Client, o: AddonOptions): Promise<string[]> {
  const hostPorts = await wantHostPorts(client, o);
  const server = await apiServerURL(client, o);
  const objects = renderAddons(loadAddonManifests(), { image: o.image, imageHash: o.imageHash, clusterDNS: o.clusterDNS, hostPorts });
  // Namespaces first, then the kubeconfig Secrets the Deployments mount, then the rest in file order.
  const ordered = [...objects.filter((x) => x.kind === 'Namespace'), ...kubeconfigSecrets(server, o.stateDir), ...objects.filter((x) => x.kind !== 'Namespace')];
  const applied: string[] = [];
  for (const obj of ordered) {
    await apply(client, obj);
    applied.push(`${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`);
  }
  o.log?.(`addons: applied ${applied.length} objects (image ${o.image}, kube-dns ${o.clusterDNS}, ingress on ${o.nodeIP ?? 'the node'}:30080/30443${hostPorts ? ' and :80/:443' : ' (hostPorts 80/443 taken: off)'})`);
  return applied;
}

interface DeploymentStatus extends KubeObject {
  spec?: { replicas?: number };
  status?: { conditions?: Array<{ type: string; status: string; message?: string }>; availableReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
}

/** Resolves when both addon Deployments report Available=True; throws with their state after timeoutMs. */
export async function waitForAddons(client: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Map<string, string>();
  for (;;) {
    pending.clear();
    for (const d of [DNS_DEPLOYMENT, INGRESS_DEPLOYMENT]) {
      try {
        const dep = await client.resource<DeploymentStatus>('deployments.apps', d.namespace).get(d.name);
        const available = dep.status?.conditions?.find((c) => c.type === 'Available');
        const want = dep.spec?.replicas ?? 1;
        const ready = dep.status?.availableReplicas ?? 0;
        // Available=True alone is met with 0 pods when maxUnavailable covers every replica: count them too.
        if (available?.status !== 'True') pending.set(`${d.namespace}/${d.name}`, available ? `Available=${available.status}: ${available.message ?? ''}` : 'no Available condition yet');
        else if (ready < want || (dep.status?.observedGeneration ?? 0) < (dep.metadata?.generation ?? 0)) pending.set(`${d.namespace}/${d.name}`, `${ready}/${want} replicas available`);
      } catch (err) {
        pending.set(`${d.namespace}/${d.name}`, err instanceof NotFoundError ? 'not found' : String(err));
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`addons not available after ${Math.round(timeoutMs / 1000)} s: ${[...pending].map(([k, v]) => `${k} (${v})`).join('; ')}`);
    }
    await sleep(1000);
  }
}
