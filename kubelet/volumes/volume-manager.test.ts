import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret } from '../../api/types.js';
import { CreateContainerConfigError } from '../env/errors.js';
import { isMountPoint } from './host-mounts.js';
import { VolumeManager, type VolumeSources } from './volume-manager.js';
import { VolumeError } from './errors.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function setup(t: { after: (fn: () => void | Promise<void>) => void }, objects: { cms?: ConfigMap[]; secrets?: Secret[]; pvcs?: PersistentVolumeClaim[]; pvs?: PersistentVolume[]; requestToken?: VolumeSources['requestToken'] } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-vol-'));
  const sources: VolumeSources = {
    getConfigMap: async (ns, name) => objects.cms?.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
    getSecret: async (ns, name) => objects.secrets?.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
    getPersistentVolumeClaim: async (ns, name) => objects.pvcs?.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
    getPersistentVolume: async (name) => objects.pvs?.find((c) => c.metadata?.name === name),
    ...(objects.requestToken ? { requestToken: objects.requestToken } : {}),
  };
  const vm = new VolumeManager({ rootDir: root, sources, nodeName: 'node-a', logger: pino({ level: 'silent' }) });
  t.after(async () => {
    for (const uid of vm.listPodDirs()) await vm.tearDownPod(uid);
    fs.rmSync(root, { recursive: true, force: true });
  });
  return { root, vm, objects };
}

function pod(spec: Partial<Pod['spec']> & { volumes: NonNullable<Pod['spec']>['volumes'] }, uid = 'uid-1'): Pod {
  return { metadata: { name: 'web', namespace: 'ns1', uid, labels: { app: 'web' }, annotations: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

const readLink = (p: string) => fs.readlinkSync(p);

test('configMap volume: every key at defaultMode 0644 in the atomic-writer layout; items with path and mode', async (t) => {
  const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns1' }, data: { 'app.conf': 'x=1', other: 'o' }, binaryData: { bin: b64('\x00\x01') } };
  const { root, vm } = setup(t, { cms: [cm] });
  const p = pod({ volumes: [{ name: 'all', configMap: { name: 'cfg' } }, { name: 'some', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o400 }] } }] });
  await vm.setUpPod(p);
  const all = path.join(root, 'pods/uid-1/volumes/kubernetes.io~configmap/all');
  assert.deepEqual(fs.readdirSync(all).filter((n) => !n.startsWith('..')).sort(), ['app.conf', 'bin', 'other']);
  assert.equal(readLink(path.join(all, 'app.conf')), '..data/app.conf');
  assert.equal(fs.readFileSync(path.join(all, 'app.conf'), 'utf8'), 'x=1');
  assert.deepEqual([...fs.readFileSync(path.join(all, 'bin'))], [0, 1]);
  assert.equal(fs.statSync(path.join(all, 'other')).mode & 0o777, 0o644);
  const some = path.join(root, 'pods/uid-1/volumes/kubernetes.io~configmap/some');
  assert.equal(readLink(path.join(some, 'conf')), '..data/conf');
  assert.equal(fs.statSync(path.join(some, 'conf/app.conf')).mode & 0o777, 0o400);
  assert.equal(fs.existsSync(path.join(some, 'other')), false);
});

