// Sets up, lists and tears down the volumes of the pods on this node, all under
// <rootDir>/pods/<uid>/. Reads API objects only through VolumeSources; tearDown never follows a
// hostPath or symlink out of the pod dir and refuses to delete through a mount it cannot unmount.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { MountSettings } from 'dockerode';
import type { Logger } from 'pino';
import type { ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from '../../api/types.js';
import { parseQuantity } from '../../api/quantity.js';
import { CreateContainerConfigError } from '../env/errors.js';
import type { NodeAllocatable } from '../env/resource-values.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { VolumeError } from './errors.js';
import { hostsFileContent } from './etc-hosts.js';
import { checkHostPathType } from './host-path.js';
import { canMount, isMountPoint, mountTmpfs, mountsUnder, unmount } from './host-mounts.js';
import { setVolumeOwnership } from './ownership.js';
import { DEFAULT_MODE, configMapPayload, downwardAPIPayload, projectedPayload, secretPayload, type RequestToken } from './payloads.js';
import { containerDir, etcHostsPath, podDir, volumeDir, type ManagedVolumeKind } from './paths.js';
import { expandSubPathExpr, resolveSubPath } from './subpath.js';

export interface VolumeSources {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  getPersistentVolume(name: string): Promise<PersistentVolume | undefined>;
  /** The TokenRequest API (issue 10); without it serviceAccountToken projections fail to mount. */
  requestToken?: RequestToken;
}

/** A dockerode HostConfig.Mounts entry. */
export type DockerMount = MountSettings;

export interface PodVolumeContext {
  podIP?: string;
  podIPs?: string[];
  hostIP?: string;
  /** node.status.allocatable, for downwardAPI resourceFieldRef limits a container leaves unset. */
  nodeAllocatable?: NodeAllocatable;
}

export interface MountsForOptions {
  /** The container's environment (containerEnvMap), for subPathExpr. */
  env?: Map<string, string> | Record<string, string>;
  /** The pod IPs once the sandbox has them; /etc/hosts is mounted only when known. */
  podIPs?: string[];
}

export interface VolumeManagerOptions {
  rootDir: string;
  sources: VolumeSources;
  nodeName: string;
  logger: Logger;
  /** --cluster-domain, for the FQDN line of /etc/hosts; default cluster.local. */
  clusterDomain?: string;
}

interface PodState {
  context: PodVolumeContext;
  /** Host paths of persistentVolumeClaim / ephemeral volumes, resolved at set-up. */
  claimPaths: Map<string, { path: string; readOnly: boolean }>;
  /** emptyDir Memory volumes served by a Docker tmpfs per container (host mount not permitted). */
  dockerTmpfs: Map<string, number | undefined>;
}

const ETC_HOSTS = '/etc/hosts';
const API_DATA_KINDS = new Set<ManagedVolumeKind>(['configMap', 'secret', 'downwardAPI', 'projected']);

function kindOf(volume: Volume): string {
  for (const key of ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim', 'ephemeral'] as const) {
    if (volume[key]) return key;
  }
  return 'unknown';
}

export class VolumeManager {
  private readonly pods = new Map<string, PodState>();
  private readonly clusterDomain: string;

  constructor(private readonly options: VolumeManagerOptions) {
    this.clusterDomain = options.clusterDomain ?? 'cluster.local';
  }

  private state(uid: string): PodState {
    let s = this.pods.get(uid);
    if (!s) {
      s = { context: {}, claimPaths: new Map(), dockerTmpfs: new Map() };
      this.pods.set(uid, s);
    }
    return s;
  }

  /** Creates every volume of the pod (idempotent); throws the first VolumeError after trying them all. */
  async setUpPod(pod: Pod, context: PodVolumeContext = {}): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const dir = podDir(this.options.rootDir, uid);
    fs.mkdirSync(path.join(dir, 'volumes'), { recursive: true, mode: 0o750 });
    fs.mkdirSync(path.join(dir, 'containers'), { recursive: true, mode: 0o750 });
    const state = this.state(uid);
    state.context = { ...state.context, ...context };
    const failures: VolumeError[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      try {
        await this.setUpVolume(pod, volume, state);
      } catch (err) {
        const failure = err instanceof VolumeError ? err : VolumeError.setUpFailed(volume.name, err);
        this.options.logger.warn({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, volume: volume.name, err: failure.message }, 'volume set-up failed');
        failures.push(failure);
      }
    }
    const podIPs = this.podIPs(pod, state);
    if (podIPs.length > 0 || pod.spec?.hostNetwork) this.writeEtcHosts(pod, podIPs);
    if (failures.length > 0) {
      const first = failures[0]!;
      first.others = failures.slice(1);
      throw first;
    }
  }

  /** Re-writes configMap/secret/downwardAPI/projected contents (atomic swap, only when changed). */
  async refreshPod(pod: Pod): Promise<void> {
    const state = this.state(pod.metadata?.uid ?? '');
    const failures: VolumeError[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      if (!API_DATA_KINDS.has(kindOf(volume) as ManagedVolumeKind)) continue;
      try {
        await this.setUpVolume(pod, volume, state);
      } catch (err) {
        failures.push(err instanceof VolumeError ? err : VolumeError.setUpFailed(volume.name, err));
      }
    }
    if (failures.length > 0) {
      const first = failures[0]!;
      first.others = failures.slice(1);
      throw first;
    }
  }

  private async setUpVolume(pod: Pod, volume: Volume, state: PodState): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    const fsGroup = pod.spec?.securityContext?.fsGroup;
    const { sources } = this.options;
    const name = volume.name;
    const wrap = async <T>(fn: () => Promise<T> | T): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        throw VolumeError.setUpFailed(name, err);
      }
    };
    const writeApiData = (kind: ManagedVolumeKind, payload: Payload) => {
      const dir = volumeDir(this.options.rootDir, uid, kind, name);
      writeAtomically(dir, payload, fsGroup !== undefined ? { onNewData: (d) => setVolumeOwnership(d, fsGroup, true) } : {});
    };

    if (volume.emptyDir) {
      const dir = volumeDir(this.options.rootDir, uid, 'emptyDir', name);
      const sizeBytes = volume.emptyDir.sizeLimit !== undefined ? parseQuantity(volume.emptyDir.sizeLimit as string).value() : undefined;
      await wrap(async () => {
        fs.mkdirSync(dir, { recursive: true });
        if (volume.emptyDir!.medium === 'Memory') {
          if (await canMount(path.dirname(dir))) {
            if (!isMountPoint(dir)) await mountTmpfs(dir, sizeBytes);
          } else {
            state.dockerTmpfs.set(name, sizeBytes);
          }
        } else if (volume.emptyDir!.medium && volume.emptyDir!.medium !== '') {
          throw new Error(`unknown storage medium "${volume.emptyDir!.medium}"`);
        }
        fs.chmodSync(dir, 0o777);
        if (fsGroup !== undefined) setVolumeOwnership(dir, fsGroup, false);
      });
      return;
    }
    if (volume.hostPath) {
      const hp = volume.hostPath;
      await wrap(() => {
        checkHostPathType(hp.path, hp.type);
        // Unset type and a missing path: the runtime creates a directory (as docker's -v and containerd do).
        if (!hp.type && !fs.existsSync(hp.path)) fs.mkdirSync(hp.path, { recursive: true, mode: 0o755 });
      });
      return;
    }
    if (volume.configMap) {
      const src = volume.configMap;
      const cmName = src.name ?? '';
      const optional = src.optional ?? false;
      await wrap(async () => {
        const cm = (await sources.getConfigMap(namespace, cmName)) ?? (optional ? ({ metadata: { name: cmName, namespace } } as ConfigMap) : undefined);
        if (!cm) throw new Error(`configmap "${cmName}" not found`);
        writeApiData('configMap', configMapPayload(src.items, cm, src.defaultMode ?? DEFAULT_MODE, optional));
      });
      return;
    }
    if (volume.secret) {
      const src = volume.secret;
      const secretName = src.secretName ?? '';
      const optional = src.optional ?? false;
      await wrap(async () => {
        const secret = (await sources.getSecret(namespace, secretName)) ?? (optional ? ({ metadata: { name: secretName, namespace } } as Secret) : undefined);
        if (!secret) throw new Error(`secret "${secretName}" not found`);
        writeApiData('secret', secretPayload(src.items, secret, src.defaultMode ?? DEFAULT_MODE, optional));
      });
      return;
    }
    if (volume.downwardAPI) {
      const src = volume.downwardAPI;
      await wrap(() => writeApiData('downwardAPI', downwardAPIPayload(src.items, pod, src.defaultMode ?? DEFAULT_MODE, state.context.nodeAllocatable)));
      return;
    }
    if (volume.projected) {
      const src = volume.projected;
      await wrap(async () => writeApiData('projected', await projectedPayload(src, pod, sources, state.context.nodeAllocatable)));
      return;
    }
    if (volume.persistentVolumeClaim || volume.ephemeral) {
      const claimName = volume.persistentVolumeClaim ? volume.persistentVolumeClaim.claimName : `${pod.metadata?.name}-${name}`;
      const readOnly = volume.persistentVolumeClaim?.readOnly ?? false;
      const resolved = await wrap(async () => {
        const pvc = await sources.getPersistentVolumeClaim(namespace, claimName);
        if (!pvc) throw new Error(`persistentvolumeclaim "${claimName}" not found`);
        if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) throw new Error(`persistentvolumeclaim "${claimName}" is not bound`);
        const pv = await sources.getPersistentVolume(pvc.spec.volumeName);
        if (!pv) throw new Error(`persistentvolume "${pvc.spec.volumeName}" not found`);
        const hostPath = pv.spec?.hostPath ?? (pv.spec?.local ? { path: pv.spec.local.path, type: 'Directory' } : undefined);
        if (!hostPath) throw new Error(`persistentvolume "${pvc.spec.volumeName}" has a volume type k8ts cannot mount (only hostPath and local)`);
        checkHostPathType(hostPath.path, hostPath.type);
        if (!hostPath.type && !fs.existsSync(hostPath.path)) fs.mkdirSync(hostPath.path, { recursive: true, mode: 0o755 });
        return { path: hostPath.path, readOnly: readOnly || pv.spec?.accessModes?.length === 1 && pv.spec.accessModes[0] === 'ReadOnlyMany' };
      });
      state.claimPaths.set(name, resolved);
      return;
    }
    throw VolumeError.setUpFailed(name, new Error('no volume plugin matched'));
  }

  private podIPs(pod: Pod, state: PodState, explicit?: string[]): string[] {
    if (explicit && explicit.length > 0) return explicit;
    if (state.context.podIPs && state.context.podIPs.length > 0) return state.context.podIPs;
    if (state.context.podIP) return [state.context.podIP];
    const fromStatus = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
    if (fromStatus.length > 0) return fromStatus;
    return pod.status?.podIP ? [pod.status.podIP] : [];
  }

  private writeEtcHosts(pod: Pod, podIPs: string[]): string {
    const file = etcHostsPath(this.options.rootDir, pod.metadata?.uid ?? '');
    fs.writeFileSync(file, hostsFileContent(pod, podIPs, this.clusterDomain), { mode: 0o644 });
    return file;
  }

  /** The host path a volume is served from, and whether it is read-only by nature. */
  private volumeSource(pod: Pod, volume: Volume, state: PodState, container: Container): { source: string; readOnly: boolean; tmpfsBytes?: number | undefined } {
    const uid = pod.metadata?.uid ?? '';
    const name = volume.name;
    if (volume.emptyDir) {
      if (state.dockerTmpfs.has(name)) return { source: '', readOnly: false, tmpfsBytes: state.dockerTmpfs.get(name) };
      return { source: volumeDir(this.options.rootDir, uid, 'emptyDir', name), readOnly: false };
    }
    if (volume.hostPath) return { source: volume.hostPath.path, readOnly: false };
    if (volume.configMap) return { source: volumeDir(this.options.rootDir, uid, 'configMap', name), readOnly: true };
    if (volume.secret) return { source: volumeDir(this.options.rootDir, uid, 'secret', name), readOnly: true };
    if (volume.downwardAPI) return { source: volumeDir(this.options.rootDir, uid, 'downwardAPI', name), readOnly: true };
    if (volume.projected) return { source: volumeDir(this.options.rootDir, uid, 'projected', name), readOnly: true };
    const claim = state.claimPaths.get(name);
    if (claim) return { source: claim.path, readOnly: claim.readOnly };
    throw new CreateContainerConfigError(`cannot find volume "${name}" to mount into container "${container.name}"`);
  }

  /**
   * Docker mounts for a container: its volumeMounts (subPath resolved, readOnly), /etc/hosts when the
   * pod IPs are known, and a fresh terminationMessagePath file. Throws CreateContainerConfigError.
   */
  mountsFor(pod: Pod, container: Container, options: MountsForOptions = {}): DockerMount[] {
    const uid = pod.metadata?.uid ?? '';
    const state = this.state(uid);
    const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    const env = options.env instanceof Map ? options.env : new Map(Object.entries(options.env ?? {}));
    const mounts: DockerMount[] = [];
    let mountsEtcHosts = false;
    for (const vm of container.volumeMounts ?? []) {
      if (path.posix.normalize(vm.mountPath) === ETC_HOSTS) mountsEtcHosts = true;
      const volume = volumes.get(vm.name);
      if (!volume) throw new CreateContainerConfigError(`cannot find volume "${vm.name}" to mount into container "${container.name}"`);
      const { source, readOnly, tmpfsBytes } = this.volumeSource(pod, volume, state, container);
      let subPath = vm.subPath ?? '';
      if (vm.subPathExpr) {
        try {
          subPath = expandSubPathExpr(vm, env);
        } catch (err) {
          throw new CreateContainerConfigError((err as Error).message);
        }
      }
      if (tmpfsBytes !== undefined || (source === '' && state.dockerTmpfs.has(vm.name))) {
        if (subPath) throw new CreateContainerConfigError(`failed to prepare subPath for volumeMount "${vm.name}" of container "${container.name}"`);
        mounts.push({ Type: 'tmpfs', Source: '', Target: vm.mountPath, ReadOnly: !!vm.readOnly, ...(tmpfsBytes !== undefined ? { TmpfsOptions: { SizeBytes: tmpfsBytes, Mode: 0o1777 } } : {}) });
        continue;
      }
      const hostPath = subPath ? resolveSubPath(source, subPath, vm, container) : source;
      mounts.push({ Type: 'bind', Source: hostPath, Target: vm.mountPath, ReadOnly: !!vm.readOnly || readOnly, BindOptions: { Propagation: 'rprivate' } });
    }
    const podIPs = this.podIPs(pod, state, options.podIPs);
    if (!mountsEtcHosts && (podIPs.length > 0 || pod.spec?.hostNetwork)) {
      mounts.push({ Type: 'bind', Source: this.writeEtcHosts(pod, podIPs), Target: ETC_HOSTS, ReadOnly: false, BindOptions: { Propagation: 'rprivate' } });
    }
    if (container.terminationMessagePath) {
      const dir = containerDir(this.options.rootDir, uid, container.name);
      fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
      const file = path.join(dir, crypto.randomBytes(4).toString('hex'));
      fs.writeFileSync(file, '');
      fs.chmodSync(file, 0o666);
      mounts.push({ Type: 'bind', Source: file, Target: container.terminationMessagePath, ReadOnly: false, BindOptions: { Propagation: 'rprivate' } });
    }
    return mounts;
  }

  /** Unmounts what set-up mounted and removes <root>/pods/<uid> (symlinks are removed, never followed). */
  async tearDownPod(podUid: string): Promise<void> {
    const dir = podDir(this.options.rootDir, podUid);
    this.pods.delete(podUid);
    if (!fs.existsSync(dir)) return;
    for (const mountPoint of mountsUnder(dir)) {
      try {
        await unmount(mountPoint);
      } catch (err) {
        throw new Error(`cannot remove ${dir}: ${mountPoint} is still mounted (${(err as Error).message})`);
      }
    }
    const left = mountsUnder(dir);
    if (left.length > 0) throw new Error(`cannot remove ${dir}: ${left[0]} is still mounted`);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }

  /** Pod uids that have a directory under <root>/pods (for cleaning up after pods that are gone). */
  listPodDirs(): string[] {
    try {
      return fs.readdirSync(path.join(this.options.rootDir, 'pods'));
    } catch {
      return [];
    }
  }
}

/** The termination message a container wrote: the file mounted at its terminationMessagePath, at most 4096 bytes. */
export function readTerminationMessage(mounts: Array<{ Source?: string; Destination?: string }>, terminationMessagePath: string, maxBytes = 4096): string | undefined {
  const mount = mounts.find((m) => m.Destination === terminationMessagePath);
  if (!mount?.Source) return undefined;
  try {
    const fd = fs.openSync(mount.Source, 'r');
    try {
      const buf = Buffer.alloc(maxBytes);
      const n = fs.readSync(fd, buf, 0, maxBytes, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
