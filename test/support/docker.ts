// Test support: the Docker engine and the local images integration tests need. Reuses a running
// engine (never a second one on the same socket) or starts dockerd once under a state dir that
// outlives the test process (os.tmpdir()/k8ts-test-docker), so later test files reuse it.
// Tests must label and remove their own containers; this never removes anything.
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DOCKER_SOCKET, ensureDockerd } from '../../deploy/docker.js';
import { ensureImages } from '../../deploy/images.js';

/** Why Docker cannot be used here (not installed, not root), or undefined when it can. */
export function dockerUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'Docker tests need root';
  const which = spawnSync('sh', ['-c', 'command -v dockerd && command -v docker'], { stdio: 'ignore' });
  if (which.status !== 0) return 'docker.io is not installed';
  return undefined;
}

/** Ensures an engine answers on the default socket and busybox:latest and the pause image exist. */
export async function ensureDocker(): Promise<{ socket: string }> {
  const reason = dockerUnavailable();
  if (reason) throw new Error(reason);
  await ensureDockerd(path.join(os.tmpdir(), 'k8ts-test-docker'), DOCKER_SOCKET);
  ensureImages();
  return { socket: DOCKER_SOCKET };
}
