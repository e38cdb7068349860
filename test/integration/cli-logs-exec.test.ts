// `k8ts logs` and `k8ts exec` against a real kubelet server and Docker, compared with the stock
// kubectl on the same cluster: same output, same error lines, same exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { K8TS_CLI, kubectlSkip, runProcess, type Run } from '../support/cli.js';
import { dockerUnavailable } from '../support/docker.js';
import { createPod, setRunningStatus, startKubeletFixture, type KubeletFixture } from '../support/kubelet-server-fixture.js';

const skip = dockerUnavailable() ?? kubectlSkip;
let f: KubeletFixture;

function k8ts(args: string[], input?: string): Promise<Run> {
  return runProcess(process.execPath, [K8TS_CLI, `--kubeconfig=${f.cluster.kubeconfig}`, ...args], { input });
}
function kubectl(args: string[], input?: string): Promise<Run> {
  return runProcess('kubectl', [`--kubeconfig=${f.cluster.kubeconfig}`, ...args], { input });
}

/** Output lines in order, or sorted when the order is not defined (stdout and stderr of one container race in Docker; kubectl reads several sources in map order). */
const lines = (text: string, ordered: boolean) => (ordered ? text : text.split('\n').sort().join('\n'));

/** Runs both CLIs; asserts they agree (kubectl's own name in messages aside) and returns k8ts's run. */
async function same(args: string[], input?: string, ordered = true): Promise<Run> {
  const [ours, theirs] = [await k8ts(args, input), await kubectl(args, input)];
  assert.deepEqual(
    { out: lines(ours.out, ordered), err: ours.err.replaceAll('k8ts', 'kubectl'), code: ours.code },
    { out: lines(theirs.out, ordered), err: theirs.err, code: theirs.code },
    `k8ts ${args.join(' ')}`,
  );
  return ours;
}

before(async () => {
  if (skip) return;
  f = await startKubeletFixture();
  const web = await createPod(f, 'web', ['web']);
  const first = await f.runContainer(web, 'web', 0, ['sh', '-c', 'echo first-run']);
  await first.wait();
  const current = await f.runContainer(web, 'web', 1, [
    'sh', '-c',
    'echo line-1; echo line-2 >&2; echo line-3; while true; do if [ -f /tmp/go ]; then echo follow-line; rm /tmp/go; fi; sleep 0.1; done',
  ]);
  await setRunningStatus(f, web, { web: current.id }, { web: first.id });
  const two = await createPod(f, 'two', ['a', 'b']);
  const a = await f.runContainer(two, 'a', 0, ['sh', '-c', 'echo from-a; sleep 3600']);
  const b = await f.runContainer(two, 'b', 0, ['sh', '-c', 'echo from-b; sleep 3600']);
  await setRunningStatus(f, two, { a: a.id, b: b.id });
  // Labels for -l: both pods carry app=demo.
  for (const name of ['web', 'two']) {
    await f.client.resource('pods', 'default').patch(name, 'merge', { metadata: { labels: { app: 'demo' } } });
  }
  await createPod(f, 'pending', ['main'], false);
  await f.refreshPods();
});

after(async () => {
  if (!skip) await f?.stop();
});

test('logs: plain, --previous, --tail, --limit-bytes, -c, defaulted container', { skip }, async () => {
  assert.deepEqual((await same(['logs', 'web'], undefined, false)).out.split('\n').sort(), ['', 'line-1', 'line-2', 'line-3']);
  assert.equal((await same(['logs', 'pod/web', '--previous'])).out, 'first-run\n');
  await same(['logs', 'web', '--tail=1'], undefined, false);
  assert.equal((await same(['logs', 'web', '--limit-bytes=4'])).out, 'line');
  await same(['logs', 'two', '-c', 'b']);
  await same(['logs', 'two', 'b']);
  const defaulted = await same(['logs', 'two']);
  assert.equal(defaulted.err, 'Defaulted container "a" out of: a, b\n');
  await same(['logs', 'web', '--since=1h'], undefined, false);
});

test('logs: selectors, all containers and prefixes', { skip }, async () => {
  const all = await same(['logs', '-l', 'app=demo', '--all-containers', '--prefix'], undefined, false);
  assert.deepEqual(all.out.split('\n').sort(), ['', '[pod/two/a] from-a', '[pod/two/b] from-b', '[pod/web/web] line-1', '[pod/web/web] line-2', '[pod/web/web] line-3']);
  await same(['logs', 'two', '--all-containers'], undefined, false);
  await same(['logs', '-l', 'app=demo', '--tail=1', '-c', 'a'], undefined, false);
});

test('logs: errors read as kubectl', { skip }, async () => {
  await same(['logs', 'nosuchpod']);
  await same(['logs', 'web', '-c', 'nope']);
  await same(['logs', 'web', '--since=1h', '--since-time=2024-01-01T00:00:00Z']);
  await same(['logs', 'two', '-c', 'a', '--all-containers']);
});

test('logs -f streams new lines until stopped', { skip }, async () => {
  const child = spawn(process.execPath, [K8TS_CLI, `--kubeconfig=${f.cluster.kubeconfig}`, 'logs', '-f', 'web'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const waitFor = async (text: string) => {
    const end = Date.now() + 20_000;
    while (!out.includes(text)) {
      if (Date.now() > end) throw new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(out)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await waitFor('line-3');
    const trigger = await k8ts(['exec', 'web', '--', 'touch', '/tmp/go']);
    assert.equal(trigger.code, 0, trigger.err);
    await waitFor('follow-line');
  } finally {
    child.kill('SIGTERM');
  }
});

test('exec: output, stderr, stdin, exit codes and errors as kubectl', { skip }, async () => {
  const both = await same(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2']);
  assert.equal(both.out, 'out\n');
  const three = await same(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
  assert.equal(three.code, 3);
  assert.equal(three.err, 'command terminated with exit code 3\n');
  const piped = await same(['exec', '-i', 'web', '--', 'sh', '-c', 'wc -c'], 'twelve bytes');
  assert.equal(piped.out.trim(), '12');
  await same(['exec', '-it', 'web', '--', 'echo', 'no-tty'], '');
  await same(['exec', 'two', '-c', 'b', '--', 'sh', '-c', 'echo in-b']);
  await same(['exec', 'pending', '--', 'true']);
  await same(['exec', 'nosuchpod', '--', 'true']);
  await same(['exec', 'web', '-c', 'nope', '--', 'true']);
  await same(['exec', 'web']);
});
