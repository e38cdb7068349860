// Acceptance: the stock `kubectl` (1.32, found on the PATH) against a private test cluster, asserting
// what a user sees, as upstream kubectl prints it. Owns nothing but its temp dir and its cluster;
// never uses the developer's kubeconfig or discovery cache, never leaves a process behind.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { startTestCluster } from '../support/cluster.js';
import { findOnPath, Kubectl, parseTable, show, type KubectlResult } from './kubectl-runner.js';

const KUBECTL = findOnPath('kubectl');
const NS = 'demo';

const manifests = (color: string, image: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: ${NS}
data:
  color: ${color}
  size: large
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
  namespace: ${NS}
stringData:
  password: s3cret
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image}
        command: ["sh", "-c", "sleep 3600"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${NS}
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
`;

const badSelectorDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
  namespace: ${NS}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: other
    spec:
      containers:
      - name: c
        image: busybox:latest
`;

const typoDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
  namespace: ${NS}
spec:
  replicaz: 3
  selector:
    matchLabels:
      app: typo
  template:
    metadata:
      labels:
        app: typo
    spec:
      containers:
      - name: c
        image: busybox:latest
`;

const ssaConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ssa-config
  namespace: ${NS}
data:
  mode: server-side
`;

const lines = (text: string) => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');

describe('stock kubectl against the apiserver', { skip: KUBECTL ? false : 'kubectl not on PATH' }, () => {
  let cluster: Awaited<ReturnType<typeof startTestCluster>> | undefined;
  let work: string;
  let kubectl: Kubectl;

  /** Runs kubectl and asserts it succeeded; returns stdout. */
  async function ok(args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
    const result = await kubectl.run(args, options);
    assert.equal(result.code, 0, show(result));
    return result.stdout;
  }

  /** Runs kubectl and asserts it failed with exit code 1 (kubectl's code for errors). */
  async function fails(args: string[]): Promise<KubectlResult> {
    const result = await kubectl.run(args);
    assert.equal(result.code, 1, show(result));
    return result;
  }

  async function file(name: string, content: string): Promise<string> {
    const p = path.join(work, name);
    await writeFile(p, content);
    return p;
  }

  const jsonpath = (args: string[], expr: string) => ok([...args, '-o', `jsonpath=${expr}`]);

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'k8ts-kubectl-'));
    cluster = await startTestCluster();
    kubectl = new Kubectl(KUBECTL!, cluster.kubeconfig, path.join(work, 'cache'));
  });

  after(async () => {
    await kubectl?.stopAll();
    await cluster?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('kubectl version -o json shows the server as 1.32', async () => {
    const out = await ok(['version', '-o', 'json']);
    const version = JSON.parse(out);
    assert.equal(version.serverVersion?.major, '1', out);
    assert.equal(version.serverVersion?.minor, '32', out);
    assert.match(version.serverVersion?.gitVersion ?? '', /^v1\.32\./, out);
  });

  test('kubectl api-resources lists pods and deployments with short names', async () => {
    const out = await ok(['api-resources']);
    const { header, rows } = parseTable(out);
    assert.deepEqual(header, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], out);
    const pods = rows.find((r) => r.NAME === 'pods');
    assert.deepEqual(pods, { NAME: 'pods', SHORTNAMES: 'po', APIVERSION: 'v1', NAMESPACED: 'true', KIND: 'Pod' }, out);
    const deployments = rows.find((r) => r.NAME === 'deployments');
    assert.deepEqual(deployments, { NAME: 'deployments', SHORTNAMES: 'deploy', APIVERSION: 'apps/v1', NAMESPACED: 'true', KIND: 'Deployment' }, out);
    const namespaces = rows.find((r) => r.NAME === 'namespaces');
    assert.equal(namespaces?.NAMESPACED, 'false', out);
  });

  test('kubectl create namespace, then get ns lists it with the system namespaces, all Active', async () => {
    assert.equal((await ok(['create', 'namespace', NS])).trim(), `namespace/${NS} created`);
    const out = await ok(['get', 'ns']);
    const { header, rows } = parseTable(out);
    assert.deepEqual(header, ['NAME', 'STATUS', 'AGE'], out);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', NS]) {
      const row = rows.find((r) => r.NAME === name);
      assert.ok(row, `namespace ${name} missing from:\n${out}`);
      assert.equal(row.STATUS, 'Active', out);
      assert.match(row.AGE, /^\d+[smhd]/, out);
    }
  });

  test('kubectl apply -f of a multi-document file creates, then configures only what changed', async () => {
    // If `create namespace` failed (reported above), make the namespace another way so the
    // following tests report their own findings instead of all failing on a missing namespace.
    if ((await kubectl.run(['get', 'namespace', NS])).code !== 0) {
      await ok(['apply', '--validate=false', '-f', await file('namespace.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`)]);
    }
    const first = await file('app-v1.yaml', manifests('blue', 'busybox:latest'));
    assert.deepEqual(lines(await ok(['apply', '-f', first])), [
      'configmap/web-config created',
      'secret/web-secret created',
      'deployment.apps/web created',
      'service/web created',
    ]);
    const second = await file('app-v2.yaml', manifests('green', 'busybox:1.36'));
    // A Secret applied with stringData reads back as data only, so kubectl's three-way diff always
    // finds stringData to send and reports it configured, exactly as against upstream.
    assert.deepEqual(lines(await ok(['apply', '-f', second])), [
      'configmap/web-config configured',
      'secret/web-secret configured',
      'deployment.apps/web configured',
      'service/web unchanged',
    ]);
    assert.equal(await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.data.color}'), 'green');
    assert.equal(await jsonpath(['get', 'deployment', 'web', '-n', NS], '{.spec.template.spec.containers[0].image}'), 'busybox:1.36');
    assert.equal(await jsonpath(['get', 'service', 'web', '-n', NS], '{.spec.ports[0].port}'), '80');
    const lastApplied = await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}');
    assert.equal(JSON.parse(lastApplied).data.color, 'green', lastApplied);
    // stringData is write-only: the server stores it base64-encoded under data.
    assert.equal(await jsonpath(['get', 'secret', 'web-secret', '-n', NS], '{.data.password}'), Buffer.from('s3cret').toString('base64'));
    assert.equal(await jsonpath(['get', 'secret', 'web-secret', '-n', NS], '{.stringData}'), '');
  });

  test('kubectl get prints the default table, wide columns, yaml, json, names and jsonpath', async () => {
    const table = await ok(['get', 'deployments', '-n', NS]);
    assert.match(lines(table)[0] ?? '', /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/, table);
    const row = parseTable(table).rows.find((r) => r.NAME === 'web');
    assert.ok(row, table);
    assert.match(row.READY, /^\d+\/2$/, table);

    const wide = await ok(['get', 'deployments', '-n', NS, '-o', 'wide']);
    const parsedWide = parseTable(wide);
    assert.deepEqual(parsedWide.header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], wide);
    const wideRow = parsedWide.rows.find((r) => r.NAME === 'web');
    assert.equal(wideRow?.CONTAINERS, 'web', wide);
    assert.equal(wideRow?.IMAGES, 'busybox:1.36', wide);
    assert.equal(wideRow?.SELECTOR, 'app=web', wide);

    const yaml = YAML.parse(await ok(['get', 'deployment', 'web', '-n', NS, '-o', 'yaml']));
    assert.equal(yaml.apiVersion, 'apps/v1');
    assert.equal(yaml.kind, 'Deployment');
    assert.equal(yaml.metadata.name, 'web');
    assert.equal(yaml.metadata.namespace, NS);
    assert.equal(yaml.spec.replicas, 2);
    assert.match(yaml.metadata.resourceVersion, /^\d+$/);
    assert.match(yaml.metadata.uid, /^[0-9a-f-]{36}$/);

    const list = JSON.parse(await ok(['get', 'deployments', '-n', NS, '-o', 'json']));
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.items.map((d: { kind: string; metadata: { name: string } }) => `${d.kind}/${d.metadata.name}`), ['Deployment/web']);

    assert.equal((await ok(['get', 'deployment', 'web', '-n', NS, '-o', 'name'])).trim(), 'deployment.apps/web');
    assert.equal(await jsonpath(['get', 'deployment', 'web', '-n', NS], '{.spec.replicas}'), '2');
  });

  test('kubectl get -l selects by label, and -A adds the NAMESPACE column', async () => {
    assert.deepEqual(lines(await ok(['get', 'deployments,services,configmaps', '-n', NS, '-l', 'app=web', '-o', 'name'])), [
      'deployment.apps/web',
      'service/web',
    ]);
    const none = await kubectl.run(['get', 'deployments', '-n', NS, '-l', 'app=nope']);
    assert.equal(none.code, 0, show(none));
    assert.equal(none.stdout, '', show(none));
    assert.match(none.stderr, /^No resources found in demo namespace\.$/m, show(none));

    const all = await ok(['get', 'configmaps', '-A']);
    const parsed = parseTable(all);
    assert.deepEqual(parsed.header, ['NAMESPACE', 'NAME', 'DATA', 'AGE'], all);
    const row = parsed.rows.find((r) => r.NAMESPACE === NS && r.NAME === 'web-config');
    assert.equal(row?.DATA, '2', all);
  });

  test('kubectl get -w shows a change made meanwhile', async () => {
    const watcher = kubectl.start(['get', 'configmaps', '-n', NS, '-w', '-L', 'watched']);
    try {
      // The initial list: header (with the -L column) and the existing object.
      const offset = await watcher.waitFor(
        (out) => (/^NAME\s+DATA\s+AGE\s+WATCHED$/m.test(out) && /^web-config\s/m.test(out) ? out.length : undefined),
        15_000,
        'initial listing of web-config',
      );
      assert.equal((await ok(['label', 'configmap', 'web-config', '-n', NS, 'watched=yes'])).trim(), 'configmap/web-config labeled');
      const line = await watcher.waitFor(
        (out) => out.slice(offset).split('\n').find((l) => /^web-config\s+2\s+\S+\s+yes$/.test(l.trimEnd())),
        15_000,
        'line for the labeled web-config',
      );
      assert.ok(line);
    } finally {
      await watcher.stop();
    }
  });

  test('kubectl label and annotate', async () => {
    assert.equal((await ok(['label', 'configmap', 'web-config', '-n', NS, 'tier=frontend'])).trim(), 'configmap/web-config labeled');
    assert.equal(await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.metadata.labels.tier}'), 'frontend');
    assert.equal((await ok(['annotate', 'configmap', 'web-config', '-n', NS, 'owner=team-a'])).trim(), 'configmap/web-config annotated');
    assert.equal(await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.metadata.annotations.owner}'), 'team-a');
    assert.equal((await ok(['label', 'configmap', 'web-config', '-n', NS, 'tier-'])).trim(), 'configmap/web-config unlabeled');
    assert.equal(await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.metadata.labels.tier}'), '');
  });

  test('kubectl patch --type=strategic merges containers by name', async () => {
    const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox:1.37' }] } } } });
    assert.equal((await ok(['patch', 'deployment', 'web', '-n', NS, '--type=strategic', '-p', patch])).trim(), 'deployment.apps/web patched');
    const deployment = JSON.parse(await ok(['get', 'deployment', 'web', '-n', NS, '-o', 'json']));
    const containers = deployment.spec.template.spec.containers;
    assert.equal(containers.length, 1, JSON.stringify(containers));
    assert.equal(containers[0].image, 'busybox:1.37');
    // A merge patch would have replaced the list and lost the command.
    assert.deepEqual(containers[0].command, ['sh', '-c', 'sleep 3600']);
  });

  test('kubectl patch --type=merge sets and removes keys', async () => {
    const patch = JSON.stringify({ data: { size: null, shape: 'round' } });
    assert.equal((await ok(['patch', 'configmap', 'web-config', '-n', NS, '--type=merge', '-p', patch])).trim(), 'configmap/web-config patched');
    const cm = JSON.parse(await ok(['get', 'configmap', 'web-config', '-n', NS, '-o', 'json']));
    assert.deepEqual(cm.data, { color: 'green', shape: 'round' });
  });

  test('kubectl patch --type=json applies the operations', async () => {
    const patch = JSON.stringify([{ op: 'replace', path: '/spec/replicas', value: 3 }]);
    assert.equal((await ok(['patch', 'deployment', 'web', '-n', NS, '--type=json', '-p', patch])).trim(), 'deployment.apps/web patched');
    assert.equal(await jsonpath(['get', 'deployment', 'web', '-n', NS], '{.spec.replicas}'), '3');
  });

  test('kubectl scale sets spec.replicas through the scale subresource', async () => {
    assert.equal((await ok(['scale', 'deployment', 'web', '-n', NS, '--replicas=5'])).trim(), 'deployment.apps/web scaled');
    assert.equal(await jsonpath(['get', 'deployment', 'web', '-n', NS], '{.spec.replicas}'), '5');
  });

  test('kubectl replace -f of an edited copy, then of the stale copy is a Conflict', async () => {
    const current = YAML.parse(await ok(['get', 'configmap', 'web-config', '-n', NS, '-o', 'yaml']));
    current.data.color = 'red';
    // Written as JSON: kubectl reads YAML 1.1, where an unquoted `yes` would be a bool.
    const edited = await file('web-config-edited.json', JSON.stringify(current));
    assert.equal((await ok(['replace', '-f', edited])).trim(), 'configmap/web-config replaced');
    assert.equal(await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.data.color}'), 'red');

    // The same file again carries the resourceVersion the first replace made stale.
    current.data.color = 'purple';
    const stale = await file('web-config-stale.json', JSON.stringify(current));
    const conflict = await fails(['replace', '-f', stale]);
    assert.match(
      conflict.stderr,
      /^Error from server \(Conflict\): .*Operation cannot be fulfilled on configmaps "web-config": the object has been modified; please apply your changes to the latest version and try again$/m,
      show(conflict),
    );
    assert.equal(await jsonpath(['get', 'configmap', 'web-config', '-n', NS], '{.data.color}'), 'red');
  });

  test('errors: NotFound and AlreadyExists', async () => {
    const notFound = await fails(['get', 'configmap', 'nope', '-n', NS]);
    assert.equal(notFound.stderr.trim(), 'Error from server (NotFound): configmaps "nope" not found', show(notFound));
    const deployment = await fails(['get', 'deployment', 'nope', '-n', NS]);
    assert.equal(deployment.stderr.trim(), 'Error from server (NotFound): deployments.apps "nope" not found', show(deployment));

    const exists = await fails(['create', 'namespace', NS]);
    assert.equal(exists.stderr.trim(), `Error from server (AlreadyExists): namespaces "${NS}" already exists`, show(exists));
    // (`kubectl create configmap NAME` would wrap the error as "failed to create configmap: ..."; -f does not.)
    const duplicate = await file('duplicate.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: ${NS}\n`);
    const cm = await fails(['create', '-f', duplicate]);
    assert.match(cm.stderr.trim(), /^Error from server \(AlreadyExists\): error when creating ".*duplicate\.yaml": configmaps "web-config" already exists$/, show(cm));
  });

  test('errors: an invalid object is reported with its field path', async () => {
    const bad = await fails(['create', '-f', await file('bad-selector.yaml', badSelectorDeployment)]);
    assert.match(bad.stderr, /^The Deployment "bad" is invalid: /, show(bad));
    assert.match(bad.stderr, /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/, show(bad));
    await fails(['get', 'deployment', 'bad', '-n', NS]);

    const badName = await fails(['create', '-f', await file('bad-name.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: ${NS}\n`)]);
    assert.match(
      badName.stderr,
      /^The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character/,
      show(badName),
    );
  });

  test('errors: kubectl apply rejects an unknown field (strict validation by default)', async () => {
    const typo = await file('typo.yaml', typoDeployment);
    const result = await fails(['apply', '-f', typo]);
    assert.match(result.stderr, /^Error from server \(BadRequest\): .*strict decoding error: unknown field "spec\.replicaz"/m, show(result));
    const notFound = await fails(['get', 'deployment', 'typo', '-n', NS]);
    assert.match(notFound.stderr, /NotFound/, show(notFound));
  });

  test('kubectl apply --server-side creates the object, owned by the kubectl field manager', async () => {
    const ssa = await file('ssa.yaml', ssaConfigMap);
    assert.equal((await ok(['apply', '--server-side', '-f', ssa])).trim(), 'configmap/ssa-config serverside-applied');
    const cm = JSON.parse(await ok(['get', 'configmap', 'ssa-config', '-n', NS, '-o', 'json', '--show-managed-fields']));
    assert.deepEqual(cm.data, { mode: 'server-side' });
    const managers = (cm.metadata.managedFields ?? []).map((f: { manager: string; operation: string }) => `${f.manager}/${f.operation}`);
    assert.deepEqual(managers, ['kubectl/Apply'], JSON.stringify(cm.metadata));
  });

  test('kubectl delete configmap', async () => {
    const out = await ok(['delete', 'configmap', 'web-config', '-n', NS]);
    assert.match(out.trim(), /^configmap "web-config" deleted$/, out);
    const gone = await fails(['get', 'configmap', 'web-config', '-n', NS]);
    assert.equal(gone.stderr.trim(), 'Error from server (NotFound): configmaps "web-config" not found', show(gone));
  });
});
