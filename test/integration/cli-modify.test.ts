// The modifying verbs of k8ts against the stock kubectl on one private cluster: each verb runs on twin
// objects (namespace mod-a for k8ts, mod-b for kubectl) and must print the same lines and leave the
// same objects. Skips the comparisons when `kubectl` is not on PATH; never uses a shared cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { K8TS_CLI, kubectlSkip, type Run } from '../support/cli.js';

const CLI = K8TS_CLI;
const skip = kubectlSkip;


let cluster: TestCluster;
let cacheDir: string;

/** Runs a command; `started` resolves once it has printed its first line on stdout. */
function spawnRun(cmd: string, args: string[], env: Record<string, string> = {}): { done: Promise<Run>; started: Promise<void> } {
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<Run>((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) markStarted();
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      markStarted();
      resolve({ out, err, code });
    });
  });
  return { done, started };
}

const exec = (cmd: string, args: string[], env?: Record<string, string>): Promise<Run> => spawnRun(cmd, args, env).done;

const k8ts = (args: string[], env?: Record<string, string>) => exec(process.execPath, [CLI, '--kubeconfig', cluster.kubeconfig, ...args], env);
const kubectl = (args: string[], env?: Record<string, string>) =>
  exec('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', cacheDir, ...args], env);

/** Runs the same command in both namespaces (`@` in an argument stands for the twin's suffix a/b). */
async function both(args: string[], env?: Record<string, string>): Promise<{ mine: Run; theirs: Run }> {
  const sub = (s: string) => (args: string[]) => args.map((a) => a.replaceAll('@', s));
  const [mine, theirs] = await Promise.all([k8ts(['-n', 'mod-a', ...sub('a')(args)], env), kubectl(['-n', 'mod-b', ...sub('b')(args)], env)]);
  return { mine, theirs };
}

function same(r: { mine: Run; theirs: Run }, normalize: (s: string) => string = (s) => s): void {
  // The restart stamp is the clock's second when each tool ran; everything else must match exactly.
  const norm = (s: string) =>
    normalize(s.replaceAll('mod-b', 'mod-a').replace(/\b(n|p|rs)-b\b/g, '$1-a').replace(/(restartedAt: )\S+/g, '$1<time>'));
  assert.equal(norm(r.mine.out), norm(r.theirs.out), 'stdout differs');
  assert.equal(norm(r.mine.err), norm(r.theirs.err), 'stderr differs');
  assert.equal(r.mine.code, r.theirs.code, 'exit code differs');
}

/** Applies a manifest to both namespaces (`@` replaced by a/b), with kubectl. */
async function setup(manifest: string): Promise<void> {
  for (const s of ['a', 'b']) {
    const file = path.join(cacheDir, `setup-${s}.yaml`);
    writeFileSync(file, manifest.replaceAll('@', s));
    const r = await kubectl(['-n', `mod-${s}`, 'apply', '-f', file]);
    assert.equal(r.code, 0, r.err);
  }
}

