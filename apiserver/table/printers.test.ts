// Unit tests of toTable and every printer: headers, realistic objects and their expected cells.
// Pure: a fixed `now`, no clock, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findByKind, RESOURCES } from '../../api/resources.js';
import { printerFor, toTable } from './table.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:00:00Z'; // 60m before now
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: created, ...extra });

function cellsOf(group: string, kind: string, obj: object): unknown[] {
  const res = RESOURCES.find((r) => r.group === group && r.kind === kind);
  assert.ok(res, `${group}/${kind} is in the catalogue`);
  const table = toTable(res, [obj], { includeObject: 'None', now });
  assert.equal(table.rows[0].cells.length, table.columnDefinitions.length, `${kind}: one cell per column`);
  return table.rows[0].cells;
}

function headers(group: string, kind: string, priority: number): string[] {
  return printerFor({ group, kind })
    .columns.filter((c) => c.priority === priority)
    .map((c) => c.name.toUpperCase());
}

test('every catalogued resource prints one cell per column, even for a bare object', () => {
  for (const res of RESOURCES) {
    const t = toTable(res, [{ metadata: { name: 'x' } }], { includeObject: 'None', now });
    assert.equal(t.rows[0].cells.length, t.columnDefinitions.length, res.kind);
    for (const c of t.columnDefinitions) {
      assert.equal(typeof c.description, 'string');
      assert.ok(c.priority === 0 || c.priority === 1, `${res.kind} ${c.name}`);
    }
  }
});

test('default and wide column headers are upstream kubectl get', () => {
  assert.deepEqual(headers('', 'Pod', 0), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.deepEqual(headers('', 'Pod', 1), ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.deepEqual(headers('apps', 'Deployment', 0), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(headers('apps', 'Deployment', 1), ['CONTAINERS', 'IMAGES', 'SELECTOR']);
  assert.deepEqual(headers('batch', 'Job', 0), ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  assert.deepEqual(headers('', 'Service', 0), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
  assert.deepEqual(headers('', 'Node', 1), ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
  assert.deepEqual(headers('', 'Event', 0), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  assert.deepEqual(headers('rbac.authorization.k8s.io', 'Role', 0), ['NAME', 'CREATED AT']);
  assert.deepEqual(headers('rbac.authorization.k8s.io', 'RoleBinding', 1), ['USERS', 'GROUPS', 'SERVICEACCOUNTS']);
  assert.deepEqual(headers('scheduling.k8s.io', 'PriorityClass', 0), ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
  assert.deepEqual(headers('networking.k8s.io', 'Ingress', 0), ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
  assert.deepEqual(headers('example.com', 'Widget', 0), ['NAME', 'AGE']);
});

test('deployment, replicaset, daemonset, statefulset', () => {
  const template = { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } };
  assert.deepEqual(
    cellsOf('apps', 'Deployment', {
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    }),
    ['web', '2/3', 3, 2, '60m', 'nginx,log', 'nginx:1.25,busybox', 'app=web'],
  );
  assert.deepEqual(
    cellsOf('apps', 'ReplicaSet', {
      metadata: meta('web-5d8f'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template },
      status: { replicas: 3, readyReplicas: 1 },
    }),
    ['web-5d8f', 3, 3, 1, '60m', 'nginx,log', 'nginx:1.25,busybox', 'app=web,tier in (a,b)'],
  );
  assert.deepEqual(
    cellsOf('apps', 'DaemonSet', {
      metadata: meta('agent'),
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { containers: [{ name: 'a', image: 'agent:1' }], nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
    }),
    ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60m', 'a', 'agent:1', 'app=agent'],
  );
  assert.deepEqual(cellsOf('apps', 'StatefulSet', { metadata: meta('db'), spec: { replicas: 3, template }, status: { readyReplicas: 3 } }), [
    'db',
    '3/3',
    '60m',
    'nginx,log',
    'nginx:1.25,busybox',
  ]);
});

test('controllerrevision names its controller as kind.group/name', () => {
  assert.deepEqual(
    cellsOf('apps', 'ControllerRevision', {
      metadata: meta('agent-6b9', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] }),
      revision: 2,
    }),
    ['agent-6b9', 'daemonset.apps/agent', 2, '60m'],
  );
  assert.deepEqual(cellsOf('apps', 'ControllerRevision', { metadata: meta('orphan'), revision: 1 }), ['orphan', '<none>', 1, '60m']);
});

test('jobs: status, completions and duration', () => {
  const template = { spec: { containers: [{ name: 'pi', image: 'perl' }] } };
  assert.deepEqual(
    cellsOf('batch', 'Job', {
      metadata: meta('pi'),
      spec: { completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template },
      status: {
        succeeded: 1,
        startTime: '2024-05-01T11:00:00Z',
        completionTime: '2024-05-01T11:00:42Z',
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    }),
    ['pi', 'Complete', '1/1', '42s', '60m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=abc'],
  );
  const running = cellsOf('batch', 'Job', { metadata: meta('work'), spec: { parallelism: 3, template }, status: { startTime: '2024-05-01T11:56:40Z' } });
  assert.deepEqual(running.slice(0, 4), ['work', 'Running', '0/1 of 3', '3m20s']);
  const failed = cellsOf('batch', 'Job', { metadata: meta('bad'), spec: { completions: 2, template }, status: { conditions: [{ type: 'Failed', status: 'True' }] } });
  assert.deepEqual(failed.slice(0, 4), ['bad', 'Failed', '0/2', '']);
});

test('cronjob', () => {
  assert.deepEqual(
    cellsOf('batch', 'CronJob', {
      metadata: meta('hello'),
      spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } } },
      status: { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-05-01T11:59:00Z' },
    }),
    ['hello', '*/1 * * * *', '<none>', 'False', 1, '60s', '60m', 'hello', 'busybox', '<none>'],
  );
});

test('services: types, ports and external IPs', () => {
  const svc = (spec: object, status: object = {}) => ({ metadata: meta('web'), spec, status });
  assert.deepEqual(
    cellsOf('', 'Service', svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { 'k8s-app': 'kube-dns' } })),
    ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '60m', 'k8s-app=kube-dns'],
  );
  assert.deepEqual(
    cellsOf('', 'Service', svc({ type: 'NodePort', clusterIPs: ['10.96.3.4'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] })),
    ['web', 'NodePort', '10.96.3.4', '<none>', '80:30080/TCP', '60m', '<none>'],
  );
  assert.equal(cellsOf('', 'Service', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.3.4'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }))[3], '<pending>');
  assert.equal(
    cellsOf('', 'Service', svc({ type: 'LoadBalancer', ports: [] }, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: 'lb.example.com' }] } }))[3],
    '192.0.2.10,lb.example.com',
  );
  assert.equal(cellsOf('', 'Service', svc({ type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ port: 443, protocol: 'TCP' }] }))[2], '10.96.0.1');
  assert.equal(cellsOf('', 'Service', svc({ type: 'ClusterIP', clusterIPs: ['None'], ports: [] }))[4], '<none>');
  assert.deepEqual(cellsOf('', 'Service', svc({ type: 'ExternalName', externalName: 'db.example.com' })).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
});

