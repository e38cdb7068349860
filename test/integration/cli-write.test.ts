// The write verbs of k8ts (apply, create, replace, delete) against the stock kubectl on one private
// cluster: the same sequence runs once with each tool in its own namespace (wr-a for k8ts, wr-b for
// kubectl); printed lines and the objects left behind must be identical. Skips without kubectl.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { K8TS_CLI, kubectlSkip, runProcess, type Run } from '../support/cli.js';

const CLI = K8TS_CLI;
const skip = kubectlSkip;

let cluster: TestCluster;
let dir: string;

const exec = (cmd: string, args: string[], input?: string): Promise<Run> => runProcess(cmd, args, { input });

const k8ts = (args: string[], input?: string) => exec(process.execPath, [CLI, '--kubeconfig', cluster.kubeconfig, ...args], input);
const kubectl = (args: string[], input?: string) => exec('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], input);

const FILES: Record<string, string> = {
  'app.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  labels: {app: web, tier: fe}
data: {a: "1", b: "2", note: "x<y&z"}
---
# an empty document is skipped
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: fe}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{containerPort: 80}]
      - name: side
        image: busybox
        command: [sleep, "3600"]
`,
  'app-v2.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  labels: {app: web}
data: {a: "1", c: "3", note: "x<y&z"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: side
        image: busybox
        command: [sleep, "7200"]
      - name: web
        image: nginx:1.26
        env: [{name: A, value: "1"}]
        ports: [{containerPort: 80}, {containerPort: 443, name: https}]
`,
  'extra.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', labels: { tier: 'x' } }, data: { k: 'v' } }),
  'extra-v2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  labels: {tier: x}\ndata: {k: v2}\n',
  'ssa.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata: {one: "1"}\n',
  'ssa-v2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata: {two: "2"}\n',
  'bad-kind.yaml': 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n',
  'no-kind.yaml': 'apiVersion: v1\nmetadata:\n  name: x\n',
  'invalid.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n',
  'dir/one.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n',
  'dir/sub/two.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n',
  'other-ns.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: o\n  namespace: elsewhere\n',
};

/** The sequence both tools run; `F:` marks a manifest file name. */
const STEPS: string[][] = [
  ['apply', '-f', 'F:app.yaml'],
  ['apply', '-f', 'F:app.yaml'],
  ['apply', '-f', 'F:app-v2.yaml'],
  ['apply', '-f', 'F:app-v2.yaml', '-o', 'name'],
  ['create', '-f', 'F:extra.json'],
  ['create', '-f', 'F:extra.json'],
  ['replace', '-f', 'F:extra-v2.yaml'],
  ['replace', '--force', '-f', 'F:extra-v2.yaml'],
  ['create', '-f', 'F:invalid.yaml'],
  ['apply', '-f', 'STDIN:extra-v2.yaml'],
  ['apply', '-f', 'F:dir'],
  ['apply', '-R', '-f', 'F:dir'],
  ['delete', '-R', '-f', 'F:dir', '--now'],
  ['apply', '--server-side', '-f', 'F:ssa.yaml'],
  ['apply', '--server-side', '-f', 'F:ssa-v2.yaml'],
  // kubectl's own validation reads /openapi/v3 for the group-version first; skip it to reach the mapping error.
  ['apply', '--validate=false', '-f', 'F:bad-kind.yaml'],
  ['apply', '-f', 'F:no-kind.yaml'],
  ['apply', '-f', 'F:other-ns.yaml'],
  ['create', 'configmap', 'lit', '--from-literal=a=b', '--from-literal=c=d'],
  ['create', 'secret', 'generic', 'sec', '--from-literal=k=v'],
  ['create', 'deployment', 'gen', '--image=nginx:1.25', '--replicas=2', '--dry-run=client', '-o', 'yaml'],
  ['create', 'namespace', 'nsx', '--dry-run=client', '-o', 'yaml'],
  ['delete', 'configmap', 'nothere'],
  ['delete', 'configmap', 'nothere', '--ignore-not-found'],
  ['delete', 'cm', '-l', 'tier=x'],
  ['delete', 'cm', '-l', 'tier=x'],
  ['delete', '-f', 'F:ssa.yaml'],
  ['delete', 'configmap/lit'],
];

function argsFor(step: string[], ns: string): string[] {
  return ['-n', ns, ...step.map((a) => (a.startsWith('F:') ? path.join(dir, a.slice(2)) : a.startsWith('STDIN:') ? '-' : a))];
}

/** The text piped to stdin for a `STDIN:file` argument. */
function stdinFor(step: string[]): string | undefined {
  const arg = step.find((a) => a.startsWith('STDIN:'));
  return arg ? FILES[arg.slice('STDIN:'.length)] : undefined;
}

/** An object with what differs between two namespaces and two runs taken out. */
function normalise(obj: any, ns: string): any {
  const text = JSON.stringify(obj).replaceAll(ns, 'NS');
  const o = JSON.parse(text);
  const m = o.metadata ?? {};
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'namespace']) delete m[k];
  m.managedFields = (m.managedFields ?? [])
    .filter((f: any) => String(f.manager).startsWith('kubectl'))
    .map((f: any) => ({ ...f, time: undefined }));
  delete o.status;
  return o;
}

describe('k8ts write verbs vs kubectl', { skip }, () => {
  const results: { step: string[]; mine: Run; theirs: Run }[] = [];

  before(async () => {
    cluster = await startTestCluster();
    dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-cli-write-'));
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    for (const ns of ['wr-a', 'wr-b']) assert.equal((await k8ts(['create', 'namespace', ns])).code, 0);
    for (const step of STEPS) {
      const mine = await k8ts(argsFor(step, 'wr-a'), stdinFor(step));
      const theirs = await kubectl(argsFor(step, 'wr-b'), stdinFor(step));
      results.push({ step, mine, theirs });
    }
  });

  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same lines and exit codes at every step', () => {
    for (const { step, mine, theirs } of results) {
      const label = step.join(' ');
      const norm = (s: string, ns: string) => s.replaceAll(ns, 'NS').replaceAll(dir, 'DIR').replaceAll('k8ts', 'kubectl');
      assert.equal(norm(mine.out, 'wr-a'), norm(theirs.out, 'wr-b'), `stdout of ${label}`);
      assert.equal(norm(mine.err, 'wr-a'), norm(theirs.err, 'wr-b'), `stderr of ${label}`);
      assert.equal(mine.code, theirs.code, `exit code of ${label}`);
    }
  });

  it('leaves identical objects behind, last-applied annotation included', async () => {
    for (const what of ['configmaps', 'deployments.apps', 'secrets']) {
      const get = async (ns: string) => {
        const r = await kubectl(['-n', ns, 'get', what, '-o', 'json']);
        assert.equal(r.code, 0, r.err);
        return (JSON.parse(r.out).items as any[]).filter((o) => o.metadata.name !== 'kube-root-ca.crt' && o.type !== 'kubernetes.io/service-account-token').map((o) => normalise(o, ns));
      };
      const [mine, theirs] = [await get('wr-a'), await get('wr-b')];
      assert.ok(theirs.length > 0 || what === 'secrets', `kubectl left no ${what}`);
      assert.deepEqual(mine, theirs, what);
    }
    const web = JSON.parse((await kubectl(['-n', 'wr-a', 'get', 'deployment', 'web', '-o', 'json'])).out);
    assert.equal(web.spec.template.spec.containers.map((c: any) => c.name).join(','), 'side,web');
    assert.match(web.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /"nginx:1\.26"/);
  });
});
