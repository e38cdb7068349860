import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Container, Pod, Secret, Service } from '../../api/types.js';
import { containerEnv, expandContainerCommandAndArgs, containerEnvMap } from './container-env.js';
import { CreateContainerConfigError } from './errors.js';
import { serviceEnvironment } from './service-env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function sources(cms: ConfigMap[] = [], secrets: Secret[] = []) {
  return {
    getConfigMap: async (ns: string, name: string) => cms.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
    getSecret: async (ns: string, name: string) => secrets.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
  };
}

function pod(container: Container, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'ns1', uid: 'uid-1', labels: { app: 'web', tier: 'a"b' }, annotations: { note: 'hi' } },
    spec: { nodeName: 'node-a', serviceAccountName: 'sa1', containers: [container], ...extra },
  };
}

const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns1' }, data: { key: 'value', '1bad': 'x', other: 'o' } };
const secret: Secret = { metadata: { name: 'sec', namespace: 'ns1' }, data: { password: b64('s3cret'), 'bad key': b64('x') } };
const ctx = { podIP: '10.244.1.5', hostIP: '192.168.1.2', nodeName: 'node-a' };

test('env resolution: table', async () => {
  const cases: Array<{ name: string; container: Container; want?: string[]; error?: string; events?: string[] }> = [
    { name: 'plain values with expansion', container: { name: 'c', env: [{ name: 'A', value: 'a' }, { name: 'B', value: '$(A)-b' }, { name: 'C', value: '$$(A)' }, { name: 'D', value: '$(NOPE)' }] }, want: ['A=a', 'B=a-b', 'C=$(A)', 'D=$(NOPE)'] },
    { name: 'a later reference is not expanded', container: { name: 'c', env: [{ name: 'X', value: '$(Y)' }, { name: 'Y', value: 'y' }] }, want: ['X=$(Y)', 'Y=y'] },
    {
      name: 'fieldRefs',
      container: {
        name: 'c',
        env: [
          { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
          { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'HOSTS', valueFrom: { fieldRef: { fieldPath: 'status.hostIPs' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
          { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
        ],
      },
      want: ['N=web', 'NS=ns1', 'UID=uid-1', 'APP=web', 'NOTE=hi', 'NODE=node-a', 'SA=sa1', 'HOST=192.168.1.2', 'HOSTS=192.168.1.2', 'IP=10.244.1.5', 'IPS=10.244.1.5', 'LABELS=app="web"\ntier="a\\"b"'],
    },
    {
      name: 'resourceFieldRef with divisor and allocatable default',
      container: {
        name: 'c',
        resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
        env: [
          { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
          { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
          { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
        ],
      },
      want: ['CPU_REQ_M=250', 'CPU_REQ=1', 'MEM_MI=64', 'CPU_LIM=2', 'MEM_REQ=0'],
    },
    {
      name: 'envFrom with prefix, invalid keys skipped and reported, env overrides',
      container: { name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'sec' } }], env: [{ name: 'key', value: 'override' }] },
      want: ['key=override', 'other=o', 'S_password=s3cret'],
      events: [
        'Warning InvalidEnvironmentVariableNames Keys [1bad] from the EnvFrom configMap ns1/cfg were skipped since they are considered invalid environment variable names.',
        'Warning InvalidEnvironmentVariableNames Keys [S_bad key] from the EnvFrom secret ns1/sec were skipped since they are considered invalid environment variable names.',
      ],
    },
    { name: 'key refs', container: { name: 'c', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'key' } } }, { name: 'P', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } }] }, want: ['K=value', 'P=s3cret'] },
    { name: 'optional missing sources are left out', container: { name: 'c', envFrom: [{ configMapRef: { name: 'gone', optional: true } }], env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey', optional: true } } }, { name: 'S', valueFrom: { secretKeyRef: { name: 'gone', key: 'x', optional: true } } }] }, want: [] },
    { name: 'missing configmap', container: { name: 'c', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, error: 'configmap "gone" not found' },
    { name: 'missing configmap key', container: { name: 'c', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, error: "couldn't find key k in ConfigMap ns1/cfg" },
    { name: 'missing secret', container: { name: 'c', envFrom: [{ secretRef: { name: 'gone' } }] }, error: 'secret "gone" not found' },
    { name: 'missing secret key', container: { name: 'c', env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'sec', key: 'k' } } }] }, error: "couldn't find key k in Secret ns1/sec" },
    { name: 'unsupported fieldPath', container: { name: 'c', env: [{ name: 'K', valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } }] }, error: 'unsupported fieldPath: spec.hostname' },
  ];
  for (const c of cases) {
    const events: string[] = [];
    const run = () => containerEnv(pod(c.container), c.container, sources([cm], [secret]), { ...ctx, nodeAllocatable: { cpu: '2', memory: '4Gi' }, onEvent: (t, r, m) => events.push(`${t} ${r} ${m}`) });
    if (c.error) {
      await assert.rejects(run, (err: Error) => err instanceof CreateContainerConfigError && err.message === c.error, c.name);
    } else {
      assert.deepEqual(await run(), c.want, c.name);
      assert.deepEqual(events, c.events ?? [], c.name);
    }
  }
});

