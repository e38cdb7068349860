// Owns running the two CLIs against the e2e lab (the stock kubectl and our k8ts CLI), applying
// manifests given as objects, reading objects as JSON, and polling a condition with a deadline.
// Must never wait with a bare sleep: every wait polls a condition until it holds or a deadline passes.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { repoRoot } from '../../deploy/options.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const K8TS = path.join(repoRoot, 'dist', 'kubectl', 'main.js');

/** Runs a CLI; a run longer than timeoutMs is killed and reported as such (code -1). */
function exec(command: string, args: string[], kubeconfig: string, input?: string, timeoutMs = 200_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed) {
          resolve({ code: -1, stdout: String(stdout), stderr: `killed after ${timeoutMs / 1000} s\n${String(stderr)}` });
          return;
        }
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export class Cli {
  constructor(readonly kubeconfig: string) {}

  /** The stock kubectl; throws with its stderr unless it exits 0. */
  async kubectl(args: string[], input?: string, timeoutMs?: number): Promise<string> {
    const r = await exec('kubectl', args, this.kubeconfig, input, timeoutMs);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /** The k8ts CLI (dist/kubectl/main.js); throws with its stderr unless it exits 0. */
  async k8ts(args: string[], input?: string, timeoutMs?: number): Promise<string> {
    const r = await exec(process.execPath, [K8TS, ...args], this.kubeconfig, input, timeoutMs);
    if (r.code !== 0) throw new Error(`k8ts ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /** kubectl without throwing, for commands expected to fail. */
  tryKubectl(args: string[], input?: string): Promise<CliResult> {
    return exec('kubectl', args, this.kubeconfig, input);
  }

  /** Applies objects (as a multi-document YAML stream) with the stock kubectl or the k8ts CLI. */
  apply(objects: object[], tool: 'kubectl' | 'k8ts' = 'kubectl'): Promise<string> {
    const input = objects.map((o) => YAML.stringify(o)).join('---\n');
    return tool === 'kubectl' ? this.kubectl(['apply', '-f', '-'], input) : this.k8ts(['apply', '-f', '-'], input);
  }

  async getJson<T = any>(args: string[]): Promise<T> {
    return JSON.parse(await this.kubectl(['get', ...args, '-o', 'json'])) as T;
  }

  /** Items of a list, e.g. pods in a namespace with a selector. */
  async items(args: string[]): Promise<any[]> {
    return ((await this.getJson<{ items: any[] }>(args)).items) ?? [];
  }
}

/**
 * Calls check every intervalMs until it returns something other than undefined/false, and
 * returns that; throws after timeoutMs with what the last check saw (describe(last)).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      lastError = '';
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await sleep(intervalMs);
  }
}
