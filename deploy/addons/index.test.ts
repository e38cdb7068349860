// Unit tests of the addon manifests as rendered by applyAddons: upstream's names and labels, the
// image on every container, the DNS ClusterIP, the NodePorts, and hostPorts only when asked for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAddonManifests, renderAddons } from './index.js';

const find = (objs: ReturnType<typeof loadAddonManifests>, kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(o, `${kind} ${name} in the manifests`);
  return o as any;
};

test('the DNS addon is named as upstream kube-dns and runs the project image with dnsPolicy Default', () => {
  const objs = renderAddons(loadAddonManifests(), { image: 'k8ts/node:9.9.9', clusterDNS: '10.96.0.10', hostPorts: true });
  const dep = find(objs, 'Deployment', 'coredns');
  assert.equal(dep.metadata.namespace, 'kube-system');
  assert.equal(dep.spec.template.metadata.labels['k8s-app'], 'kube-dns');
  assert.equal(dep.spec.template.spec.dnsPolicy, 'Default');
  const c = dep.spec.template.spec.containers[0];
  assert.equal(c.image, 'k8ts/node:9.9.9');
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.command, ['node', 'dist/dns/main.js']);
  assert.equal(c.readinessProbe.httpGet.port, 8181);
  assert.equal(c.livenessProbe.httpGet.port, 8080);
  const svc = find(objs, 'Service', 'kube-dns');
  assert.equal(svc.spec.clusterIP, '10.96.0.10');
  assert.deepEqual(svc.spec.ports.map((p: any) => `${p.name} ${p.port}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
  const rolled = renderAddons(loadAddonManifests(), { image: 'x', imageHash: 'abcdef0123456789ffff', clusterDNS: '10.96.0.10', hostPorts: true });
  assert.equal(find(rolled, 'Deployment', 'coredns').spec.template.metadata.annotations['k8ts.io/image-content-hash'], 'abcdef0123456789');
  assert.equal(find(rolled, 'Deployment', 'coredns').spec.template.metadata.labels['k8s-app'], 'kube-dns');
  assert.equal(renderAddons(loadAddonManifests(), { image: 'x', clusterDNS: '10.100.0.10', hostPorts: true }).find((o) => o.metadata?.name === 'kube-dns')?.spec?.clusterIP, '10.100.0.10');
});

test('the ingress addon: default IngressClass k8ts, NodePorts 30080/30443, hostPorts 80/443 only when free', () => {
  const objs = renderAddons(loadAddonManifests(), { image: 'k8ts/node:9.9.9', clusterDNS: '10.96.0.10', hostPorts: true });
  const cls = find(objs, 'IngressClass', 'k8ts');
  assert.equal(cls.spec.controller, 'k8ts.io/ingress-controller');
  assert.equal(cls.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');
  const svc = find(objs, 'Service', 'ingress-k8ts-controller');
  assert.equal(svc.spec.type, 'NodePort');
  assert.deepEqual(svc.spec.ports.map((p: any) => [p.port, p.nodePort]), [[80, 30080], [443, 30443]]);
  const ports = (o: typeof objs) => find(o, 'Deployment', 'ingress-k8ts-controller').spec.template.spec.containers[0].ports.map((p: any) => p.hostPort).filter(Boolean);
  assert.deepEqual(ports(objs), [80, 443]);
  assert.deepEqual(ports(renderAddons(loadAddonManifests(), { image: 'x', clusterDNS: '10.96.0.10', hostPorts: false })), []);
  // Rendering never changes the loaded manifests.
  const loaded = loadAddonManifests();
  renderAddons(loaded, { image: 'x', clusterDNS: '1.2.3.4', hostPorts: false });
  assert.equal(find(loaded, 'Deployment', 'coredns').spec.template.spec.containers[0].image, 'k8ts/node');
});
