// Unit tests of the routing table: which Ingresses are ours, host and path precedence, backends
// resolved to ready endpoints, default backend, TLS certificates by SNI name. Pure, no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice, Ingress, IngressClass, Secret, Service } from '../api/types.js';
import { buildRoutingTable, certificateFor, isOurs, prefixMatches, route, type RoutingInput } from './routing.js';

const CONTROLLER = 'k8ts.io/ingress-controller';
const k8tsClass: IngressClass = { metadata: { name: 'k8ts', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: CONTROLLER } };
const otherClass: IngressClass = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };

const svc = (name: string, ports: Array<{ name?: string; port: number }>): Service => ({ metadata: { namespace: 'shop', name }, spec: { clusterIP: '10.96.1.1', ports } });
const slice = (service: string, port: { name?: string; port: number }, endpoints: Array<[string, boolean]>): EndpointSlice => ({
  metadata: { namespace: 'shop', name: `${service}-x`, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports: [port],
  endpoints: endpoints.map(([ip, ready]) => ({ addresses: [ip], conditions: { ready } })),
});
const backend = (name: string, port: number | string) => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });
const ingress = (name: string, spec: Ingress['spec'], created = '2024-01-01T00:00:00Z'): Ingress => ({ metadata: { namespace: 'shop', name, creationTimestamp: created }, spec });

function input(ingresses: Ingress[], extra: Partial<RoutingInput> = {}): RoutingInput {
  return {
    ingresses,
    classes: [k8tsClass, otherClass],
    services: [svc('web', [{ name: 'http', port: 80 }]), svc('api', [{ port: 8080 }]), svc('fallback', [{ name: 'http', port: 80 }])],
    slices: [
      slice('web', { name: 'http', port: 8000 }, [['10.244.0.2', true], ['10.244.0.3', true], ['10.244.0.4', false]]),
      slice('api', { port: 9000 }, [['10.244.0.5', true]]),
      slice('fallback', { name: 'http', port: 8001 }, [['10.244.0.6', true]]),
    ],
    secrets: [],
    controller: CONTROLLER,
    ...extra,
  };
}

const target = (table: ReturnType<typeof buildRoutingTable>, host: string, path: string) => {
  const m = route(table, host, path);
  return m.kind === 'backend' ? m.backend.service : 404;
};

test('prefix matching is element-wise, as upstream documents it', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/', '/anything', true], ['/foo', '/foo', true], ['/foo', '/foo/', true], ['/foo/', '/foo', true],
    ['/foo', '/foo/bar', true], ['/foo', '/foobar', false], ['/aaa/bb', '/aaa/bbb', false], ['/aaa/bbb', '/aaa/bbb/ccc', true],
    ['/aaa/bbb/', '/aaa/bbb', true], ['/aaa/bbb', '/aaa', false],
  ];
  for (const [prefix, path, want] of cases) assert.equal(prefixMatches(prefix, path), want, `${prefix} vs ${path}`);
});

test('only Ingresses of our class (by name, legacy annotation or the default class) are served', () => {
  const classes = [k8tsClass, otherClass];
  assert.equal(isOurs(ingress('a', { ingressClassName: 'k8ts' }), classes, CONTROLLER), true);
  assert.equal(isOurs(ingress('b', { ingressClassName: 'nginx' }), classes, CONTROLLER), false);
  assert.equal(isOurs(ingress('c', {}), classes, CONTROLLER), true, 'no class: the default class is ours');
  assert.equal(isOurs(ingress('d', {}), [otherClass], CONTROLLER), false);
  assert.equal(isOurs({ metadata: { annotations: { 'kubernetes.io/ingress.class': 'k8ts' } }, spec: {} }, classes, CONTROLLER), true);
  const table = buildRoutingTable(input([ingress('mine', { rules: [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', 80) }] } }] }), ingress('theirs', { ingressClassName: 'nginx', rules: [{ host: 'b.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('api', 8080) }] } }] })]));
  assert.deepEqual(table.ingresses, ['shop/mine']);
  assert.equal(target(table, 'b.test', '/'), 404);
});

test('hosts: exact before one-label wildcard before host-less rules; the port of Host is ignored', () => {
  const table = buildRoutingTable(input([ingress('i', {
    rules: [
      { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', 'http') }] } },
      { host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('api', 8080) }] } },
      { http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('fallback', 80) }] } },
    ],
  })]));
  assert.equal(target(table, 'shop.example.com', '/'), 'web');
  assert.equal(target(table, 'SHOP.example.com:30080', '/x'), 'web');
  assert.equal(target(table, 'blog.example.com', '/'), 'api');
  assert.equal(target(table, 'a.b.example.com', '/'), 'fallback', 'a wildcard covers one label only');
  assert.equal(target(table, 'example.com', '/'), 'fallback');
  assert.equal(target(table, '10.0.0.1', '/'), 'fallback');
});

