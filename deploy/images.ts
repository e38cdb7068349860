// Owns the images a cluster needs without any registry: `busybox:latest` (a root filesystem of
// Debian's busybox-static, imported with `docker import`) and the pod sandbox image `k8ts/pause:3.9`
// (the same filesystem whose entrypoint sleeps until SIGTERM and then exits 0, as upstream's pause).
// Must never pull, and never replace an image that already exists (a user's own busybox wins).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BUSYBOX_IMAGE = 'busybox:latest';
export const PAUSE_IMAGE = 'k8ts/pause:3.9';
const BUSYBOX_BINARY = '/bin/busybox';

/** PID 1 of the sandbox: reaps nothing, holds the namespaces, exits 0 on TERM/INT like pause. */
const PAUSE_SCRIPT = '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 3600 & wait $!; done\n';

export interface ImageOptions {
  /** DOCKER_HOST for the docker CLI; the default socket when undefined. */
  dockerHost?: string;
  log?: (line: string) => void;
}

function dockerEnv(options: ImageOptions): NodeJS.ProcessEnv {
  return options.dockerHost ? { ...process.env, DOCKER_HOST: options.dockerHost } : process.env;
}

export function imageExists(image: string, options: ImageOptions = {}): boolean {
  const result = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { env: dockerEnv(options), stdio: 'ignore' });
  return result.status === 0;
}

/** Lays out a busybox root filesystem: the static binary, one symlink per applet, passwd/group. */
export function buildBusyboxRootfs(dir: string): void {
  if (!existsSync(BUSYBOX_BINARY)) {
    throw new Error(`${BUSYBOX_BINARY} is missing: install Debian's busybox-static (apt-get install busybox-static)`);
  }
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX_BINARY, path.join(dir, 'bin', 'busybox'));
  chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(BUSYBOX_BINARY, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    const target = path.join(dir, applet);
    if (applet === 'bin/busybox' || existsSync(target)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }
  for (const d of ['etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'home', 'var/tmp', 'run']) {
    mkdirSync(path.join(dir, d), { recursive: true });
  }
  chmodSync(path.join(dir, 'tmp'), 0o1777);
  writeFileSync(path.join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  writeFileSync(path.join(dir, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(path.join(dir, 'pause'), PAUSE_SCRIPT);
  chmodSync(path.join(dir, 'pause'), 0o755);
}

function importRootfs(dir: string, image: string, changes: string[], options: ImageOptions): void {
  const tar = spawnSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  if (tar.status !== 0) throw new Error(`tar of ${dir} failed: ${tar.stderr.toString().trim()}`);
  const args = ['import'];
  for (const change of changes) args.push('--change', change);
  args.push('-', image);
  const result = spawnSync('docker', args, { input: tar.stdout, env: dockerEnv(options) });
  if (result.status !== 0) throw new Error(`docker import ${image} failed: ${result.stderr.toString().trim()}`);
}

/** Makes busybox:latest and the pause image when missing; returns the images it created. */
export function ensureImages(options: ImageOptions = {}): string[] {
  const wanted: Array<{ image: string; changes: string[] }> = [
    { image: BUSYBOX_IMAGE, changes: ['CMD ["sh"]', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'] },
    { image: PAUSE_IMAGE, changes: ['ENTRYPOINT ["/pause"]', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'] },
  ];
  const missing = wanted.filter((w) => !imageExists(w.image, options));
  if (missing.length === 0) return [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8ts-rootfs-'));
  try {
    buildBusyboxRootfs(dir);
    for (const { image, changes } of missing) {
      importRootfs(dir, image, changes, options);
      options.log?.(`image ${image}: imported from ${BUSYBOX_BINARY}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return missing.map((m) => m.image);
}
