import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiserverURL, controlPlaneHost, defaultLabOptions, rootAddress, rootLink, switchNamespace, workerHosts } from './options.js';

test('default lab: names, addresses and dirs of every host', () => {
  const o = defaultLabOptions({ log: () => undefined });
  assert.equal(switchNamespace(o), 'k8ts-lab');
  assert.equal(rootLink(o), 'k8ts-lab');
  assert.equal(rootAddress(o), '10.88.0.1');
  assert.deepEqual(controlPlaneHost(o), { name: 'k8ts-lab-cp', role: 'control-plane', ip: '10.88.0.2', port: 'cp' });
  assert.equal(apiserverURL(o), 'https://10.88.0.2:6443');
  const [w1, w2] = workerHosts(o);
  assert.equal(w1!.name, 'k8ts-lab-w1');
  assert.equal(w1!.ip, '10.88.0.11');
  assert.equal(w2!.ip, '10.88.0.12');
  assert.equal(w1!.dockerBip, '10.88.101.1/24');
  assert.equal(w2!.dockerBip, '10.88.102.1/24');
  assert.equal(w1!.dockerSocket, '/run/k8ts-lab/k8ts-lab-w1/docker.sock');
  assert.equal(w1!.dockerDataRoot, '/var/lib/k8ts-lab/k8ts-lab-w1/docker');
});

test('a second lab shares no name, address or directory with the first', () => {
  const a = defaultLabOptions({ log: () => undefined });
  const b = defaultLabOptions({ prefix: 'k8ts-e2e-ab', subnet: '10.89.7.0/24', stateDir: '/tmp/x', log: () => undefined });
  const everything = (o: typeof a) => [rootLink(o), rootAddress(o), controlPlaneHost(o).name, controlPlaneHost(o).ip, o.stateDir,
    ...workerHosts(o).flatMap((w) => [w.name, w.ip, w.dockerBip, w.dockerSocket, w.dockerDataRoot, w.dockerExecRoot])];
  const shared = everything(a).filter((x) => everything(b).includes(x));
  assert.deepEqual(shared, []);
  assert.equal(workerHosts(b)[0]!.dockerBip, '10.89.108.1/24');
});

test('invalid options are refused with the reason', () => {
  assert.throws(() => defaultLabOptions({ prefix: 'Bad_Prefix' }), /invalid lab prefix/);
  assert.throws(() => defaultLabOptions({ prefix: 'much-too-long-prefix' }), /invalid lab prefix/);
  assert.throws(() => defaultLabOptions({ subnet: '10.88.0.0/16' }), /want a \/24/);
  assert.throws(() => defaultLabOptions({ subnet: '10.88.200.0/24' }), /third octet/);
  assert.throws(() => defaultLabOptions({ workers: 0 }), /invalid --workers 0/);
  assert.throws(() => defaultLabOptions({ workers: 10 }), /invalid --workers 10/);
});
