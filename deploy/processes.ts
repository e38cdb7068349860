// Owns the daemons a local cluster starts: detached spawn with logs in <state>/logs/<name>.log and
// a pid file in <state>/run/<name>.pid, liveness checks, and stop by pid (TERM, then KILL).
// Must never signal a process it cannot prove is ours (pid file + /proc cmdline), never match by name.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DaemonSpec {
  /** Short name: the log file <state>/logs/<name>.log and pid file <state>/run/<name>.pid. */
  name: string;
  command: string;
  args: string[];
  /** A string the process's /proc/<pid>/cmdline must contain for it to count as ours. */
  identity: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function logFile(stateDir: string, name: string): string {
  return path.join(stateDir, 'logs', `${name}.log`);
}

export function pidFile(stateDir: string, name: string): string {
  return path.join(stateDir, 'run', `${name}.pid`);
}

/** Starts the daemon in its own process group so it outlives this process; returns its pid. */
export function startDaemon(stateDir: string, spec: DaemonSpec): number {
  mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
  mkdirSync(path.join(stateDir, 'run'), { recursive: true });
  const out = openSync(logFile(stateDir, spec.name), 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) {
      throw new Error(`${spec.name}: could not start ${spec.command} (is it installed and on PATH?)`);
    }
    // A spawn error (ENOENT) also arrives as an event; the caller sees it as "not running".
    child.on('error', () => undefined);
    child.unref();
    writeFileSync(pidFile(stateDir, spec.name), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** The pid recorded for a daemon, if the pid file exists and holds a number. */
export function readPid(stateDir: string, name: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(stateDir, name), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when pid names a live process (not a zombie), whatever it runs. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** True when pid is a live (not zombie) process whose command line contains identity. */
export function isOurProcess(pid: number, identity: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain spaces or ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    if (state === 'Z' || state === 'X') return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return cmdline.includes(identity);
  } catch {
    return false;
  }
}

/** The pid of the daemon when its pid file names a live process of ours, else undefined. */
export function runningPid(stateDir: string, name: string, identity: string): number | undefined {
  const pid = readPid(stateDir, name);
  return pid !== undefined && isOurProcess(pid, identity) ? pid : undefined;
}

export type StopResult = 'not-running' | 'terminated' | 'killed';

/**
 * Stops the daemon named by its pid file: SIGTERM, poll until it is gone or the deadline passes,
 * then SIGKILL. Removes the pid file. A pid file naming someone else's process is only removed.
 */
export async function stopDaemon(
  stateDir: string,
  name: string,
  identity: string,
  graceMs = 10_000,
): Promise<StopResult> {
  const pid = runningPid(stateDir, name, identity);
  let result: StopResult = 'not-running';
  if (pid !== undefined) {
    result = (await stopPid(pid, identity, graceMs)) ? 'terminated' : 'killed';
  }
  rmSync(pidFile(stateDir, name), { force: true });
  return result;
}

/** Returns true if the process left within graceMs of SIGTERM, false if it needed SIGKILL. */
export async function stopPid(pid: number, identity: string, graceMs: number): Promise<boolean> {
  if (!signal(pid, 'SIGTERM')) return true;
  if (await waitGone(pid, identity, graceMs)) return true;
  signal(pid, 'SIGKILL');
  if (!(await waitGone(pid, identity, 5_000))) throw new Error(`process ${pid} survived SIGKILL`);
  return false;
}

async function waitGone(pid: number, identity: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isOurProcess(pid, identity)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** The last lines of a daemon's log, for error messages; empty when there is no log. */
export function tailLog(stateDir: string, name: string, lines = 20): string[] {
  try {
    const text = readFileSync(logFile(stateDir, name), 'utf8').trimEnd();
    return text === '' ? [] : text.split('\n').slice(-lines);
  } catch {
    return [];
  }
}
