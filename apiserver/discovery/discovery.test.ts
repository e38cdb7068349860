// Unit tests of the discovery documents (/version, legacy, aggregated) and the Accept negotiation.
// Pure: no server, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import { aggregatedDiscovery } from './aggregated.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, storageVersionHash } from './legacy.js';
import { negotiateDiscovery } from './negotiate.js';
import { versionInfo } from './version.js';

test('version reports minor 32 for the kubectl dispatcher', () => {
  const v = versionInfo();
  assert.equal(v.major, '1');
  assert.equal(v.minor, '32');
  assert.equal(v.gitVersion, 'v1.32.0-k8ts');
  assert.equal(v.goVersion, 'node' + process.version);
  assert.equal(v.platform, 'linux/amd64');
  assert.equal(versionInfo({ gitCommit: 'abc' }).gitCommit, 'abc');
});

test('/api lists v1 and the server address', () => {
  assert.deepEqual(apiVersions('127.0.0.1:6443'), {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  });
});

test('/apis lists every named group with a preferred version, and never the core group', () => {
  const list = apiGroupList();
  assert.equal(list.kind, 'APIGroupList');
  assert.equal(list.apiVersion, 'v1');
  const apps = list.groups.find((g) => g.name === 'apps');
  assert.deepEqual(apps, { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
  assert.equal(list.groups.some((g) => g.name === ''), false);
  const named = new Set([...RESOURCES.filter((r) => r.group !== '').map((r) => r.group), 'metrics.k8s.io']);
  assert.deepEqual(new Set(list.groups.map((g) => g.name)), named);
  assert.deepEqual(list.groups.at(-1), {
    name: 'metrics.k8s.io',
    versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }],
    preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
  });
  assert.deepEqual(apiGroup('batch'), { kind: 'APIGroup', apiVersion: 'v1', ...list.groups.find((g) => g.name === 'batch') });
  assert.equal(apiGroup('nope.example.com'), undefined);
});