test('endpoints and endpointslices list three addresses and a count of the rest', () => {
  assert.deepEqual(
    cellsOf('', 'Endpoints', {
      metadata: meta('web'),
      subsets: [{ addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.1.3' }], ports: [{ port: 80 }, { port: 443 }] }],
    }),
    ['web', '10.244.1.2:80,10.244.1.3:80,10.244.1.2:443 + 1 more...', '60m'],
  );
  assert.deepEqual(cellsOf('', 'Endpoints', { metadata: meta('none') }), ['none', '<none>', '60m']);
  assert.deepEqual(
    cellsOf('discovery.k8s.io', 'EndpointSlice', {
      metadata: meta('web-abc'),
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.244.1.2'] }, { addresses: ['10.244.2.2'] }],
    }),
    ['web-abc', 'IPv4', '80', '10.244.1.2,10.244.2.2', '60m'],
  );
  assert.deepEqual(cellsOf('discovery.k8s.io', 'EndpointSlice', { metadata: meta('empty'), addressType: 'IPv4' }), ['empty', 'IPv4', '<unset>', '<unset>', '60m']);
});

test('configmaps, secrets, namespaces, serviceaccounts, leases', () => {
  assert.deepEqual(cellsOf('', 'ConfigMap', { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), ['cfg', 3, '60m']);
  assert.deepEqual(cellsOf('', 'Secret', { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }), ['tls', 'kubernetes.io/tls', 2, '60m']);
  assert.deepEqual(cellsOf('', 'Namespace', { metadata: meta('dev'), status: { phase: 'Active' } }), ['dev', 'Active', '60m']);
  assert.deepEqual(cellsOf('', 'ServiceAccount', { metadata: meta('default') }), ['default', 0, '60m']);
  assert.deepEqual(cellsOf('coordination.k8s.io', 'Lease', { metadata: meta('node-1'), spec: { holderIdentity: 'node-1' } }), ['node-1', 'node-1', '60m']);
});

test('nodes: status, roles and wide columns', () => {
  const node = (extra: { spec?: object; conditions?: object[]; labels?: Record<string, string> }) => ({
    metadata: { name: 'node-1', creationTimestamp: '2024-04-28T08:00:00Z', labels: extra.labels ?? {} },
    spec: extra.spec ?? {},
    status: {
      conditions: extra.conditions ?? [],
      addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-k8ts', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'docker://24.0.7' },
    },
  });
  assert.deepEqual(cellsOf('', 'Node', node({ conditions: [{ type: 'Ready', status: 'True' }], labels: { 'node-role.kubernetes.io/control-plane': '' } })), [
    'node-1',
    'Ready',
    'control-plane',
    '3d4h',
    'v1.32.0-k8ts',
    '192.168.1.10',
    '<none>',
    'Debian GNU/Linux 12 (bookworm)',
    '6.1.0-18-amd64',
    'docker://24.0.7',
  ]);
  assert.equal(cellsOf('', 'Node', node({ conditions: [{ type: 'Ready', status: 'True' }], spec: { unschedulable: true } }))[1], 'Ready,SchedulingDisabled');
  assert.equal(cellsOf('', 'Node', node({ conditions: [{ type: 'Ready', status: 'False' }] }))[1], 'NotReady');
  assert.equal(cellsOf('', 'Node', node({ conditions: [{ type: 'Ready', status: 'Unknown' }] }))[1], 'NotReady');
  assert.equal(cellsOf('', 'Node', node({}))[1], 'Unknown');
  assert.equal(cellsOf('', 'Node', node({ labels: { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/infra': '' } }))[2], 'infra,worker');
  assert.equal(cellsOf('', 'Node', node({}))[2], '<none>');
});

test('events: last seen, object and message', () => {
  assert.deepEqual(
    cellsOf('', 'Event', {
      metadata: meta('web-1.17c'),
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container\n',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2024-05-01T11:50:00Z',
      lastTimestamp: '2024-05-01T11:59:30Z',
      count: 7,
    }),
    ['30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '10m', 7, 'web-1.17c'],
  );
  const fresh = cellsOf('', 'Event', {
    metadata: meta('x'),
    involvedObject: { kind: 'Node' },
    reason: 'Starting',
    type: 'Normal',
    eventTime: '2024-05-01T11:59:55.000000Z',
    reportingComponent: 'kube-proxy',
  });
  assert.deepEqual(fresh, ['5s', 'Normal', 'Starting', 'node', '', 'kube-proxy', '', '5s', 1, 'x']);
});

test('persistent volumes and claims', () => {
  assert.deepEqual(
    cellsOf('', 'PersistentVolume', {
      metadata: meta('pv-1'),
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'local',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    }),
    ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'local', '<unset>', '', '60m', 'Filesystem'],
  );
  assert.deepEqual(
    cellsOf('', 'PersistentVolumeClaim', {
      metadata: meta('data'),
      spec: { volumeName: 'pv-1', storageClassName: 'local', resources: { requests: { storage: '5Gi' } } },
      status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
    }),
    ['data', 'Bound', 'pv-1', '10Gi', 'RWO', 'local', '<unset>', '60m', '<unset>'],
  );
  assert.deepEqual(cellsOf('', 'PersistentVolumeClaim', { metadata: meta('pending'), spec: {}, status: { phase: 'Pending' } }).slice(0, 6), [
    'pending',
    'Pending',
    '',
    '',
    '',
    '',
  ]);
});

test('resourcequotas split requests and limits; limitranges and roles print Created At', () => {
  assert.deepEqual(
    cellsOf('', 'ResourceQuota', {
      metadata: meta('q'),
      status: {
        hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'limits.cpu': '8' },
        used: { pods: '3', 'requests.cpu': '500m', 'limits.cpu': '1' },
      },
    }),
    ['q', 'pods: 3/10, requests.cpu: 500m/4', 'limits.cpu: 1/8, limits.memory: 0/8Gi', '60m'],
  );
  assert.deepEqual(cellsOf('', 'LimitRange', { metadata: meta('limits') }), ['limits', '2024-05-01T11:00:00Z']);
  assert.deepEqual(cellsOf('rbac.authorization.k8s.io', 'Role', { metadata: meta('reader') }), ['reader', '2024-05-01T11:00:00Z']);
  assert.deepEqual(cellsOf('rbac.authorization.k8s.io', 'ClusterRole', { metadata: { name: 'admin', creationTimestamp: '2024-05-01T11:00:00.123Z' } }), [
    'admin',
    '2024-05-01T11:00:00Z',
  ]);
});

test('role bindings list subjects in wide columns', () => {
  const binding = {
    metadata: meta('read-pods'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'User', name: 'bob' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
    ],
  };
  assert.deepEqual(cellsOf('rbac.authorization.k8s.io', 'RoleBinding', binding), ['read-pods', 'Role/pod-reader', '60m', 'jane, bob', 'devs', 'ci/builder']);
  assert.deepEqual(cellsOf('rbac.authorization.k8s.io', 'ClusterRoleBinding', { metadata: meta('x'), roleRef: { kind: 'ClusterRole', name: 'view' } }), [
    'x',
    'ClusterRole/view',
    '60m',
    '',
    '',
    '',
  ]);
});

test('ingresses and ingress classes', () => {
  assert.deepEqual(
    cellsOf('networking.k8s.io', 'Ingress', {
      metadata: meta('web'),
      spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
    }),
    ['web', 'nginx', 'a.example.com,b.example.com', '192.0.2.1', '80, 443', '60m'],
  );
  assert.deepEqual(cellsOf('networking.k8s.io', 'Ingress', { metadata: meta('any'), spec: { rules: [{}] } }), ['any', '<none>', '*', '', '80', '60m']);
  assert.deepEqual(
    cellsOf('networking.k8s.io', 'Ingress', { metadata: meta('many'), spec: { rules: ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.io` })) } })[2],
    'a.io,b.io,c.io + 2 more...',
  );
  assert.deepEqual(
    cellsOf('networking.k8s.io', 'IngressClass', {
      metadata: meta('nginx'),
      spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
    }),
    ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '60m'],
  );
});

test('storage classes and priority classes', () => {
  assert.deepEqual(
    cellsOf('storage.k8s.io', 'StorageClass', {
      metadata: meta('local', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
    }),
    ['local (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '60m'],
  );
  assert.deepEqual(cellsOf('scheduling.k8s.io', 'PriorityClass', { metadata: meta('system-node-critical'), value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }), [
    'system-node-critical',
    2000001000,
    false,
    '60m',
    'PreemptLowerPriority',
  ]);
});

test('includeObject decides what each row carries', () => {
  const pods = findByKind('', 'v1', 'Pod')!;
  const obj = { metadata: { name: 'a', namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: created }, spec: { containers: [] } };
  const meta = toTable(pods, [obj], { includeObject: 'Metadata', now, listMeta: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 } });
  assert.equal(meta.kind, 'Table');
  assert.equal(meta.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(meta.metadata, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
  assert.deepEqual(meta.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata });
  const full = toTable(pods, [obj], { includeObject: 'Object', now });
  assert.deepEqual(full.rows[0].object, { apiVersion: 'v1', kind: 'Pod', ...obj });
  const none = toTable(pods, [obj], { includeObject: 'None', now });
  assert.equal('object' in none.rows[0], false);
  assert.deepEqual(none.metadata, {});
  assert.equal(none.columnDefinitions[0].format, 'name');
  assert.equal(toTable(pods, [obj], { includeObject: 'None', now, noHeaders: true }).columnDefinitions.length, 0);
});

test('an unknown resource gets Name and Age', () => {
  const res = { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true, verbs: [], subresources: [] };
  const t = toTable(res, [{ metadata: { name: 'w', creationTimestamp: '2024-05-01T11:59:00Z' } }], { includeObject: 'None', now });
  assert.deepEqual(t.rows[0].cells, ['w', '60s']);
  assert.deepEqual(
    toTable(res, [{ metadata: { name: 'w' } }], { includeObject: 'None', now }).rows[0].cells,
    ['w', '<unknown>'],
  );
});
