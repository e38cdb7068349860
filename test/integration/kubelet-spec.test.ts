// Pod spec features on real Docker: sidecars (restartable init containers), postStart hooks,
// security context, DNS/hostname//etc/hosts, hostNetwork, termination messages, workingDir.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { startKubeletHarness, waitFor, type KubeletHarness } from './kubelet-harness.js';

let h: KubeletHarness;
const busybox = { image: 'busybox:latest', imagePullPolicy: 'IfNotPresent' as const };

before(async () => {
  h = await startKubeletHarness('kspec', { clusterDNS: ['10.96.0.10'] });
});

after(async () => {
  await h?.cleanup();
});

const logsOf = async (name: string, container = 'main') => {
  const pod = await h.waitForPod(name, `${container} terminated`, (p) => !![...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].find((c) => c.name === container)?.state?.terminated, 30_000);
  const cs = [...pod.status!.containerStatuses!, ...(pod.status!.initContainerStatuses ?? [])].find((c) => c.name === container)!;
  return { pod, cs, logs: await h.logs(cs.containerID!.slice(9)) };
};

describe('kubelet pod spec features', () => {
  it('starts a sidecar before the app, keeps it running, stops it when the app is done', async () => {
    await h.createPod({
      metadata: { name: 'sidecar' },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 2,
        initContainers: [{ name: 'proxy', ...busybox, restartPolicy: 'Always', command: ['sh', '-c', 'mkdir -p /w && echo from-sidecar > /w/index.html && httpd -f -p 9090 -h /w'] }],
        containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'for i in $(seq 1 50); do wget -q -O - http://127.0.0.1:9090/ && exit 0; sleep 0.2; done; exit 1'] }],
      },
    });
    const { pod, cs, logs } = await logsOf('sidecar');
    assert.equal(cs.state?.terminated?.exitCode, 0);
    assert.equal(logs, 'from-sidecar\n');
    const done = await h.waitForPod('sidecar', 'Succeeded', (p) => p.status?.phase === 'Succeeded', 30_000);
    assert.ok(done.status!.initContainerStatuses![0]!.state?.terminated, 'the sidecar was stopped');
    assert.ok(pod.status!.initContainerStatuses![0]!.restartCount === 0);
  });

  it('runs postStart before the container counts as started and records hook failures', async () => {
    await h.createPod({
      metadata: { name: 'hooks' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'shared', emptyDir: {} }],
        containers: [
          {
            name: 'main',
            ...busybox,
            command: ['sh', '-c', 'for i in $(seq 1 50); do [ -f /s/poststart ] && cat /s/poststart && exit 0; sleep 0.1; done; exit 1'],
            lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo hook-ran > /s/poststart'] } } },
            volumeMounts: [{ name: 'shared', mountPath: '/s' }],
          },
        ],
      },
    });
    const { cs, logs } = await logsOf('hooks');
    assert.equal(cs.state?.terminated?.exitCode, 0);
    assert.equal(logs, 'hook-ran\n');
    await h.createPod({
      metadata: { name: 'badhook' },
      spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 2, containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 7'] } } } }] },
    });
    await waitFor('FailedPostStartHook', async () => (await h.events('badhook')).find((e) => e.reason === 'FailedPostStartHook'));
    await h.waitForPod('badhook', 'killed', (p) => !!p.status?.containerStatuses?.[0]?.state?.terminated, 30_000);
  });

  it('applies runAsUser/runAsGroup, readOnlyRootFilesystem, capabilities and workingDir', async () => {
    await h.createPod({
      metadata: { name: 'secure' },
      spec: {
        restartPolicy: 'Never',
        securityContext: { runAsUser: 1234, runAsGroup: 5678 },
        containers: [
          {
            name: 'main',
            ...busybox,
            workingDir: '/tmp',
            command: ['sh', '-c', 'echo "id=$(id -u):$(id -g) pwd=$(pwd)"; touch /rootfs-file 2>/dev/null && echo writable || echo read-only; grep CapEff /proc/self/status'],
            securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    });
    const { logs } = await logsOf('secure');
    const [first, second, third] = logs.trim().split('\n');
    assert.equal(first, 'id=1234:5678 pwd=/tmp');
    assert.equal(second, 'read-only');
    assert.match(third!, /^CapEff:\s+0+$/);
  });

  it('gives the pod its hostname, cluster DNS and a kubelet-managed /etc/hosts', async () => {
    await h.createPod({
      metadata: { name: 'dns' },
      spec: { restartPolicy: 'Never', hostname: 'db-0', subdomain: 'db', containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'hostname; cat /etc/resolv.conf; echo ---; cat /etc/hosts'] }] },
    });
    const { pod, logs } = await logsOf('dns');
    const [host, rest] = [logs.split('\n')[0], logs.split('\n').slice(1).join('\n')];
    assert.equal(host, 'db-0');
    const [resolv, hosts] = rest.split('---\n');
    assert.match(resolv!, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.match(resolv!, /^nameserver 10\.96\.0\.10$/m);
    assert.match(resolv!, /^options ndots:5$/m);
    assert.match(hosts!, /^# Kubernetes-managed hosts file\./);
    assert.ok(hosts!.includes(`${pod.status!.podIP}\tdb-0.db.default.svc.cluster.local\tdb-0`), hosts);
  });

  it('runs a hostNetwork pod in the host network namespace', async () => {
    await h.createPod({ metadata: { name: 'hostnet' }, spec: { restartPolicy: 'Never', hostNetwork: true, containers: [{ name: 'main', ...busybox, command: ['hostname'] }] } });
    const { pod, logs } = await logsOf('hostnet');
    assert.equal(logs.trim(), hostname());
    assert.equal(pod.status?.podIP, '127.0.0.1', 'a host-network pod has the host IP');
  });

  it('reports the termination message file, or the log tail with FallbackToLogsOnError', async () => {
    await h.createPod({
      metadata: { name: 'msg' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'main', ...busybox, command: ['sh', '-c', 'echo -n "bye now" > /dev/termination-log; exit 4'] },
          { name: 'logs', ...busybox, terminationMessagePolicy: 'FallbackToLogsOnError', command: ['sh', '-c', 'echo last words; exit 5'] },
        ],
      },
    });
    const pod = await h.waitForPod('msg', 'Failed', (p) => p.status?.phase === 'Failed', 30_000);
    const byName = new Map(pod.status!.containerStatuses!.map((c) => [c.name, c]));
    assert.equal(byName.get('main')!.state?.terminated?.message, 'bye now');
    assert.equal(byName.get('logs')!.state?.terminated?.message, 'last words\n');
  });
});