test('FailedMount messages: missing configMap/secret/key, unbound and missing claims; optional sources mount empty', async (t) => {
  const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'A' } };
  const secret: Secret = { metadata: { name: 's', namespace: 'ns1' }, data: { a: b64('A') } };
  const pvc: PersistentVolumeClaim = { metadata: { name: 'pending', namespace: 'ns1' }, spec: {}, status: { phase: 'Pending' } };
  const { root, vm } = setup(t, { cms: [cm], secrets: [secret], pvcs: [pvc] });
  const cases: Array<[NonNullable<Pod['spec']>['volumes'], string]> = [
    [[{ name: 'cfg', configMap: { name: 'gone' } }], 'MountVolume.SetUp failed for volume "cfg" : configmap "gone" not found'],
    [[{ name: 'sec', secret: { secretName: 'gone' } }], 'MountVolume.SetUp failed for volume "sec" : secret "gone" not found'],
    [[{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'nokey', path: 'x' }] } }], 'MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: nokey'],
    [[{ name: 'sec', secret: { secretName: 's', items: [{ key: 'nokey', path: 'x' }] } }], 'MountVolume.SetUp failed for volume "sec" : references non-existent secret key: nokey'],
    [[{ name: 'data', persistentVolumeClaim: { claimName: 'pending' } }], 'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "pending" is not bound'],
    [[{ name: 'data', persistentVolumeClaim: { claimName: 'nope' } }], 'MountVolume.SetUp failed for volume "data" : persistentvolumeclaim "nope" not found'],
    [[{ name: 'hp', hostPath: { path: path.join(root, 'no-such-dir'), type: 'Directory' } }], `MountVolume.SetUp failed for volume "hp" : hostPath type check failed: ${path.join(root, 'no-such-dir')} is not a directory`],
  ];
  for (const [volumes, message] of cases) {
    await assert.rejects(vm.setUpPod(pod({ volumes })), (err: Error) => err instanceof VolumeError && err.reason === 'FailedMount' && err.message === message, message);
  }
  await vm.setUpPod(pod({ volumes: [{ name: 'opt', configMap: { name: 'gone', optional: true } }, { name: 'opts', secret: { secretName: 'gone', optional: true } }, { name: 'optkey', configMap: { name: 'cfg', optional: true, items: [{ key: 'nokey', path: 'x' }] } }] }));
  assert.deepEqual(fs.readdirSync(path.join(root, 'pods/uid-1/volumes/kubernetes.io~configmap/opt')).filter((n) => !n.startsWith('..')), []);
  assert.deepEqual(fs.readdirSync(path.join(root, 'pods/uid-1/volumes/kubernetes.io~secret/opts')).filter((n) => !n.startsWith('..')), []);
});

test('secret, downwardAPI and projected volumes (with and without a token source)', async (t) => {
  const cm: ConfigMap = { metadata: { name: 'kube-root-ca.crt', namespace: 'ns1' }, data: { 'ca.crt': 'CA' } };
  const secret: Secret = { metadata: { name: 's', namespace: 'ns1' }, data: { password: b64('pw') } };
  const volumes: NonNullable<Pod['spec']>['volumes'] = [
    { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
    {
      name: 'info',
      downwardAPI: {
        items: [
          { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
        ],
      },
    },
    {
      name: 'kube-api-access',
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
          { secret: { name: 's' } },
        ],
      },
    },
  ];
  const withoutToken = setup(t, { cms: [cm], secrets: [secret] });
  await assert.rejects(withoutToken.vm.setUpPod(pod({ volumes })), {
    message: 'MountVolume.SetUp failed for volume "kube-api-access" : failed to fetch token: the TokenRequest API (serviceaccounts/token) is not available in this kubelet',
  });

  const requests: Array<[string | undefined, number]> = [];
  const { root, vm } = setup(t, { cms: [cm], secrets: [secret], requestToken: async (_pod, audience, exp) => (requests.push([audience, exp]), 'TOKEN') });
  await vm.setUpPod(pod({ volumes }), { nodeAllocatable: { memory: '2Gi', cpu: '2' } });
  const dir = (kind: string, name: string) => path.join(root, 'pods/uid-1/volumes', kind, name);
  assert.equal(fs.readFileSync(path.join(dir('kubernetes.io~secret', 'sec'), 'password'), 'utf8'), 'pw');
  assert.equal(fs.statSync(path.join(dir('kubernetes.io~secret', 'sec'), 'password')).mode & 0o777, 0o400);
  assert.equal(fs.readFileSync(path.join(dir('kubernetes.io~downward-api', 'info'), 'name'), 'utf8'), 'web');
  assert.equal(fs.readFileSync(path.join(dir('kubernetes.io~downward-api', 'info'), 'labels'), 'utf8'), 'app="web"');
  assert.equal(fs.readFileSync(path.join(dir('kubernetes.io~downward-api', 'info'), 'mem'), 'utf8'), '2048');
  const projected = dir('kubernetes.io~projected', 'kube-api-access');
  assert.deepEqual(fs.readdirSync(projected).filter((n) => !n.startsWith('..')).sort(), ['ca.crt', 'namespace', 'password', 'token']);
  assert.equal(fs.readFileSync(path.join(projected, 'token'), 'utf8'), 'TOKEN');
  assert.equal(fs.readFileSync(path.join(projected, 'namespace'), 'utf8'), 'ns1');
  assert.deepEqual(requests, [[undefined, 3607]]);
});