test('paths: Exact beats Prefix of the same path, the longest prefix wins, ImplementationSpecific is a prefix', () => {
  const table = buildRoutingTable(input([ingress('i', {
    rules: [{ host: 'a.test', http: { paths: [
      { path: '/', pathType: 'Prefix', backend: backend('fallback', 80) },
      { path: '/api', pathType: 'Prefix', backend: backend('api', 8080) },
      { path: '/api/v1/login', pathType: 'Exact', backend: backend('web', 80) },
      { path: '/static', pathType: 'ImplementationSpecific', backend: backend('web', 80) },
    ] } }],
  })]));
  assert.equal(target(table, 'a.test', '/api/v1/login'), 'web');
  assert.equal(target(table, 'a.test', '/api/v1/login/'), 'api', 'Exact does not match a trailing slash');
  assert.equal(target(table, 'a.test', '/api/v1/users?x=1'), 'api');
  assert.equal(target(table, 'a.test', '/apis'), 'fallback');
  assert.equal(target(table, 'a.test', '/static/app.js'), 'web');
});

test('a host that matches but no path falls to the default backend, else 404', () => {
  const rules = [{ host: 'a.test', http: { paths: [{ path: '/only', pathType: 'Exact' as const, backend: backend('web', 80) }] } }];
  assert.equal(target(buildRoutingTable(input([ingress('i', { rules })])), 'a.test', '/other'), 404);
  const withDefault = buildRoutingTable(input([ingress('i', { rules, defaultBackend: backend('fallback', 'http') })]));
  assert.equal(target(withDefault, 'a.test', '/other'), 'fallback');
  assert.equal(target(withDefault, 'unknown.test', '/'), 'fallback');
});

test('backends resolve to ready endpoints on the EndpointSlice port named like the Service port', () => {
  const table = buildRoutingTable(input([ingress('i', { rules: [
    { host: 'web.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', 80) }] } },
    { host: 'api.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('api', 8080) }] } },
    { host: 'gone.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('missing', 80) }] } },
  ] })]));
  const web = route(table, 'web.test', '/');
  assert.ok(web.kind === 'backend');
  assert.deepEqual(web.backend.endpoints, ['10.244.0.2:8000', '10.244.0.3:8000']);
  const api = route(table, 'api.test', '/');
  assert.ok(api.kind === 'backend');
  assert.deepEqual(api.backend.endpoints, ['10.244.0.5:9000']);
  const gone = route(table, 'gone.test', '/');
  assert.ok(gone.kind === 'backend');
  assert.deepEqual(gone.backend.endpoints, [], 'a missing Service routes to a backend with no endpoints (503)');
});

test('the oldest Ingress wins a host/path conflict, with a warning', () => {
  const newer = ingress('newer', { rules: [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('api', 8080) }] } }] }, '2024-02-01T00:00:00Z');
  const older = ingress('older', { rules: [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', 80) }] } }] }, '2024-01-01T00:00:00Z');
  const table = buildRoutingTable(input([newer, older]));
  assert.equal(target(table, 'a.test', '/'), 'web');
  assert.match(table.warnings.join('\n'), /shop\/newer: a\.test \/ \(Prefix\) is already routed/);
});

test('TLS certificates are found by SNI name: exact, wildcard, then a tls entry without hosts', () => {
  const secret = (name: string, cert: string): Secret => ({ metadata: { namespace: 'shop', name, resourceVersion: '7' }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from(cert).toString('base64'), 'tls.key': Buffer.from(`key-${cert}`).toString('base64') } });
  const table = buildRoutingTable(input([ingress('i', {
    tls: [{ hosts: ['a.test'], secretName: 'a' }, { hosts: ['*.wild.test'], secretName: 'w' }, { secretName: 'any' }, { hosts: ['x.test'], secretName: 'missing' }],
    rules: [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', 80) }] } }],
  })], { secrets: [secret('a', 'CERT-A'), secret('w', 'CERT-W'), secret('any', 'CERT-ANY')] }));
  assert.equal(certificateFor(table, 'a.test')?.cert, 'CERT-A');
  assert.equal(certificateFor(table, 'A.TEST')?.key, 'key-CERT-A');
  assert.equal(certificateFor(table, 'foo.wild.test')?.cert, 'CERT-W');
  assert.equal(certificateFor(table, 'other.test')?.cert, 'CERT-ANY');
  assert.equal(certificateFor(table, 'a.test')?.id, 'shop/a@7');
  assert.match(table.warnings.join('\n'), /TLS Secret shop\/missing not found/);
});