test('/api/v1 lists pods with shortName po, category all, and their subresources', () => {
  const list = apiResourceList('', 'v1')!;
  assert.equal(list.kind, 'APIResourceList');
  assert.equal(list.groupVersion, 'v1');
  const pods = list.resources.find((r) => r.name === 'pods')!;
  assert.equal(pods.singularName, 'pod');
  assert.equal(pods.namespaced, true);
  assert.equal(pods.kind, 'Pod');
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  assert.equal(pods.storageVersionHash, storageVersionHash('', 'v1', 'Pod'));
  assert.match(pods.storageVersionHash!, /^[A-Za-z0-9+/]{11}=$/);
  assert.deepEqual(list.resources.find((r) => r.name === 'pods/binding'), { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
  assert.deepEqual(list.resources.find((r) => r.name === 'pods/status')?.verbs, ['get', 'patch', 'update']);
  assert.deepEqual(list.resources.find((r) => r.name === 'namespaces/finalize'), { name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
  const names = list.resources.map((r) => r.name);
  assert.deepEqual(names, [...names].sort(), 'sorted by name as upstream');
  assert.equal(names.includes('deployments'), false);
  // kinds without short names or categories omit the fields
  assert.equal('shortNames' in list.resources.find((r) => r.name === 'secrets')!, false);
  assert.equal('categories' in list.resources.find((r) => r.name === 'secrets')!, false);
});

test('/apis/apps/v1 carries deployments/scale as autoscaling/v1 Scale', () => {
  const list = apiResourceList('apps', 'v1')!;
  assert.equal(list.groupVersion, 'apps/v1');
  assert.deepEqual(list.resources.find((r) => r.name === 'deployments/scale'), {
    name: 'deployments/scale',
    singularName: '',
    namespaced: true,
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
    verbs: ['get', 'patch', 'update'],
  });
  assert.deepEqual(list.resources.find((r) => r.name === 'deployments')?.shortNames, ['deploy']);
  assert.equal(apiResourceList('apps', 'v1beta1'), undefined);
  assert.equal(apiResourceList('nope', 'v1'), undefined);
});

test('storageVersionHash is stable and upstream-shaped', () => {
  assert.equal(storageVersionHash('apps', 'v1', 'Deployment'), storageVersionHash('apps', 'v1', 'Deployment'));
  assert.notEqual(storageVersionHash('apps', 'v1', 'Deployment'), storageVersionHash('apps', 'v1', 'ReplicaSet'));
  // upstream's value for core/v1 Pod, as served by every Kubernetes API server
  assert.equal(storageVersionHash('', 'v1', 'Pod'), 'xPOwRZ+Yhw8=');
});

test('aggregated discovery of /api holds only the core group', () => {
  const doc = aggregatedDiscovery('api', 'apidiscovery.k8s.io/v2');
  assert.equal(doc.kind, 'APIGroupDiscoveryList');
  assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.deepEqual(doc.metadata, {});
  assert.equal(doc.items.length, 1);
  assert.equal(doc.items[0].metadata.name, '');
  const v1 = doc.items[0].versions[0];
  assert.equal(v1.version, 'v1');
  assert.equal(v1.freshness, 'Current');
  const pods = v1.resources.find((r) => r.resource === 'pods')!;
  assert.deepEqual(pods, {
    resource: 'pods',
    responseKind: { group: '', version: '', kind: 'Pod' },
    scope: 'Namespaced',
    singularResource: 'pod',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { subresource: 'binding', responseKind: { group: '', version: '', kind: 'Binding' }, verbs: ['create'] },
      { subresource: 'status', responseKind: { group: '', version: '', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
    ],
  });
  assert.equal(v1.resources.find((r) => r.resource === 'nodes')?.scope, 'Cluster');
});

test('aggregated discovery of /apis holds every named group; v2beta1 differs only in apiVersion', () => {
  const doc = aggregatedDiscovery('apis', 'apidiscovery.k8s.io/v2');
  assert.equal(doc.items.some((g) => g.metadata.name === ''), false);
  const apps = doc.items.find((g) => g.metadata.name === 'apps')!;
  const deployments = apps.versions[0].resources.find((r) => r.resource === 'deployments')!;
  assert.deepEqual(deployments.subresources?.find((s) => s.subresource === 'scale'), {
    subresource: 'scale',
    responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    verbs: ['get', 'patch', 'update'],
  });
  assert.equal('subresources' in apps.versions[0].resources.find((r) => r.resource === 'controllerrevisions')!, false);
  const beta = aggregatedDiscovery('apis', 'apidiscovery.k8s.io/v2beta1');
  assert.equal(beta.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  assert.deepEqual(beta.items, doc.items);
  const served = new Set([...RESOURCES.filter((r) => r.group !== '').map((r) => `${r.group}/${r.plural}`), 'metrics.k8s.io/nodes', 'metrics.k8s.io/pods']);
  const listed = new Set(doc.items.flatMap((g) => g.versions.flatMap((v) => v.resources.map((r) => `${g.metadata.name}/${r.resource}`))));
  assert.deepEqual(listed, served);
});

test('negotiation picks aggregated discovery only when asked', () => {
  const kubectl =
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.deepEqual(negotiateDiscovery(kubectl), {
    kind: 'aggregated-v2',
    contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  });
  assert.deepEqual(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), {
    kind: 'aggregated-v2beta1',
    contentType: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  });
  // protobuf first (client-go with protobuf enabled): skipped, the JSON aggregated clause wins
  assert.equal(
    negotiateDiscovery('application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.9,application/json;q=0.8').kind,
    'aggregated-v2',
  );
  assert.deepEqual(negotiateDiscovery(undefined), { kind: 'legacy', contentType: 'application/json' });
  assert.equal(negotiateDiscovery('').kind, 'legacy');
  assert.equal(negotiateDiscovery('application/json').kind, 'legacy');
  assert.equal(negotiateDiscovery('*/*').kind, 'legacy');
  // plain JSON preferred over aggregated by order or by q
  assert.equal(negotiateDiscovery('application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList').kind, 'legacy');
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json').kind, 'legacy');
  // an unknown version of the aggregated type falls through to what follows
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json').kind, 'legacy');
});

test('metrics.k8s.io/v1beta1 lists NodeMetrics and PodMetrics, read-only, in both discovery forms', () => {
  const list = apiResourceList('metrics.k8s.io', 'v1beta1')!;
  assert.equal(list.groupVersion, 'metrics.k8s.io/v1beta1');
  assert.deepEqual(
    list.resources.map((r) => ({ name: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs })),
    [
      { name: 'nodes', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  );
  const metrics = aggregatedDiscovery('apis', 'apidiscovery.k8s.io/v2').items.find((g) => g.metadata.name === 'metrics.k8s.io')!;
  assert.deepEqual(metrics.versions.map((v) => v.version), ['v1beta1']);
  assert.deepEqual(metrics.versions[0].resources.find((r) => r.resource === 'pods'), {
    resource: 'pods',
    responseKind: { group: '', version: '', kind: 'PodMetrics' },
    scope: 'Namespaced',
    singularResource: '',
    verbs: ['get', 'list'],
  });
  assert.deepEqual(apiGroup('metrics.k8s.io')?.preferredVersion, { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' });
});
