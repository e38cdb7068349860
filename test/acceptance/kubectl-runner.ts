// Test helper: runs the stock `kubectl` on the PATH against one kubeconfig with a private discovery
// cache, one-shot (execFile, argument arrays, a timeout each) or in the background (for `-w`).
// Must never pass a command through a shell, nor leave a child behind: background runs are killed by pid.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface KubectlResult {
  /** Exit code; null when the process was killed (e.g. by the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command as a user would type it, for assertion messages. */
  command: string;
}

/** The absolute path of `kubectl` on the PATH, or undefined when there is none. */
export function findOnPath(name = 'kubectl'): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** A background kubectl (e.g. `get -w`): its output so far, and a way to wait on it. */
export class BackgroundKubectl {
  stdout = '';
  stderr = '';
  exited = false;
  private readonly listeners = new Set<() => void>();

  constructor(readonly child: ChildProcess, readonly command: string) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    child.once('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Resolves with the first value `test(stdout)` returns other than undefined, checked on every
   * chunk of output; rejects at the deadline or when kubectl exits first.
   */
  waitFor<T>(test: (stdout: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        const value = test(this.stdout);
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.exited) {
          done();
          reject(new Error(`${this.command} exited before ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.command}: no ${what} within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** SIGTERMs the child (by pid) and waits for it; SIGKILL after 3 s. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

export class Kubectl {
  private readonly env: NodeJS.ProcessEnv;
  private readonly background = new Set<BackgroundKubectl>();

  constructor(
    readonly binary: string,
    readonly kubeconfig: string,
    readonly cacheDir: string,
    readonly defaultTimeoutMs = 30_000,
  ) {
    // Only our flags choose the cluster: a developer's KUBECONFIG or context must not leak in.
    const env = { ...process.env };
    delete env.KUBECONFIG;
    delete env.KUBECTL_EXTERNAL_DIFF;
    this.env = env;
  }

  private argv(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args];
  }

  describe(args: string[]): string {
    return ['kubectl', ...args].map(quote).join(' ');
  }

  /** Runs kubectl once; never rejects (a failing command is a result with a non-zero code). */
  run(args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<KubectlResult> {
    const command = this.describe(args);
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        this.argv(args),
        { env: this.env, timeout: options.timeoutMs ?? this.defaultTimeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr, command });
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  /** Starts kubectl in the background; stopAll() (or its own stop()) ends it. */
  start(args: string[]): BackgroundKubectl {
    const child = spawn(this.binary, this.argv(args), { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const bg = new BackgroundKubectl(child, this.describe(args));
    this.background.add(bg);
    child.once('exit', () => this.background.delete(bg));
    return bg;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.background].map((bg) => bg.stop()));
  }
}

/** A readable failure message for an assertion on a kubectl result. */
export function show(result: KubectlResult): string {
  return `$ ${result.command}\nexit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/**
 * Parses kubectl's table output (tabwriter, 3+ spaces between columns) by the header's column
 * offsets, so empty cells (e.g. no SHORTNAMES) stay in their column. Header names may hold one space
 * (NOMINATED NODE).
 */
export function parseTable(stdout: string): { header: string[]; rows: Array<Record<string, string>> } {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return { header: [], rows: [] };
  const columns: Array<{ name: string; start: number }> = [];
  for (const match of lines[0].matchAll(/\S+(?: \S+)*/g)) columns.push({ name: match[0], start: match.index ?? 0 });
  const rows = lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    columns.forEach((column, i) => {
      const end = i + 1 < columns.length ? columns[i + 1].start : line.length;
      row[column.name] = line.slice(column.start, end).trim();
    });
    return row;
  });
  return { header: columns.map((c) => c.name), rows };
}