test('refreshPod swaps changed contents in place; the old data dir goes away', async (t) => {
  const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'one' } };
  const { root, vm, objects } = setup(t, { cms: [cm] });
  const p = pod({ volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] });
  await vm.setUpPod(p);
  const dir = path.join(root, 'pods/uid-1/volumes/kubernetes.io~configmap/cfg');
  const before = readLink(path.join(dir, '..data'));
  objects.cms![0] = { ...cm, data: { a: 'two', b: 'new' } };
  await vm.refreshPod(p);
  assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'two');
  assert.equal(fs.readFileSync(path.join(dir, 'b'), 'utf8'), 'new');
  assert.notEqual(readLink(path.join(dir, '..data')), before);
  assert.equal(fs.existsSync(path.join(dir, before)), false);
  // A deleted ConfigMap leaves the contents as they were and reports FailedMount.
  objects.cms!.length = 0;
  await assert.rejects(vm.refreshPod(p), { message: 'MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found' });
  assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'two');
});

test('mountsFor: binds, readOnly, subPath/subPathExpr, PVC hostPath, /etc/hosts and termination log', async (t) => {
  const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns1' }, data: { 'app.conf': 'x' } };
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hostpath-'));
  t.after(() => fs.rmSync(hostDir, { recursive: true, force: true }));
  const pv: PersistentVolume = { metadata: { name: 'pv1' }, spec: { hostPath: { path: hostDir }, accessModes: ['ReadWriteOnce'] } };
  const pvc: PersistentVolumeClaim = { metadata: { name: 'claim', namespace: 'ns1' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } };
  const { root, vm } = setup(t, { cms: [cm], pvcs: [pvc], pvs: [pv] });
  const container: Container = {
    name: 'c',
    image: 'busybox',
    terminationMessagePath: '/dev/termination-log',
    volumeMounts: [
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'cfg', mountPath: '/etc/app' },
      { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
      { name: 'scratch', mountPath: '/logs', subPathExpr: '$(POD_NAME)/logs', readOnly: true },
      { name: 'data', mountPath: '/data' },
    ],
  };
  const p: Pod = { ...pod({ volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }, { name: 'data', persistentVolumeClaim: { claimName: 'claim' } }] }), spec: { containers: [container], volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }, { name: 'data', persistentVolumeClaim: { claimName: 'claim' } }] } };
  await vm.setUpPod(p, { podIP: '10.244.3.4' });
  const mounts = vm.mountsFor(p, container, { env: { POD_NAME: 'web' } });
  const podDir = path.join(root, 'pods/uid-1');
  const byTarget = new Map(mounts.map((m) => [m.Target, m]));
  assert.equal(byTarget.get('/scratch')!.Source, path.join(podDir, 'volumes/kubernetes.io~empty-dir/scratch'));
  assert.equal(byTarget.get('/scratch')!.ReadOnly, false);
  assert.equal(fs.statSync(byTarget.get('/scratch')!.Source).mode & 0o777, 0o777);
  assert.equal(byTarget.get('/etc/app')!.ReadOnly, true, 'configMap volumes are read-only');
  assert.equal(byTarget.get('/etc/app.conf')!.Source, fs.realpathSync(path.join(podDir, 'volumes/kubernetes.io~configmap/cfg/app.conf')));
  assert.equal(byTarget.get('/logs')!.Source, path.join(podDir, 'volumes/kubernetes.io~empty-dir/scratch/web/logs'));
  assert.equal(byTarget.get('/logs')!.ReadOnly, true);
  assert.equal(fs.statSync(byTarget.get('/logs')!.Source).isDirectory(), true);
  assert.equal(byTarget.get('/data')!.Source, hostDir);
  assert.equal(fs.readFileSync(byTarget.get('/etc/hosts')!.Source, 'utf8').split('\n').at(-2), '10.244.3.4\tweb');
  const term = byTarget.get('/dev/termination-log')!;
  assert.match(term.Source, new RegExp(`^${podDir}/containers/c/[0-9a-f]{8}$`));
  assert.equal(fs.statSync(term.Source).mode & 0o777, 0o666);
  assert.notEqual(vm.mountsFor(p, container, { env: { POD_NAME: 'web' } }).find((m) => m.Target === '/dev/termination-log')!.Source, term.Source, 'a new file per container instance');

  const bad = (volumeMounts: Container['volumeMounts'], message: string) =>
    assert.throws(() => vm.mountsFor(p, { ...container, volumeMounts }, { env: {} }), (err: Error) => err instanceof CreateContainerConfigError && err.message === message, message);
  bad([{ name: 'scratch', mountPath: '/x', subPath: '/abs' }], 'error SubPath `/abs` must not be an absolute path');
  bad([{ name: 'scratch', mountPath: '/x', subPath: 'a/../../b' }], "unable to provision SubPath `a/../../b`: must not contain '..'");
  bad([{ name: 'scratch', mountPath: '/x', subPathExpr: '$(NOPE)/x' }], 'missing value for NOPE');
  bad([{ name: 'nope', mountPath: '/x' }], 'cannot find volume "nope" to mount into container "c"');
  fs.symlinkSync('/etc', path.join(podDir, 'volumes/kubernetes.io~empty-dir/scratch/escape'));
  bad([{ name: 'scratch', mountPath: '/x', subPath: 'escape' }], 'failed to prepare subPath for volumeMount "scratch" of container "c"');

  // No pod IP yet: no /etc/hosts mount; a container mounting its own /etc/hosts keeps it.
  const noIP = { ...p, metadata: { ...p.metadata, uid: 'uid-2' } };
  await vm.setUpPod(noIP);
  assert.equal(vm.mountsFor(noIP, container, { env: { POD_NAME: 'web' } }).some((m) => m.Target === '/etc/hosts'), false);
  const own = vm.mountsFor(p, { ...container, volumeMounts: [{ name: 'scratch', mountPath: '/etc/hosts', subPath: 'hosts' }] });
  assert.equal(own.filter((m) => m.Target === '/etc/hosts').length, 1);
  assert.match(own.find((m) => m.Target === '/etc/hosts')!.Source, /empty-dir/);
});

