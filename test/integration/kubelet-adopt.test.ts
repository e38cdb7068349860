// A restarted kubelet on real Docker: it adopts running containers without restarting them and keeps
// restart counts (they live in container labels), removes containers of pods deleted while it was
// down; and static pods from --pod-manifest-path with their mirror pods.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../api/types.js';
import { startKubeletHarness, waitFor, type KubeletHarness } from './kubelet-harness.js';

let h: KubeletHarness;
let manifests: string;
const busybox = { image: 'busybox:latest', imagePullPolicy: 'IfNotPresent' as const };

before(async () => {
  manifests = mkdtempSync(path.join(os.tmpdir(), 'kadopt-manifests-'));
  h = await startKubeletHarness('kadopt', { podManifestPath: manifests });
});

after(async () => {
  await h?.cleanup();
  rmSync(manifests, { recursive: true, force: true });
});

const running = (p: Pod) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.state?.running);

describe('kubelet restart and static pods', () => {
  it('adopts running containers after a restart, keeps restart counts, removes containers of pods deleted meanwhile', async () => {
    await h.createPod({ metadata: { name: 'keeper' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'] }] } });
    await h.createPod({ metadata: { name: 'flaky' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', ...busybox, command: ['sh', '-c', 'sleep 1; exit 1'] }] } });
    await h.createPod({ metadata: { name: 'gone' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', ...busybox, command: ['sleep', '3600'] }] } });
    const keeper = await h.waitForPod('keeper', 'running', running);
    const gone = await h.waitForPod('gone', 'running', running);
    const flaky = await h.waitForPod('flaky', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    const keeperId = keeper.status!.containerStatuses![0]!.containerID;
    const keeperStarted = keeper.status!.containerStatuses![0]!.state!.running!.startedAt;

    await h.stopManager();
    const flakyCount = (await h.getPod('flaky'))!.status!.containerStatuses![0]!.restartCount;
    await h.client.resource('pods', 'default').delete('gone', { gracePeriodSeconds: 0 });
    assert.ok((await h.containers({ 'io.kubernetes.pod.uid': gone.metadata!.uid! })).length > 0, 'containers outlive the kubelet');
    await h.startManager();

    await waitFor('containers of the deleted pod removed', async () => (await h.containers({ 'io.kubernetes.pod.uid': gone.metadata!.uid! })).length === 0);
    // The kubelet writes status again after adopting; the running container is the same one.
    const after = await h.waitForPod('keeper', 'status after restart', (p) => running(p), 10_000);
    assert.equal(after.status!.containerStatuses![0]!.containerID, keeperId);
    assert.equal(after.status!.containerStatuses![0]!.state!.running!.startedAt, keeperStarted);
    assert.equal(after.status!.containerStatuses![0]!.restartCount, 0);
    const info = await h.docker.getContainer(keeperId!.slice(9)).inspect();
    assert.equal(info.State.Running, true);
    const sandboxes = await h.containers({ 'io.kubernetes.pod.uid': keeper.metadata!.uid!, 'io.kubernetes.docker.type': 'podsandbox' });
    assert.equal(sandboxes.length, 1, 'the sandbox was adopted, not replaced');
    const flakyAfter = await h.waitForPod('flaky', 'restart count kept or grown', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > flakyCount, 30_000);
    assert.ok(flakyAfter.status!.containerStatuses![0]!.restartCount >= flakyCount + 1);
    assert.ok(flakyCount >= flaky.status!.containerStatuses![0]!.restartCount);
    for (const name of ['keeper', 'flaky']) await h.client.resource('pods', 'default').delete(name, { gracePeriodSeconds: 1 });
    await waitFor('pods gone', async () => (await h.getPod('keeper')) === undefined && (await h.getPod('flaky')) === undefined, 30_000);
    await waitFor('their containers removed', async () => (await h.containers()).length === 0, 30_000);
  });

  it('runs a static pod from the manifest folder with a mirror pod', async () => {
    const file = path.join(manifests, 'web.yaml');
    writeFileSync(
      file,
      ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', 'spec:', '  terminationGracePeriodSeconds: 1', '  containers:', '  - name: main', '    image: busybox:latest', '    imagePullPolicy: IfNotPresent', '    command: ["sleep", "3600"]', ''].join('\n'),
    );
    const name = `web-${h.nodeName}`;
    const mirror = await h.waitForPod(name, 'mirror pod running', running, 40_000);
    const hash = mirror.metadata!.annotations!['kubernetes.io/config.mirror'];
    assert.ok(hash && hash === mirror.metadata!.annotations!['kubernetes.io/config.hash']);
    assert.equal(mirror.metadata!.annotations!['kubernetes.io/config.source'], 'file');
    assert.equal(mirror.spec?.nodeName, h.nodeName);
    const containerId = mirror.status!.containerStatuses![0]!.containerID!;
    const staticUid = (await h.containers({ 'io.kubernetes.pod.name': name }))[0]!.Labels['io.kubernetes.pod.uid'];
    assert.equal(staticUid, hash, 'containers run under the static pod uid');
    assert.ok(h.manager().pods().some((p) => p.metadata?.name === name));

    // A deleted mirror pod is recreated; the static pod keeps running.
    await h.client.resource('pods', 'default').delete(name, { gracePeriodSeconds: 0 });
    const again = await h.waitForPod(name, 'mirror pod recreated', (p) => p.metadata!.uid !== mirror.metadata!.uid && running(p), 40_000);
    assert.equal(again.status!.containerStatuses![0]!.containerID, containerId);

    // Removing the manifest stops the pod, removes its containers and the mirror pod.
    unlinkSync(file);
    await waitFor('mirror pod deleted', async () => (await h.getPod(name)) === undefined, 40_000);
    await waitFor('static pod containers removed', async () => (await h.containers({ 'io.kubernetes.pod.name': name })).length === 0, 30_000);
  });
});
