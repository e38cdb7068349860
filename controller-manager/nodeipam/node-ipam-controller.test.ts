import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMemoryApiserver, type MemoryApiserver } from '../../test/support/memory-apiserver.js';
import { eventually, testControllerContext, type TestControllerContext } from '../../test/support/controller-context.js';
import { CidrSet } from './cidr-set.js';
import { createNodeIpamController, type NodeIpamController } from './node-ipam-controller.js';

let api: MemoryApiserver;
let t: TestControllerContext;
let controller: NodeIpamController;
const nodes = () => api.client.resource('nodes');

before(async () => {
  api = await startMemoryApiserver();
  // A node that already has a CIDR (e.g. from before a restart) keeps it, and nobody else gets it.
  await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'old' }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } } as never);
  await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } } as never);
  await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' } } as never);
  t = testControllerContext(api.client);
  controller = createNodeIpamController(t.ctx);
  await t.startInformers();
  controller.occupyExisting();
  api.clearWrites();
});

after(async () => {
  await t.stop();
  await api.stop();
});

test('nodes without a podCIDR get distinct /24s from the cluster CIDR, skipping ones in use', async () => {
  await controller.reconcile('a');
  await controller.reconcile('b');
  await controller.reconcile('old');
  assert.deepEqual(api.writes.map((w) => [w.verb, w.path]), [['patch', '/api/v1/nodes/a'], ['patch', '/api/v1/nodes/b']]);
  const a = (await nodes().get('a')) as any;
  const b = (await nodes().get('b')) as any;
  assert.deepEqual([a.spec.podCIDR, a.spec.podCIDRs], ['10.244.1.0/24', ['10.244.1.0/24']]);
  assert.deepEqual([b.spec.podCIDR, b.spec.podCIDRs], ['10.244.2.0/24', ['10.244.2.0/24']]);
  const store = t.ctx.informers.informer<any>('nodes').store;
  await eventually(() => store.getByKey('b')?.spec?.podCIDR, 'b in the cache');
  api.clearWrites();
  await controller.reconcile('a');
  assert.deepEqual(api.writes, []);
});

test('the allocator releases, reuses round-robin and reports exhaustion', () => {
  const set = new CidrSet('10.0.0.0/30', 31);
  assert.equal(set.allocateNext(), '10.0.0.0/31');
  assert.equal(set.allocateNext(), '10.0.0.2/31');
  assert.equal(set.allocateNext(), undefined);
  set.release('10.0.0.0/31');
  assert.equal(set.allocateNext(), '10.0.0.0/31');
  assert.equal(set.occupy('192.168.0.0/31'), false);
  assert.throws(() => new CidrSet('10.244.0.0/16', 8), /does not fit/);
});
