// Unit tests of the cluster zone: Services and EndpointSlices in, DNS answers out (no I/O).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice, Service } from '../api/types.js';
import { Zone, type Lookup } from './records.js';

const svc = (ns: string, name: string, spec: Service['spec']): Service => ({ metadata: { namespace: ns, name }, spec });
const slice = (ns: string, service: string, endpoints: NonNullable<EndpointSlice['endpoints']>, ports: EndpointSlice['ports'] = []): EndpointSlice => ({
  metadata: { namespace: ns, name: `${service}-abc`, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints,
  ports,
});

const world = Zone.build(
  [
    svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
    svc('shop', 'web', { clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 80 }, { port: 8080 }] }),
    svc('shop', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    svc('shop', 'cache', { clusterIP: 'None' }),
    svc('shop', 'ext', { type: 'ExternalName', externalName: 'example.org.' }),
  ],
  [
    slice('shop', 'db', [
      { addresses: ['10.244.0.7'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.244.0.8'], hostname: 'db-1', conditions: { ready: true } },
      { addresses: ['10.244.0.9'], hostname: 'db-2', conditions: { ready: false } },
    ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
    slice('shop', 'cache', [{ addresses: ['10.244.0.20'] }]),
  ],
  { domain: 'cluster.local', ttl: 30 },
);

function answer(l: Lookup) {
  assert.equal(l.kind, 'answer');
  return l as Extract<Lookup, { kind: 'answer' }>;
}

test('a ClusterIP Service answers its cluster IP, case-insensitively and with a trailing dot', () => {
  const a = answer(world.lookup('kubernetes.default.svc.cluster.local', 'A'));
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(a.answers.map((r) => [r.name, r.type, r.address, r.ttl]), [['kubernetes.default.svc.cluster.local', 'A', '10.96.0.1', 30]]);
  assert.deepEqual(answer(world.lookup('Web.Shop.svc.Cluster.Local.', 'A')).answers.map((r) => r.address), ['10.96.5.5']);
});

test('named ports get SRV records _port._proto pointing at the Service name', () => {
  const a = answer(world.lookup('_http._tcp.web.shop.svc.cluster.local', 'SRV'));
  assert.deepEqual(a.answers.map((r) => [r.port, r.target]), [[80, 'web.shop.svc.cluster.local']]);
  assert.deepEqual(a.additionals.map((r) => r.address), ['10.96.5.5']);
  // An SRV query on the Service name lists every port, named or not.
  assert.deepEqual(answer(world.lookup('web.shop.svc.cluster.local', 'SRV')).answers.map((r) => r.port).sort(), [80, 8080]);
  assert.equal(answer(world.lookup('_nope._tcp.web.shop.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN');
});

test('a headless Service answers one A record per ready endpoint, and each hostname its own', () => {
  const a = answer(world.lookup('db.shop.svc.cluster.local', 'A'));
  assert.deepEqual(a.answers.map((r) => r.address).sort(), ['10.244.0.7', '10.244.0.8']);
  assert.deepEqual(answer(world.lookup('db-1.db.shop.svc.cluster.local', 'A')).answers.map((r) => r.address), ['10.244.0.8']);
  // not ready: no record
  assert.equal(answer(world.lookup('db-2.db.shop.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
  // without a hostname the endpoint is named by its dashed address
  assert.deepEqual(answer(world.lookup('10-244-0-20.cache.shop.svc.cluster.local', 'A')).answers.map((r) => r.address), ['10.244.0.20']);
  const srv = answer(world.lookup('_pg._tcp.db.shop.svc.cluster.local', 'SRV'));
  assert.deepEqual(srv.answers.map((r) => [r.target, r.port, r.weight]).sort(), [
    ['db-0.db.shop.svc.cluster.local', 5432, 50],
    ['db-1.db.shop.svc.cluster.local', 5432, 50],
  ]);
  assert.deepEqual(srv.additionals.map((r) => r.address).sort(), ['10.244.0.7', '10.244.0.8']);
});

test('publishNotReadyAddresses publishes endpoints that are not ready', () => {
  const zone = Zone.build(
    [svc('a', 'h', { clusterIP: 'None', publishNotReadyAddresses: true })],
    [slice('a', 'h', [{ addresses: ['10.244.1.1'], hostname: 'h-0', conditions: { ready: false } }])],
    { domain: 'cluster.local' },
  );
  assert.deepEqual(answer(zone.lookup('h-0.h.a.svc.cluster.local', 'A')).answers.map((r) => r.address), ['10.244.1.1']);
});

test('an ExternalName Service is a CNAME whatever the type asked', () => {
  for (const type of ['A', 'AAAA', 'CNAME']) {
    const a = answer(world.lookup('ext.shop.svc.cluster.local', type));
    assert.deepEqual(a.answers.map((r) => [r.type, r.domain]), [['CNAME', 'example.org']]);
  }
});

test('unknown names inside the domain are NXDOMAIN with the SOA; existing names with no such type are NODATA', () => {
  const nx = answer(world.lookup('nothere.shop.svc.cluster.local', 'A'));
  assert.equal(nx.rcode, 'NXDOMAIN');
  assert.deepEqual(nx.authorities.map((r) => [r.type, r.name, r.primary]), [['SOA', 'cluster.local', 'ns.dns.cluster.local']]);
  assert.equal(answer(world.lookup('google.com.default.svc.cluster.local', 'A')).rcode, 'NXDOMAIN');
  const nodata = answer(world.lookup('web.shop.svc.cluster.local', 'AAAA'));
  assert.equal(nodata.rcode, 'NOERROR');
  assert.equal(nodata.answers.length, 0);
  assert.equal(answer(world.lookup('shop.svc.cluster.local', 'A')).rcode, 'NOERROR');
  assert.equal(answer(world.lookup('svc.cluster.local', 'A')).rcode, 'NOERROR');
});

test('names outside the domain are forwarded; reverse names of cluster addresses are answered', () => {
  assert.deepEqual(world.lookup('example.org', 'A'), { kind: 'forward' });
  assert.deepEqual(world.lookup('1.1.168.192.in-addr.arpa', 'PTR'), { kind: 'forward' });
  assert.deepEqual(answer(world.lookup('1.0.96.10.in-addr.arpa', 'PTR')).answers.map((r) => r.domain), ['kubernetes.default.svc.cluster.local']);
  assert.deepEqual(answer(world.lookup('7.0.244.10.in-addr.arpa', 'PTR')).answers.map((r) => r.domain), ['db-0.db.shop.svc.cluster.local']);
});

test('pods insecure: A-B-C-D.NS.pod.DOMAIN answers the address it spells', () => {
  assert.deepEqual(answer(world.lookup('10-244-3-4.shop.pod.cluster.local', 'A')).answers.map((r) => r.address), ['10.244.3.4']);
  assert.equal(answer(world.lookup('10-244-3-999.shop.pod.cluster.local', 'A')).rcode, 'NXDOMAIN');
});

test('the zone apex answers SOA and NS', () => {
  assert.deepEqual(answer(world.lookup('cluster.local', 'SOA')).answers.map((r) => r.type), ['SOA']);
  assert.deepEqual(answer(world.lookup('cluster.local', 'NS')).answers.map((r) => r.domain), ['ns.dns.cluster.local']);
});
