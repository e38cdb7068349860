// Owns running iptables for the kubelet's own chains: create a chain if missing, replace its rules,
// make sure one jump to it exists in a built-in chain, and remove all of it again.
// Must never touch a chain whose name does not start with K8TS- (or a jump to another one).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Table = 'filter' | 'nat';

async function iptables(table: Table, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('iptables', ['-w', '5', '-t', table, ...args]);
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number | string };
    if (e.code === 'ENOENT') throw new Error('iptables is not installed: apt-get install -y iptables');
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

function assertOurs(chain: string): void {
  if (!/^K8TS-[A-Z0-9-]+$/i.test(chain) || chain.length > 28) throw new Error(`refusing to manage iptables chain ${chain}: not a K8TS- chain`);
}

/** Creates `chain` if needed and makes its rules exactly `rules` (each an argument list after -A chain). */
export async function syncChain(table: Table, chain: string, rules: string[][]): Promise<void> {
  assertOurs(chain);
  const exists = await iptables(table, ['-S', chain]);
  if (!exists.ok) {
    const created = await iptables(table, ['-N', chain]);
    if (!created.ok && !/exists/i.test(created.stderr)) throw new Error(`iptables -N ${chain}: ${created.stderr.trim()}`);
  }
  const flushed = await iptables(table, ['-F', chain]);
  if (!flushed.ok) throw new Error(`iptables -F ${chain}: ${flushed.stderr.trim()}`);
  for (const rule of rules) {
    const added = await iptables(table, ['-A', chain, ...rule]);
    if (!added.ok) throw new Error(`iptables -A ${chain} ${rule.join(' ')}: ${added.stderr.trim()}`);
  }
}

/** Ensures `from` jumps to `chain` once (inserted first, so Docker's own rules come after). */
export async function ensureJump(table: Table, from: string, chain: string, match: string[], comment: string): Promise<void> {
  assertOurs(chain);
  const rule = [...match, '-m', 'comment', '--comment', comment, '-j', chain];
  const present = await iptables(table, ['-C', from, ...rule]);
  if (present.ok) return;
  const inserted = await iptables(table, ['-I', from, '1', ...rule]);
  if (!inserted.ok) throw new Error(`iptables -I ${from} ... -j ${chain}: ${inserted.stderr.trim()}`);
}

/** Removes every jump from `from` to `chain`, then the chain itself; absent ones are fine. */
export async function removeChain(table: Table, from: string, chain: string): Promise<void> {
  assertOurs(chain);
  const listed = await iptables(table, ['-S', from]);
  if (listed.ok) {
    for (const line of listed.stdout.split('\n')) {
      if (!line.startsWith(`-A ${from} `) || !line.endsWith(`-j ${chain}`)) continue;
      const args = splitRule(line.slice(3));
      await iptables(table, ['-D', ...args]);
    }
  }
  await iptables(table, ['-F', chain]);
  await iptables(table, ['-X', chain]);
}

/** Splits an `iptables -S` rule into arguments, honouring the double quotes around comments. */
export function splitRule(rule: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return args;
}
