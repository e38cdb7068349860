// The read verbs of k8ts (get, api-resources, api-versions, cluster-info, config, describe) against the
// stock kubectl on one private cluster: the same command must print the same lines (AGE cells
// normalised) and exit the same way. Skips the comparisons when `kubectl` is not on PATH.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { K8TS_CLI, kubectlSkip, runProcess, type Run } from '../support/cli.js';

const CLI = K8TS_CLI;
const skip = kubectlSkip;

let cluster: TestCluster;
let tmp: string;

const exec = (cmd: string, args: string[]): Promise<Run> => runProcess(cmd, args);

const k8ts = (args: string[]) => exec(process.execPath, [CLI, '--kubeconfig', cluster.kubeconfig, ...args]);
const kubectl = (args: string[]) => exec('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(tmp, 'cache'), ...args]);

/**
 * AGE-like cells (`5s`, `3m2s`, `4h`, `2d3h`) may differ by a second between the two runs, and a
 * wider age (`9s` vs `10s`) widens its column: ages become `<age>` and the padding after a cell
 * collapses, so only the cells and their order are compared.
 */
export function normaliseAges(s: string): string {
  return s
    .replace(/(?<=^|\s)\d+(s|m\d*s?|h\d*m?|d\d*h?|y\d*d?)(?=\s|$)/gm, '<age>')
    .replace(/ {2,}/g, '  ')
    .replace(/ +$/gm, '');
}

async function same(args: string[]): Promise<Run> {
  const [mine, theirs] = await Promise.all([k8ts(args), kubectl(args)]);
  assert.equal(normaliseAges(mine.out), normaliseAges(theirs.out), `stdout of ${args.join(' ')} differs`);
  assert.equal(mine.err, theirs.err, `stderr of ${args.join(' ')} differs`);
  assert.equal(mine.code, theirs.code, `exit code of ${args.join(' ')} differs`);
  return mine;
}

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: {name: read-a, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: read-b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: read-a, labels: {tier: fe}}
data: {a: "1", long: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: read-b}
data: {x: "<y>"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: read-a}
type: Opaque
stringData: {pass: s3cret}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: read-a, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: read-a, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: read-a}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [echo, hi]}]
---
apiVersion: v1
kind: Pod
metadata: {name: solo, namespace: read-a, labels: {app: web}}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: holder, namespace: read-a, labels: {app: web}, annotations: {note: generic describer}}
spec: {holderIdentity: somebody, leaseDurationSeconds: 15, leaseTransitions: 2}
---
apiVersion: v1
kind: Event
metadata: {name: solo.1, namespace: read-a}
involvedObject: {kind: Pod, name: solo, namespace: read-a, apiVersion: v1}
reason: Testing
message: a test event
type: Normal
source: {component: tester}
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
count: 1
`;

describe('k8ts read verbs against kubectl', { skip }, () => {
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'k8ts-cli-read-'));
    cluster = await startTestCluster();
    const file = path.join(tmp, 'objects.yaml');
    writeFileSync(file, MANIFEST);
    const r = await kubectl(['apply', '-f', file]);
    assert.equal(r.code, 0, r.err);
  });

  after(async () => {
    await cluster?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const cases: string[][] = [
    ['get', 'pods', '-n', 'read-a'],
    ['get', 'po', '-n', 'read-a', '-o', 'wide'],
    ['get', 'deployments', '-n', 'read-a'],
    ['get', 'deploy', '-n', 'read-a', '-o', 'wide'],
    ['get', 'services', '-n', 'read-a', '-o', 'wide'],
    ['get', 'nodes'],
    ['get', 'nodes', '-o', 'wide'],
    ['get', 'configmaps', '-A'],
    ['get', 'secrets', '-n', 'read-a'],
    ['get', 'namespaces', '--show-labels'],
    ['get', 'jobs', '-n', 'read-a', '-o', 'wide'],
    ['get', 'events', '-n', 'read-a'],
    ['get', 'deploy,svc', '-n', 'read-a'],
    ['get', 'all', '-n', 'read-a'],
    ['get', 'cm,secret', '-A', '-o', 'name'],
    ['get', 'pods,deploy,svc', '-A', '-l', 'app=web'],
    ['get', 'cm', 'settings', '-n', 'read-a', '-o', 'yaml'],
    ['get', 'cm', '-A', '-o', 'json'],
    ['get', 'deploy/web', 'svc/web', '-n', 'read-a', '-o', 'yaml'],
    ['get', 'ns', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'],
    ['get', 'pods', '-n', 'read-a', '-o', 'jsonpath={.items[*].spec.containers[0].image} {.items[?(@.metadata.name=="solo")].metadata.labels}'],
    ['get', 'cm', '-A', '-o', 'custom-columns=NAME:.metadata.name,NS:.metadata.namespace,KEYS:.data'],
    ['get', 'cm', '-A', '--sort-by=.metadata.name', '--no-headers'],
    ['get', 'pods', '-n', 'read-a', '--field-selector', 'metadata.name=solo'],
    ['get', 'pods', '-n', 'read-b'],
    ['get', 'pods', 'missing', '-n', 'read-a'],
    ['get', 'cm', 'settings', 'missing', '-n', 'read-a'],
    ['get', 'nosuchtype'],
    ['api-resources'],
    ['api-resources', '--namespaced=false', '-o', 'wide'],
    ['api-versions'],
    ['config', 'view'],
    ['config', 'view', '--minify', '-o', 'json'],
    ['config', 'get-contexts'],
    ['config', 'current-context'],
    ['describe', 'pod', 'solo', '-n', 'read-a'],
    ['describe', 'deployment', 'web', '-n', 'read-a'],
    ['describe', 'svc/web', '-n', 'read-a'],
    ['describe', 'configmap', 'other', '-n', 'read-b'],
    ['describe', 'secret', 'creds', '-n', 'read-a'],
    ['describe', 'namespace', 'read-a'],
    ['describe', 'node', 'node-1'],
    // No dedicated describer in kubectl: the generic one (every field, smart labels).
    ['describe', 'lease', 'holder', '-n', 'read-a'],
    ['describe', 'pod', 'missing', '-n', 'read-a'],
  ];
  for (const args of cases) {
    it(args.join(' '), async () => {
      await same(args);
    });
  }

  it('cluster-info names the server', async () => {
    const r = await same(['cluster-info']);
    assert.match(r.out, new RegExp(`running at ${cluster.server.replace(/[.]/g, '\\.')}`));
  });

  it('get -w lists, then prints a row for each change', async () => {
    const child = spawn(process.execPath, [CLI, '--kubeconfig', cluster.kubeconfig, 'get', 'cm', '-n', 'read-b', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      for (const w of [...waiters]) w();
    });
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in ${JSON.stringify(out)}`)), 10_000);
        const check = () => {
          if (!re.test(out)) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve();
        };
        waiters.push(check);
        check();
      });
    try {
      await waitFor(/^other /m);
      const listed = await kubectl(['get', 'cm', '-n', 'read-b']);
      const r = await kubectl(['create', 'configmap', 'watched', '-n', 'read-b', '--from-literal=k=v']);
      assert.equal(r.code, 0, r.err);
      await waitFor(/^watched /m);
      // the watch row keeps the list's column widths where they are wider (kubectl's remembered widths)
      const nameWidth = Math.max(...listed.out.split('\n').filter((l) => l).map((l) => l.indexOf(' ') < 0 ? 0 : l.search(/ \S/) + 1));
      const expected = listed.out + 'watched'.padEnd(Math.max(nameWidth, 'watched'.length + 3)) + '1      <age>\n';
      assert.equal(normaliseAges(out), normaliseAges(expected));
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('get prints the error kubectl prints for a missing object', async () => {
    const r = await k8ts(['get', 'pods', 'missing', '-n', 'read-a']);
    assert.equal(r.err, 'Error from server (NotFound): pods "missing" not found\n');
    assert.equal(r.code, 1);
  });
});
