// tmpfs mounts on the host for emptyDir medium Memory (shared by all containers of the pod, as
// upstream), and the mount table reads tearDown needs. Mounts and unmounts only paths it is given.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Mount points from /proc/self/mountinfo (octal escapes decoded). */
export function mountPoints(): string[] {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

export function isMountPoint(p: string): boolean {
  return mountPoints().includes(path.resolve(p));
}

/** Mount points at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  const base = path.resolve(dir);
  return mountPoints()
    .filter((m) => m === base || m.startsWith(base + '/'))
    .sort((a, b) => b.length - a.length);
}

export async function mountTmpfs(dir: string, sizeBytes: number | undefined): Promise<void> {
  const options = ['mode=0777', ...(sizeBytes !== undefined ? [`size=${sizeBytes}`] : [])].join(',');
  await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
}

export async function unmount(dir: string): Promise<void> {
  await run('umount', [dir]);
}

let canMountCache: boolean | undefined;

/** Whether this process may mount (root with CAP_SYS_ADMIN); else emptyDir Memory falls back to Docker tmpfs. */
export async function canMount(scratchDir: string): Promise<boolean> {
  if (canMountCache !== undefined) return canMountCache;
  if (process.getuid?.() !== 0) return (canMountCache = false);
  const probe = fs.mkdtempSync(path.join(scratchDir, '.mount-probe-'));
  try {
    await mountTmpfs(probe, 4096);
    await unmount(probe);
    canMountCache = true;
  } catch {
    canMountCache = false;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
  return canMountCache;
}
