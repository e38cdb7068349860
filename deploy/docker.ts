// Owns finding or starting the Docker engine a cluster's kubelet drives: reuse one that answers on
// the socket, else start `dockerd` as a background daemon of the state dir (pid file + log), and wait
// until it answers. Must never start a second dockerd on a socket that already answers, and only
// stop a dockerd it started itself (pid file + /proc cmdline).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runningPid, startDaemon, stopDaemon, tailLog, type StopResult } from './processes.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';
const NAME = 'dockerd';
const IDENTITY = 'dockerd';

export interface DockerdResult {
  state: 'started' | 'running' | 'reused';
  pid?: number;
  socket: string;
}

/** True when `docker version` gets an answer from the engine on the socket. */
export function dockerAnswers(socket = DOCKER_SOCKET): boolean {
  if (!existsSync(socket)) return false;
  const result = spawnSync('docker', ['--host', `unix://${socket}`, 'version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

export async function ensureDockerd(stateDir: string, socket = DOCKER_SOCKET, timeoutMs = 60_000): Promise<DockerdResult> {
  const ours = runningPid(stateDir, NAME, IDENTITY);
  if (dockerAnswers(socket)) return ours === undefined ? { state: 'reused', socket } : { state: 'running', pid: ours, socket };
  const which = spawnSync('sh', ['-c', 'command -v dockerd'], { encoding: 'utf8' });
  if (which.status !== 0) throw new Error('dockerd is not installed: apt-get install -y docker.io');
  const pid = ours ?? startDaemon(stateDir, { name: NAME, command: 'dockerd', args: ['--host', `unix://${socket}`, '--userland-proxy=false'], identity: IDENTITY });
  const deadline = Date.now() + timeoutMs;
  while (!dockerAnswers(socket)) {
    if (runningPid(stateDir, NAME, IDENTITY) === undefined) {
      throw new Error(`dockerd exited during start-up:\n${tailLog(stateDir, NAME).join('\n')}`);
    }
    if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${socket} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
  return { state: ours === undefined ? 'started' : 'running', pid, socket };
}

/** Stops the dockerd this state dir started; one it reused is left alone. */
export function stopDockerd(stateDir: string): Promise<StopResult> {
  return stopDaemon(stateDir, NAME, IDENTITY, 20_000);
}
