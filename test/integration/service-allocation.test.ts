// Service cluster IPs and node ports on a real apiserver and etcd: allocated from the ranges,
// explicit ones honoured or refused with upstream's messages, freed on delete, never handed out
// twice under concurrent creates, and the `kubernetes` Service at the range's first address.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, InvalidError, loadClientConfig, type Client, type KubeObject } from '../../client/index.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

let cluster: TestCluster;
let client: Client;

before(async () => {
  cluster = await startTestCluster();
  client = createClient(await loadClientConfig({ kubeconfig: cluster.kubeconfig }));
});
after(async () => {
  client?.close();
  await cluster?.stop();
});

interface Svc extends KubeObject {
  spec: { type?: string; clusterIP?: string; clusterIPs?: string[]; ports: Array<{ port: number; nodePort?: number; name?: string }> };
}

const svc = (name: string, spec: Partial<Svc['spec']> = {}): Svc => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec } as Svc['spec'],
});

function inRange(ip: string): boolean {
  return /^10\.96\.\d+\.\d+$/.test(ip) && ip !== '10.96.0.0' && ip !== '10.96.255.255';
}

test('the kubernetes Service holds the first address and points at the apiserver', async () => {
  const deadline = Date.now() + 20_000;
  let kubernetes: Svc | undefined;
  while (!kubernetes && Date.now() < deadline) {
    kubernetes = await client.resource<Svc>('services', 'default').get('kubernetes').catch(() => undefined);
    if (!kubernetes) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(kubernetes?.spec.clusterIP, '10.96.0.1');
  assert.deepEqual(kubernetes?.spec.ports.map((p) => p.port), [443]);
  const slice = await client.resource('endpointslices.discovery.k8s.io', 'default').get('kubernetes') as KubeObject & { endpoints: Array<{ addresses: string[] }>; ports: Array<{ port: number }> };
  assert.equal(slice.ports[0]?.port, Number(new URL(cluster.server).port));
});

test('cluster IPs and node ports are allocated, explicit ones are honoured or refused, delete frees them', async () => {
  const services = client.resource<Svc>('services', 'default');
  const a = await services.create(svc('alloc-a', { type: 'NodePort' }));
  assert.ok(inRange(a.spec.clusterIP!), `cluster IP ${a.spec.clusterIP} is in 10.96.0.0/16`);
  assert.deepEqual(a.spec.clusterIPs, [a.spec.clusterIP]);
  const nodePort = a.spec.ports[0]!.nodePort!;
  assert.ok(nodePort >= 30000 && nodePort <= 32767, `node port ${nodePort} in range`);

  await assert.rejects(services.create(svc('alloc-b', { clusterIP: a.spec.clusterIP })), (err: unknown) => {
    assert.ok(err instanceof InvalidError);
    assert.match(err.message, new RegExp(`spec.clusterIPs: Invalid value: \\[\\]string\\{"${a.spec.clusterIP!.replace(/\./g, '\\.')}"\\}: failed to allocate IP ${a.spec.clusterIP!.replace(/\./g, '\\.')}: provided IP is already allocated`));
    return true;
  });
  await assert.rejects(services.create(svc('alloc-c', { type: 'NodePort', ports: [{ port: 80, nodePort }] })), /spec.ports\[0\].nodePort: Invalid value: \d+: provided port is already allocated/);
  await assert.rejects(services.create(svc('alloc-d', { clusterIP: '192.168.1.1' })), /the provided IP \(192\.168\.1\.1\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/16/);

  // An update that omits the allocated values keeps them (kubectl replace of a manifest without them).
  const replaced = await services.update({ ...svc('alloc-a', { type: 'NodePort' }), metadata: { name: 'alloc-a', resourceVersion: a.metadata!.resourceVersion } });
  assert.equal(replaced.spec.clusterIP, a.spec.clusterIP);
  assert.equal(replaced.spec.ports[0]!.nodePort, nodePort);

  await services.delete('alloc-a');
  const b = await services.create(svc('alloc-b', { clusterIP: a.spec.clusterIP, type: 'NodePort', ports: [{ port: 80, nodePort }] }));
  assert.equal(b.spec.clusterIP, a.spec.clusterIP, 'the freed IP can be taken again');
  assert.equal(b.spec.ports[0]!.nodePort, nodePort, 'the freed node port can be taken again');

  const headless = await services.create(svc('alloc-headless', { clusterIP: 'None' }));
  assert.equal(headless.spec.clusterIP, 'None');
});

test('concurrent creates never share an address', async () => {
  const services = client.resource<Svc>('services', 'default');
  const created = await Promise.all(Array.from({ length: 40 }, (_, i) => services.create(svc(`burst-${i}`))));
  const ips = created.map((s) => s.spec.clusterIP!);
  assert.equal(new Set(ips).size, ips.length);
  assert.ok(ips.every(inRange));
});
