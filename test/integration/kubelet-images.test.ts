// Image pulls on real Docker from a private registry: Debian's docker-registry on a free loopback
// port with htpasswd auth. imagePullPolicy Always pulls with the pod's imagePullSecrets
// (dockerconfigjson) and reports upstream's Pulling/Pulled events; without the secret the pull fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../client/index.js';
import { freePort } from '../support/ports.js';
import { startKubeletHarness, waitFor, type KubeletHarness } from './kubelet-harness.js';

let h: KubeletHarness;
let registry: ChildProcess | undefined;
let dir: string;
let image: string;
const USER = 'puller';
const PASSWORD = 'pull-secret-pw';

const bcrypt = (pw: string) =>
  spawnSync('python3', ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', pw], { encoding: 'utf8' }).stdout.trim();

const canRun = spawnSync('sh', ['-c', 'command -v docker-registry && python3 -c "import crypt"'], { stdio: 'ignore' }).status === 0;

before(async () => {
  if (!canRun) return;
  h = await startKubeletHarness('kimages');
  dir = mkdtempSync(path.join(os.tmpdir(), 'kimages-registry-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'htpasswd'), `${USER}:${bcrypt(PASSWORD)}\n`);
  writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${dir}/data } }`,
      `http: { addr: "127.0.0.1:${port}" }`,
      `auth: { htpasswd: { realm: test, path: ${dir}/htpasswd } }`,
      '',
    ].join('\n'),
  );
  registry = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  await waitFor('registry listening', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
    return res?.status === 401;
  }, 15_000);
  image = `127.0.0.1:${port}/k8ts-test/busybox:pull-${h.nodeName}`;
  await h.docker.getImage('busybox:latest').tag({ repo: image.slice(0, image.lastIndexOf(':')), tag: image.slice(image.lastIndexOf(':') + 1) });
  const push = await h.docker.getImage(image).push({ authconfig: { username: USER, password: PASSWORD, serveraddress: `127.0.0.1:${port}` } });
  await new Promise<void>((resolve, reject) =>
    h.docker.modem.followProgress(push, (err: Error | null, out: Array<{ error?: string }>) => (err ? reject(err) : out.find((o) => o.error) ? reject(new Error(out.find((o) => o.error)!.error)) : resolve())),
  );
  await h.docker.getImage(image).remove(); // the kubelet must pull it
});

after(async () => {
  if (h) {
    await h.cleanup();
    await h.docker.getImage(image).remove().catch(() => undefined);
  }
  if (registry?.pid) {
    registry.kill('SIGTERM');
    await new Promise((r) => (registry!.exitCode !== null ? r(undefined) : registry!.once('exit', r)));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kubelet image pulls from a private registry', { skip: canRun ? false : 'docker-registry or python3 crypt missing' }, () => {
  it('fails without credentials (ErrImagePull with the registry error)', async () => {
    await h.createPod({ metadata: { name: 'nocreds' }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image, imagePullPolicy: 'Always', command: ['true'] }] } });
    await waitFor('pull failure event', async () => (await h.events('nocreds')).find((e) => e.reason === 'Failed' && e.message.startsWith(`Failed to pull image "${image}": `)), 30_000);
    const pod = await h.getPod('nocreds');
    assert.match(pod!.status!.containerStatuses![0]!.state!.waiting!.reason!, /^(ErrImagePull|ImagePullBackOff)$/);
    await h.client.resource('pods', 'default').delete('nocreds', { gracePeriodSeconds: 0 });
  });

  it('pulls with imagePullSecrets and reports Pulling/Pulled', async () => {
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const registryHost = image.split('/')[0]!;
    await h.client.resource('secrets', 'default').create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'regcred' },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registryHost]: { auth } } }) },
    } as KubeObject);
    await h.createPod({
      metadata: { name: 'withcreds' },
      spec: { restartPolicy: 'Never', imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'main', image, imagePullPolicy: 'Always', command: ['sh', '-c', 'echo pulled-and-ran'] }] },
    });
    const pod = await h.waitForPod('withcreds', 'Succeeded', (p) => p.status?.phase === 'Succeeded', 60_000);
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(await h.logs(cs.containerID!.slice(9)), 'pulled-and-ran\n');
    assert.match(cs.imageID, /^docker-pullable:\/\/127\.0\.0\.1:\d+\/k8ts-test\/busybox@sha256:[0-9a-f]{64}$/);
    const events = await h.events('withcreds');
    assert.ok(events.some((e) => e.reason === 'Pulling' && e.message === `Pulling image "${image}"`));
    const pulled = events.find((e) => e.reason === 'Pulled');
    assert.match(pulled?.message ?? '', new RegExp(`^Successfully pulled image "${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" in [0-9.]+m?s \\([0-9.]+m?s including waiting\\)\\. Image size: \\d+ bytes\\.$`));
  });
});
