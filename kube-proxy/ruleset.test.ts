// Golden tests of the ruleset: Services + EndpointSlices in, iptables-restore text out, compared
// with kube-proxy/testdata/*.golden (regenerate with UPDATE_GOLDEN=1 and review the diff).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { endpointChain, serviceChain } from './chain-names.js';
import { buildRuleset, probability } from './ruleset.js';
import { servicePorts, type EndpointSliceObject, type ServiceObject } from './service-ports.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.resolve(here, '..', '..', 'kube-proxy', 'testdata');

function golden(name: string, actual: string): void {
  const file = path.join(testdata, `${name}.golden`);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'));
}

const svc = (name: string, spec: ServiceObject['spec'], namespace = 'ns1'): ServiceObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec });
const slice = (service: string, endpoints: EndpointSliceObject['endpoints'], ports: EndpointSliceObject['ports'], namespace = 'ns1'): EndpointSliceObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name: `${service}-abcde`, namespace, labels: { 'kubernetes.io/service-name': service } }, endpoints, ports,
});

test('chain names are upstream\'s (base32 of SHA-256, 16 characters)', () => {
  assert.equal(serviceChain('ns1/svc1:p80', 'TCP'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(endpointChain('ns1/svc1:p80', 'TCP', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
});

test('probabilities are printed with ten decimals as upstream', () => {
  assert.equal(probability(3), '0.3333333333');
  assert.equal(probability(2), '0.5000000000');
});

test('cluster IP, node port, affinity, no endpoints, local policies and ignored kinds', () => {
  const services = [
    svc('svc1', { type: 'ClusterIP', clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] }),
    svc('svc2', { type: 'NodePort', clusterIP: '172.30.0.42', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, ports: [{ name: 'p80', port: 80, nodePort: 30080, protocol: 'TCP' }] }),
    svc('svc3', { type: 'ClusterIP', clusterIP: '172.30.0.43', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
    svc('svc4', { type: 'NodePort', clusterIP: '172.30.0.44', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', ports: [{ port: 8080, nodePort: 30081, protocol: 'TCP' }] }),
    svc('headless', { type: 'ClusterIP', clusterIP: 'None', ports: [{ port: 80 }] }),
    svc('external', { type: 'ExternalName', ports: [{ port: 80 }] }),
  ];
  const slices = [
    slice('svc1', [
      { addresses: ['10.180.0.1'], conditions: { ready: true }, nodeName: 'node-a' },
      { addresses: ['10.180.0.2'], conditions: { ready: true }, nodeName: 'node-b' },
      { addresses: ['10.180.0.3'], conditions: { ready: false }, nodeName: 'node-b' },
    ], [{ name: 'p80', port: 80, protocol: 'TCP' }]),
    slice('svc2', [{ addresses: ['10.180.0.4'], conditions: { ready: true }, nodeName: 'node-b' }], [{ name: 'p80', port: 8080, protocol: 'TCP' }]),
    slice('svc4', [
      { addresses: ['10.180.0.5'], conditions: { ready: true }, nodeName: 'node-a' },
      { addresses: ['10.180.0.6'], conditions: { ready: true }, nodeName: 'node-b' },
    ], [{ port: 8080, protocol: 'TCP' }]),
  ];
  const ruleset = buildRuleset(servicePorts(services, slices, 'node-a'), {
    clusterCIDR: '10.180.0.0/16',
    existingNatChains: ['KUBE-SERVICES', 'KUBE-SVC-GONEGONEGONEGONE', 'KUBE-SEP-OLDOLDOLDOLDOLDO', 'DOCKER'],
  });
  golden('basic', ruleset.text);
  // What a reader checks by eye in the golden file, asserted too.
  assert.match(ruleset.text, /-A KUBE-SERVICES -m comment --comment "ns1\/svc3:dns has no endpoints" -m udp -p udp -d 172\.30\.0\.43\/32 --dport 53 -j REJECT/);
  assert.match(ruleset.text, /:KUBE-SVC-GONEGONEGONEGONE - \[0:0\][\s\S]*-X KUBE-SVC-GONEGONEGONEGONE/);
  assert.doesNotMatch(ruleset.text, /DOCKER/);
  assert.doesNotMatch(ruleset.text, /10\.180\.0\.3/, 'a not-ready endpoint gets no traffic');
});

test('terminating but serving endpoints are used only when no endpoint is ready', () => {
  const services = [svc('svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] })];
  const slices = [slice('svc1', [
    { addresses: ['10.180.0.1'], conditions: { ready: false, serving: true, terminating: true } },
    { addresses: ['10.180.0.2'], conditions: { ready: false, serving: false, terminating: true } },
  ], [{ name: 'p80', port: 80 }])];
  const [port] = servicePorts(services, slices, 'node-a');
  assert.deepEqual(port!.endpoints.map((e) => e.address), ['10.180.0.1:80']);
});
