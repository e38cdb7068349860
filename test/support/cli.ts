// What the CLI comparison tests share: where the built `k8ts` entry point is, whether the stock
// kubectl is there to compare with, and running a command to completion with its output.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled `k8ts` entry point (dist/kubectl/main.js). */
export const K8TS_CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../kubectl/main.js');

/** A node:test `skip` value: false when the stock kubectl runs, else why the comparison is skipped. */
export const kubectlSkip: string | false =
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0 ? false : 'kubectl is not on PATH: nothing to compare k8ts with';

export interface Run {
  out: string;
  err: string;
  code: number | null;
}

/** Runs a command to its end, feeding `input` (or nothing) on stdin. */
export function runProcess(cmd: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ out, err, code }));
    child.stdin.end(options.input ?? '');
  });
}