function strip(obj: any): any {
  const clean = (o: any): any => {
    if (Array.isArray(o)) return o.map(clean);
    if (o && typeof o === 'object') {
      const r: any = {};
      for (const [k, v] of Object.entries(o)) {
        if (['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'namespace', 'generation', 'kubectl.kubernetes.io/restartedAt', 'clusterIP', 'clusterIPs', 'nodePort'].includes(k)) continue;
        r[k] = clean(v);
      }
      return r;
    }
    return typeof o === 'string' ? o.replace(/\b(n|p|rs)-b\b/g, '$1-a').replaceAll('mod-b', 'mod-a') : o;
  };
  return clean(obj);
}

async function sameObjects(type: string, name: string): Promise<void> {
  const get = async (ns: string, n: string) => {
    const r = await kubectl(['-n', ns, 'get', type, n, '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    return strip(JSON.parse(r.out));
  };
  assert.deepEqual(await get('mod-a', name.replaceAll('@', 'a')), await get('mod-b', name.replaceAll('@', 'b')));
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
`;

describe('k8ts modify verbs vs kubectl', { skip, timeout: 120_000 }, () => {
  before(async () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'cli-modify-'));
    cluster = await startTestCluster();
    for (const ns of ['mod-a', 'mod-b']) assert.equal((await kubectl(['create', 'namespace', ns])).code, 0);
  });
  after(async () => {
    await cluster?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('label and annotate', async () => {
    await setup(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: yy, labels: {app: q}}\n`);
    for (const args of [
      ['label', 'cm', 'x', 'app=x'],
      ['label', 'cm', 'x', 'app=y'],
      ['label', 'cm/x', 'app=x', '--overwrite'],
      ['label', 'cm', 'x', 'app-'],
      ['label', 'cm', 'x', 'app-'],
      ['label', 'cm', 'x', 'b=1', 'c=2'],
      ['label', 'cm', 'x', '--list'],
      ['label', 'cm', '--all', '--list'],
      ['label', 'cm', '-l', 'app=q', 'z=1'],
      ['label', 'cm', 'nope', 'z=1'],
      ['annotate', 'cm', 'x', 'a=1'],
      ['annotate', 'cm', 'x', 'a=2'],
      ['annotate', 'cm', 'x', 'a=2', '--overwrite'],
      ['annotate', 'cm', 'x', 'a-'],
      ['label', 'cm', 'x', 'd=1', '--dry-run=client'],
      ['label', 'cm', 'x', 'b-', '--dry-run=server'],
      ['annotate', 'cm', 'x', 'd=1', '--dry-run=server'],
      ['label', 'cm', 'x', 'd=1', '--dry-run=bogus'],
    ]) {
      // kubectl lists a map in Go's random order: compare --list output as a set of lines.
      same(await both(args), args.includes('--list') ? (s) => s.split('\n').sort().join('\n') : undefined);
    }
    await sameObjects('cm', 'x');
    await sameObjects('cm', 'yy');
  });

  it('patch, scale and set image', async () => {
    await setup(DEPLOY);
    for (const args of [
      ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":3}}'],
      ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":3}}'],
      ['patch', 'deploy/web', '--type=merge', '-p', 'metadata: {labels: {tier: fe}}'],
      ['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]'],
      ['patch', 'deploy', 'web', '--subresource=scale', '-p', '{"spec":{"replicas":5}}'],
      ['patch', 'deploy', 'web'],
      ['patch', 'deploy', 'web', '-p', '{bad'],
      ['patch', 'deploy', 'web', '--type=foo', '-p', '{}'],
      ['patch', 'deploy', 'web', '--subresource=status', '-p', '{"status":{"replicas":1}}'],
      ['patch', 'deploy', 'web', '--dry-run=client', '-p', '{"spec":{"replicas":9}}'],
      ['patch', 'deploy', 'web', '--dry-run=server', '-p', '{"spec":{"replicas":9}}'],
      ['scale', 'deploy/web', '--replicas=9', '--dry-run=server'],
      ['scale', 'cm/nope', '--replicas=1'],
      ['scale', 'deploy', 'web', '--replicas=2'],
      ['scale', 'deploy/web', '--replicas=3', '--current-replicas=1'],
      ['scale', 'deploy/web', '--replicas=3', '--current-replicas=2'],
      ['set', 'image', 'deploy/web', 'nginx=nginx:1.25'],
      ['set', 'image', 'deploy/web', 'nginx=nginx:1.25'],
      ['set', 'image', 'deploy/web', 'foo=bar'],
      ['set', 'image', 'deploy/web', '*=nginx:1.26', '--dry-run=client'],
    ]) {
      same(await both(args));
    }
    await sameObjects('deploy', 'web');
  });

  it('rollout pause, resume, restart, status, history and undo', async () => {
    await setup(DEPLOY.replaceAll('web', 'ro'));
    for (const args of [
      ['rollout', 'pause', 'deploy/ro'],
      ['rollout', 'pause', 'deploy/ro'],
      ['rollout', 'restart', 'deploy/ro'],
      ['rollout', 'resume', 'deploy/ro'],
      ['rollout', 'resume', 'deploy/ro'],
      ['rollout', 'restart', 'deploy/ro'],
      ['rollout', 'status', 'deploy/ro', '--watch=false'],
      ['rollout', 'status', 'deploy/ro', '--timeout=1s'],
      ['rollout', 'history', 'deploy/ro'],
      ['rollout', 'undo', 'deploy/ro'],
    ]) {
      same(await both(args));
    }
    await sameObjects('deploy', 'ro');
    // No controller-manager: write what it would (owned ReplicaSets and a status) ourselves.
    for (const s of ['a', 'b']) {
      const d = JSON.parse((await kubectl(['-n', `mod-${s}`, 'get', 'deploy', 'ro', '-o', 'json'])).out);
      for (const [rev, image, cause] of [['1', 'nginx:1.0', 'first'], ['2', 'nginx', '']]) {
        const tpl = structuredClone(d.spec.template);
        tpl.metadata.labels['pod-template-hash'] = `h${rev}`;
        if (rev === '1') tpl.spec.containers[0].image = image;
        const rs = {
          apiVersion: 'apps/v1', kind: 'ReplicaSet',
          metadata: {
            name: `ro-${rev}`, labels: { app: 'ro', 'pod-template-hash': `h${rev}` },
            annotations: { 'deployment.kubernetes.io/revision': rev, ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ro', uid: d.metadata.uid, controller: true }],
          },
          spec: { replicas: 0, selector: { matchLabels: { app: 'ro', 'pod-template-hash': `h${rev}` } }, template: tpl },
        };
        const file = path.join(cacheDir, `rs-${s}-${rev}.json`);
        writeFileSync(file, JSON.stringify(rs));
        assert.equal((await kubectl(['-n', `mod-${s}`, 'create', '-f', file])).code, 0);
      }
      const status = { status: { observedGeneration: d.metadata.generation, replicas: 2, updatedReplicas: 2, availableReplicas: 1 } };
      const r = await kubectl(['-n', `mod-${s}`, 'patch', 'deploy', 'ro', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
      assert.equal(r.code, 0, r.err);
    }
    for (const args of [
      ['rollout', 'status', 'deploy/ro', '--watch=false'],
      ['rollout', 'history', 'deploy/ro'],
      ['rollout', 'history', 'deploy/ro', '--revision=1'],
      ['rollout', 'history', 'deploy/ro', '--revision=5'],
      ['rollout', 'undo', 'deploy/ro', '--to-revision=7'],
      ['rollout', 'undo', 'deploy/ro', '--to-revision=2'],
      ['rollout', 'undo', 'deploy/ro'],
    ]) {
      same(await both(args));
    }
    await sameObjects('deploy', 'ro');
    // A watching status sees the rollout finish when the status says so: change it once both have
    // printed their first status line (they watch from the resourceVersion they read before it).
    const mine = spawnRun(process.execPath, [CLI, '--kubeconfig', cluster.kubeconfig, '-n', 'mod-a', 'rollout', 'status', 'deploy/ro', '--timeout=20s']);
    const theirs = spawnRun('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', cacheDir, '-n', 'mod-b', 'rollout', 'status', 'deploy/ro', '--timeout=20s']);
    await Promise.all([mine.started, theirs.started]);
    for (const s of ['a', 'b']) {
      const d = JSON.parse((await kubectl(['-n', `mod-${s}`, 'get', 'deploy', 'ro', '-o', 'json'])).out);
      const status = { status: { observedGeneration: d.metadata.generation, replicas: 2, updatedReplicas: 2, availableReplicas: 2 } };
      await kubectl(['-n', `mod-${s}`, 'patch', 'deploy', 'ro', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    }
    const watching = Promise.all([mine.done, theirs.done]).then(([m, t]) => ({ mine: m, theirs: t }));
    const res = await watching;
    assert.match(res.mine.out, /deployment "ro" successfully rolled out\n$/);
    same(res, (s) => s.replace(/^(Waiting.*\n)+/, 'Waiting...\n'));
  });

  it('rollout of DaemonSets from ControllerRevisions', async () => {
    await setup(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: busybox}]}}}
`);
    for (const args of [['rollout', 'history', 'ds/ds'], ['rollout', 'undo', 'ds/ds'], ['rollout', 'pause', 'ds/ds'], ['rollout', 'status', 'ds/ds', '--watch=false']]) {
      same(await both(args));
    }
    for (const s of ['a', 'b']) {
      const ds = JSON.parse((await kubectl(['-n', `mod-${s}`, 'get', 'ds', 'ds', '-o', 'json'])).out);
      for (const [rev, image] of [['1', 'busybox:old'], ['2', 'busybox']]) {
        const cr = {
          apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: Number(rev),
          metadata: { name: `ds-${rev}`, labels: { a: 'b' }, annotations: { 'kubernetes.io/change-cause': `rev ${rev}` }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: ds.metadata.uid, controller: true }] },
          data: { spec: { template: { $patch: 'replace', metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image }] } } } },
        };
        const file = path.join(cacheDir, `cr-${s}-${rev}.json`);
        writeFileSync(file, JSON.stringify(cr));
        assert.equal((await kubectl(['-n', `mod-${s}`, 'create', '-f', file])).code, 0);
      }
      const status = { status: { observedGeneration: ds.metadata.generation, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 1 } };
      assert.equal((await kubectl(['-n', `mod-${s}`, 'patch', 'ds', 'ds', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)])).code, 0);
    }
    for (const args of [
      ['rollout', 'status', 'ds/ds', '--watch=false'],
      ['rollout', 'history', 'ds/ds'],
      ['rollout', 'history', 'ds/ds', '--revision=2'],
      ['rollout', 'undo', 'ds/ds', '--to-revision=9'],
      ['rollout', 'undo', 'ds/ds'],
      ['rollout', 'restart', 'ds/ds'],
    ]) {
      same(await both(args));
    }
    await sameObjects('ds', 'ds');
  });

  it('wait', async () => {
    await setup(`apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec: {containers: [{name: c, image: busybox}]}\n`);
    for (const args of [
      ['wait', '--for=condition=Ready', 'pod/w', '--timeout=1s'],
      ['wait', "--for=jsonpath={.spec.containers[0].name}=c", 'pod/w', '--timeout=1s'],
      ['wait', '--for=delete', 'pod/nonexistent', '--timeout=1s'],
      ['wait', '--for=condition=Ready', 'pod/nonexistent', '--timeout=1s'],
      ['wait', '--for=create', 'pod/w', '--timeout=1s'],
      ['wait', '--for=create', 'pod/nonexistent', '--timeout=1s'],
      ['wait', 'pod/w'],
    ]) {
      same(await both(args));
    }
    // Either order of read and change ends in `condition met`; no sleep decides which one the test sees.
    const waiting = both(['wait', '--for=condition=Ready', 'pod/w', '--timeout=20s']);
    for (const s of ['a', 'b']) {
      const status = { status: { conditions: [{ type: 'Ready', status: 'True' }] } };
      await kubectl(['-n', `mod-${s}`, 'patch', 'pod', 'w', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    }
    same(await waiting);
  });

  it('cordon, uncordon and drain', async () => {
    for (const s of ['a', 'b']) {
      const file = path.join(cacheDir, `node-${s}.yaml`);
      writeFileSync(file, `apiVersion: v1\nkind: Node\nmetadata: {name: n-${s}}\n`);
      assert.equal((await kubectl(['apply', '-f', file])).code, 0);
    }
    await setup(`apiVersion: v1
kind: Pod
metadata: {name: p-1}
spec: {nodeName: n-@, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p-2, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: 1d7e0a36-0000-4000-8000-000000000002, controller: true}]}
spec: {nodeName: n-@, containers: [{name: c, image: busybox}], volumes: [{name: v, emptyDir: {}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p-3, ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: ds, uid: 1d7e0a36-0000-4000-8000-000000000003, controller: true}]}
spec: {nodeName: n-@, containers: [{name: c, image: busybox}]}
`);
    // kubectl orders its grouped drain messages by Go map iteration: compare them as sets.
    const sortGroups = (s: string) => s.replace(/^(Warning: |error: unable to drain node "n-a" due to error: \[)(.*?)(\]?, continuing command\.\.\.)?$/gm, (_m, a, b, c = '') => a + b.split(/; |, (?=cannot)/).sort().join('; ') + c);
    for (const args of [
      ['cordon', 'n-@'],
      ['cordon', 'n-@'],
      ['uncordon', 'n-@'],
      ['uncordon', 'n-@'],
      ['drain', 'n-@', '--force', '--timeout=5s'],
      ['uncordon', 'n-@'],
      ['drain', 'n-@', '--force', '--delete-emptydir-data', '--grace-period=0', '--timeout=10s'],
      ['drain', 'n-@', '--force', '--ignore-daemonsets', '--delete-emptydir-data', '--grace-period=0', '--timeout=10s'],
    ]) {
      same(await both(args), (s) => sortGroups(s).split('\n').sort().join('\n'));
    }
    const nodes = async (s: string) => strip(JSON.parse((await kubectl(['get', 'node', `n-${s}`, '-o', 'json'])).out));
    assert.deepEqual(await nodes('a'), await nodes('b'));
  });

  it('run, expose and edit', async () => {
    await setup(DEPLOY.replaceAll('web', 'ex'));
    for (const args of [
      ['run', 'r1', '--image=busybox', '--dry-run=client', '-o', 'yaml'],
      ['run', 'r2', '--image=busybox', '--restart=Never', '--env=A=1', '--port=80', '--labels=x=y,z=w', '--', 'sleep', '10'],
      ['run', 'r3', '--image=busybox', '--command', '--', 'sh', '-c', 'true'],
      ['expose', 'deploy', 'ex', '--port=80', '--target-port=8080'],
      ['expose', 'deploy/ex', '--name=ex2', '--type=NodePort'],
      ['expose', 'pod', 'r2', '--port=90'],
    ]) {
      same(await both(args));
    }
    for (const [type, name] of [['pod', 'r2'], ['pod', 'r3'], ['svc', 'ex'], ['svc', 'ex2'], ['svc', 'r2']]) await sameObjects(type, name);
    same(await both(['edit', 'deploy', 'ex'], { EDITOR: 'true' }));
    same(await both(['edit', 'deploy', 'ex'], { EDITOR: "sed -i s/image:.nginx$/image:\\ nginx:2/" }));
    await sameObjects('deploy', 'ex');
  });
});