test('tearDownPod removes the pod dir without following symlinks or touching hostPath contents', async (t) => {
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hostpath-'));
  t.after(() => fs.rmSync(hostDir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(hostDir, 'keep'), 'precious');
  const { root, vm } = setup(t);
  const p = pod({ volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'host', hostPath: { path: hostDir, type: 'Directory' } }] });
  await vm.setUpPod(p);
  const scratch = path.join(root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch');
  fs.symlinkSync(hostDir, path.join(scratch, 'link-out'));
  fs.writeFileSync(path.join(scratch, 'file'), 'x');
  await vm.tearDownPod('uid-1');
  assert.equal(fs.existsSync(path.join(root, 'pods/uid-1')), false);
  assert.equal(fs.readFileSync(path.join(hostDir, 'keep'), 'utf8'), 'precious');
  await assert.rejects(vm.tearDownPod('../escape'), /invalid pod uid/);
});

test('emptyDir medium Memory is a tmpfs with sizeLimit, shared by the pod and unmounted at tear-down', { skip: process.getuid?.() !== 0 ? 'needs root to mount' : false }, async (t) => {
  const { root, vm } = setup(t);
  const p = pod({ volumes: [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] });
  await vm.setUpPod(p);
  await vm.setUpPod(p); // idempotent: not mounted twice
  const dir = path.join(root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/mem');
  assert.equal(isMountPoint(dir), true);
  assert.equal(fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === dir).length, 1);
  assert.throws(() => fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(2 * 1024 * 1024)), /ENOSPC/);
  const mounts = vm.mountsFor(p, { name: 'c', volumeMounts: [{ name: 'mem', mountPath: '/mem' }] });
  assert.deepEqual(mounts.map((m) => [m.Type, m.Source]), [['bind', dir]]);
  await vm.tearDownPod('uid-1');
  assert.equal(isMountPoint(dir), false);
  assert.equal(fs.existsSync(path.join(root, 'pods/uid-1')), false);
});

test('fsGroup: files and dirs get the group, group bits and setgid dirs', async (t) => {
  const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns1' }, data: { a: 'A' } };
  const { root, vm } = setup(t, { cms: [cm] });
  await vm.setUpPod(pod({ securityContext: { fsGroup: 2000 }, volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o600 } }, { name: 'scratch', emptyDir: {} }] }));
  const file = path.join(root, 'pods/uid-1/volumes/kubernetes.io~configmap/cfg/a');
  assert.equal(fs.statSync(file).gid, 2000);
  assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  const scratch = fs.statSync(path.join(root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch'));
  assert.equal(scratch.gid, 2000);
  assert.equal(scratch.mode & 0o2000, 0o2000);
});
