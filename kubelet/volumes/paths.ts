// Where a pod's files live under the kubelet root dir (upstream's layout):
// <root>/pods/<uid>/{volumes/<plugin>/<name>, etc-hosts, containers/<name>/<id>}. Pure path math.
import path from 'node:path';

export const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;

export type ManagedVolumeKind = keyof typeof PLUGIN_DIRS;

const UID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function podDir(rootDir: string, podUid: string): string {
  if (!UID.test(podUid)) throw new Error(`invalid pod uid ${JSON.stringify(podUid)}`);
  return path.join(rootDir, 'pods', podUid);
}

export function volumeDir(rootDir: string, podUid: string, kind: ManagedVolumeKind, volumeName: string): string {
  return path.join(podDir(rootDir, podUid), 'volumes', PLUGIN_DIRS[kind], volumeName);
}

export function etcHostsPath(rootDir: string, podUid: string): string {
  return path.join(podDir(rootDir, podUid), 'etc-hosts');
}

export function containerDir(rootDir: string, podUid: string, containerName: string): string {
  return path.join(podDir(rootDir, podUid), 'containers', containerName);
}
