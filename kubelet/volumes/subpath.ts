// subPath / subPathExpr of a volume mount: expansion from the container's env, upstream's checks
// and messages, creation of a missing subPath dir, and a resolved real path that must stay inside
// the volume (a symlink pointing out of it is refused, as upstream's safe subpath does).
import fs from 'node:fs';
import path from 'node:path';
import type { Container, VolumeMount } from '../../api/types.js';
import { CreateContainerConfigError } from '../env/errors.js';
import { expand } from '../env/expansion.js';

/** kubecontainer.ExpandContainerVolumeMounts. */
export function expandSubPathExpr(mount: VolumeMount, env: Map<string, string>): string {
  const missing = new Set<string>();
  const expanded = expand(mount.subPathExpr ?? '', (key) => {
    const value = env.get(key);
    if (!value) missing.add(key);
    return value ?? '';
  });
  if (missing.size > 0) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return expanded;
}

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : root + '/');
}

/** The host path to bind for `subPath` below volumeRoot; creates missing directories. */
export function resolveSubPath(volumeRoot: string, subPath: string, mount: VolumeMount, container: Container): string {
  if (path.isAbsolute(subPath)) throw new CreateContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split(/[\\/]/).includes('..')) throw new CreateContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  const prepareFailed = () => new CreateContainerConfigError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${container.name}"`);
  let root: string;
  try {
    root = fs.realpathSync(volumeRoot);
  } catch {
    throw prepareFailed();
  }
  const target = path.join(volumeRoot, subPath);
  if (!fs.existsSync(target)) {
    try {
      const perm = fs.statSync(root).mode & 0o7777;
      let current = root;
      for (const part of subPath.split('/').filter((p) => p && p !== '.')) {
        const next = path.join(current, part);
        let st: fs.Stats | undefined;
        try {
          st = fs.lstatSync(next);
        } catch {
          st = undefined;
        }
        if (!st) {
          fs.mkdirSync(next, { mode: perm });
          fs.chmodSync(next, perm);
          current = next;
          continue;
        }
        const real = fs.realpathSync(next);
        if (!inside(real, root)) throw prepareFailed();
        current = real;
      }
    } catch (err) {
      if (err instanceof CreateContainerConfigError) throw err;
      throw new CreateContainerConfigError(`failed to create subPath directory for volumeMount "${mount.name}" of container "${container.name}"`);
    }
  }
  let real: string;
  try {
    real = fs.realpathSync(target);
  } catch {
    throw prepareFailed();
  }
  if (!inside(real, root)) throw prepareFailed();
  return real;
}