test('service variables: kubernetes always, same-namespace services with enableServiceLinks, declared env wins', async () => {
  const services: Service[] = [
    { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
    { metadata: { name: 'my-db', namespace: 'ns1' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 5432 }, { name: 'metrics', port: 9187, protocol: 'TCP' }] } },
    { metadata: { name: 'headless', namespace: 'ns1' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
    { metadata: { name: 'elsewhere', namespace: 'ns2' }, spec: { clusterIP: '10.96.0.30', ports: [{ port: 80 }] } },
  ];
  const withLinks = serviceEnvironment(services, 'ns1', true);
  assert.deepEqual(withLinks, {
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    MY_DB_SERVICE_HOST: '10.96.0.20',
    MY_DB_SERVICE_PORT: '5432',
    MY_DB_SERVICE_PORT_METRICS: '9187',
    MY_DB_PORT: 'tcp://10.96.0.20:5432',
    MY_DB_PORT_5432_TCP: 'tcp://10.96.0.20:5432',
    MY_DB_PORT_5432_TCP_PROTO: 'tcp',
    MY_DB_PORT_5432_TCP_PORT: '5432',
    MY_DB_PORT_5432_TCP_ADDR: '10.96.0.20',
    MY_DB_PORT_9187_TCP: 'tcp://10.96.0.20:9187',
    MY_DB_PORT_9187_TCP_PROTO: 'tcp',
    MY_DB_PORT_9187_TCP_PORT: '9187',
    MY_DB_PORT_9187_TCP_ADDR: '10.96.0.20',
  });
  const noLinks = serviceEnvironment(services, 'ns1', false);
  assert.deepEqual(Object.keys(noLinks).filter((k) => !k.startsWith('KUBERNETES_')), []);
  assert.equal(noLinks.KUBERNETES_SERVICE_HOST, '10.96.0.1');

  const container: Container = { name: 'c', env: [{ name: 'MY_DB_SERVICE_HOST', value: 'mine' }, { name: 'URL', value: 'http://$(MY_DB_SERVICE_HOST):$(MY_DB_SERVICE_PORT)' }] };
  const env = await containerEnv(pod(container), container, sources(), { ...ctx, serviceEnv: withLinks });
  assert.ok(env.includes('MY_DB_SERVICE_HOST=mine'));
  assert.ok(env.includes('URL=http://mine:5432'));
  assert.equal(env.filter((e) => e.startsWith('MY_DB_SERVICE_HOST=')).length, 1);
  assert.ok(env.includes('KUBERNETES_SERVICE_PORT=443'));
});

test('command and args expand from the container env', async () => {
  const container: Container = { name: 'c', command: ['echo', '$(GREETING)'], args: ['$(NAME)', '$$(NAME)', '$(MISSING)'], env: [{ name: 'GREETING', value: 'hello' }, { name: 'NAME', value: 'world' }] };
  const env = await containerEnvMap(pod(container), container, sources(), ctx);
  assert.deepEqual(expandContainerCommandAndArgs(container, env), { command: ['echo', 'hello'], args: ['world', '$(NAME)', '$(MISSING)'] });
});
