// Owns the `kubernetes` Service in `default` (the first address of the service range, port 443 ->
// the apiserver's secure port) and its Endpoints and EndpointSlice pointing at this apiserver's
// advertise address, reconciled at start and every minute as upstream's endpoint reconciler does.
// Must never touch any other Service. Idempotent.
import os from 'node:os';
import { AlreadyExistsError, NotFoundError } from '../api/errors.js';
import { findByPlural } from '../api/resources.js';
import type { WriteContext } from './registry/context.js';
import type { KubeObject } from './registry/codec.js';
import type { ResourceStore } from './registry/store.js';

export interface KubernetesServiceOptions {
  clusterIP: string;
  advertiseAddress: string;
  securePort: number;
}

const systemContext = (): WriteContext => ({
  user: { name: 'system:apiserver', groups: ['system:masters'] },
  fieldManager: 'kube-apiserver',
  dryRun: false,
  fieldValidation: 'Strict',
  warnings: [],
});

/** upstream's default advertise address: the bind address, or the first non-loopback IPv4 address. */
export function defaultAdvertiseAddress(bindAddress: string): string {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::' && bindAddress !== '') return bindAddress;
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

async function upsert(store: ResourceStore, namespace: string, name: string, desired: KubeObject, same: (current: KubeObject) => boolean, apply: (current: KubeObject) => KubeObject): Promise<void> {
  try {
    await store.create(namespace, desired, systemContext());
    return;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
  try {
    await store.guaranteedUpdate(namespace, name, (current) => (same(current) ? current : apply(current)), systemContext());
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

export async function ensureKubernetesService(stores: Map<unknown, ResourceStore>, o: KubernetesServiceOptions): Promise<void> {
  const services = stores.get(findByPlural('', 'v1', 'services'))!;
  const endpoints = stores.get(findByPlural('', 'v1', 'endpoints'))!;
  const slices = stores.get(findByPlural('discovery.k8s.io', 'v1', 'endpointslices'))!;
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: o.securePort }];
  await upsert(services, 'default', 'kubernetes', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: { type: 'ClusterIP', clusterIP: o.clusterIP, ports, sessionAffinity: 'None' },
  }, (c) => JSON.stringify(c.spec?.ports?.map((p: { targetPort?: unknown }) => p.targetPort)) === JSON.stringify([o.securePort]), (c) => {
    c.spec.ports = ports;
    return c;
  });
  const subsets = [{ addresses: [{ ip: o.advertiseAddress }], ports: [{ name: 'https', port: o.securePort, protocol: 'TCP' }] }];
  await upsert(endpoints, 'default', 'kubernetes', {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets,
  }, (c) => JSON.stringify(c.subsets) === JSON.stringify(subsets), (c) => {
    c.subsets = subsets;
    return c;
  });
  const sliceEndpoints = [{ addresses: [o.advertiseAddress], conditions: { ready: true } }];
  const slicePorts = [{ name: 'https', port: o.securePort, protocol: 'TCP' }];
  await upsert(slices, 'default', 'kubernetes', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4', endpoints: sliceEndpoints, ports: slicePorts,
  }, (c) => JSON.stringify(c.endpoints) === JSON.stringify(sliceEndpoints) && JSON.stringify(c.ports) === JSON.stringify(slicePorts), (c) => {
    c.endpoints = sliceEndpoints;
    c.ports = slicePorts;
    return c;
  });
}
