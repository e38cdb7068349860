// Owns turning a pod's container spec into Docker create options, as upstream's kuberuntime +
// dockershim did: entrypoint/cmd mapping with $(VAR) expansion, cgroup limits, security context, the
// sandbox's namespaces. Pure: no Docker calls, no file access beyond what callers pass in.
import type Docker from 'dockerode';
import type { Container, Pod, SecurityContext } from '../../api/types.js';
import { parseQuantity } from '../../api/quantity.js';
import { expandContainerCommandAndArgs } from '../env/index.js';

export const CPU_PERIOD = 100_000;
const MIN_QUOTA = 1000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;

/** Upstream's MilliCPUToQuota. */
export function milliCpuToQuota(milli: number, period = CPU_PERIOD): number {
  if (milli === 0) return 0;
  return Math.max(MIN_QUOTA, Math.floor((milli * period) / 1000));
}

/** Upstream's MilliCPUToShares. */
export function milliCpuToShares(milli: number): number {
  if (milli === 0) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milli * 1024) / 1000)));
}

function envMap(env: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

/** The container's security context over the pod's (container fields win), as upstream merges them. */
export function effectiveSecurity(pod: Pod, c: Container): SecurityContext & { supplementalGroups?: number[]; fsGroup?: number } {
  const p = pod.spec?.securityContext ?? {};
  const s = c.securityContext ?? {};
  return {
    ...s,
    runAsUser: s.runAsUser ?? p.runAsUser,
    runAsGroup: s.runAsGroup ?? p.runAsGroup,
    runAsNonRoot: s.runAsNonRoot ?? p.runAsNonRoot,
    supplementalGroups: p.supplementalGroups,
    fsGroup: p.fsGroup,
  };
}

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  name: string;
  labels: Record<string, string>;
  sandboxId: string;
  /** ["NAME=value", ...] from kubelet/env. */
  env: string[];
  mounts: Docker.MountSettings[];
  /** For privileged containers: what the host's bounding set allows and lacks. */
  bounding: { granted: string[]; missing: string[] };
  /** Capabilities docker refused as unknown on an earlier attempt (left out of a privileged container). */
  unknownCapabilities?: string[];
}

export interface ContainerConfig {
  options: Docker.ContainerCreateOptions;
  /** What a privileged container could not get on this host (empty when not privileged or complete). */
  privilegeLeftOut: string[];
}

function toCapName(c: string): string {
  return c.toUpperCase().startsWith('CAP_') || c.toUpperCase() === 'ALL' ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
}

export function buildContainerConfig(input: ContainerConfigInput): ContainerConfig {
  const { pod, container: c } = input;
  const spec = pod.spec!;
  const env = envMap(input.env);
  const hostConfig: Docker.HostConfig = {
    NetworkMode: `container:${input.sandboxId}`,
    IpcMode: spec.hostIPC ? 'host' : `container:${input.sandboxId}`,
    Mounts: input.mounts,
    RestartPolicy: { Name: 'no' },
  };
  if (spec.hostPID) hostConfig.PidMode = 'host';
  else if (spec.shareProcessNamespace) hostConfig.PidMode = `container:${input.sandboxId}`;

  // Resources: limits -> quota and memory, requests -> shares (requests default to limits upstream).
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  if (limits.cpu !== undefined) {
    hostConfig.CpuPeriod = CPU_PERIOD;
    hostConfig.CpuQuota = milliCpuToQuota(parseQuantity(limits.cpu).milliValue());
  }
  const requestCpu = requests.cpu ?? limits.cpu;
  hostConfig.CpuShares = milliCpuToShares(requestCpu !== undefined ? parseQuantity(requestCpu).milliValue() : 0);
  if (limits.memory !== undefined) {
    hostConfig.Memory = parseQuantity(limits.memory).value();
    hostConfig.MemorySwap = hostConfig.Memory; // no swap, as upstream with swap disabled
  }

  // Security context.
  const sec = effectiveSecurity(pod, c);
  let user: string | undefined;
  if (sec.runAsUser !== undefined) user = sec.runAsGroup !== undefined ? `${sec.runAsUser}:${sec.runAsGroup}` : String(sec.runAsUser);
  const groups = [...(sec.supplementalGroups ?? []), ...(sec.fsGroup !== undefined ? [sec.fsGroup] : [])];
  if (groups.length) hostConfig.GroupAdd = [...new Set(groups)].map(String);
  if (sec.readOnlyRootFilesystem) hostConfig.ReadonlyRootfs = true;
  const securityOpt: string[] = [];
  if (sec.allowPrivilegeEscalation === false) securityOpt.push('no-new-privileges');
  let privilegeLeftOut: string[] = [];
  if (sec.privileged) {
    // `--privileged` fails where the bounding set is incomplete: grant all the host allows instead.
    const unknown = new Set(input.unknownCapabilities ?? []);
    hostConfig.CapAdd = input.bounding.granted.filter((cap) => !unknown.has(cap));
    privilegeLeftOut = [...input.bounding.missing, ...input.unknownCapabilities ?? []];
    securityOpt.push('seccomp=unconfined', 'apparmor=unconfined');
    hostConfig.DeviceCgroupRules = ['a *:* rwm'];
    (hostConfig as Record<string, unknown>).MaskedPaths = [];
    (hostConfig as Record<string, unknown>).ReadonlyPaths = [];
  } else {
    if (sec.capabilities?.add?.length) hostConfig.CapAdd = sec.capabilities.add.map(toCapName);
    if (sec.capabilities?.drop?.length) hostConfig.CapDrop = sec.capabilities.drop.map(toCapName);
  }
  if (securityOpt.length) hostConfig.SecurityOpt = securityOpt;

  const options: Docker.ContainerCreateOptions = {
    name: input.name,
    Image: c.image,
    Labels: input.labels,
    Env: input.env,
    Tty: c.tty === true,
    OpenStdin: c.stdin === true,
    StdinOnce: c.stdinOnce === true,
    AttachStdin: false,
    HostConfig: hostConfig,
  };
  // Upstream: command replaces the image's ENTRYPOINT (and drops its CMD); args replace CMD.
  const expanded = expandContainerCommandAndArgs(c, env);
  if (expanded.command?.length) {
    options.Entrypoint = expanded.command;
    options.Cmd = expanded.args ?? [];
  } else if (expanded.args?.length) {
    options.Cmd = expanded.args;
  }
  if (c.workingDir) options.WorkingDir = c.workingDir;
  if (user) options.User = user;
  return { options, privilegeLeftOut };
}

/** The messages of upstream's verifyRunAsNonRoot, or undefined when the container may run. */
export function runAsNonRootError(pod: Pod, c: Container, imageUser: string | undefined): string | undefined {
  const sec = effectiveSecurity(pod, c);
  if (!sec.runAsNonRoot) return undefined;
  if (sec.runAsUser !== undefined) {
    return sec.runAsUser === 0 ? `container's runAsUser breaks non-root policy (pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${c.name})` : undefined;
  }
  const u = (imageUser ?? '').split(':')[0] ?? '';
  if (u === '' || u === '0' || u === 'root') return 'container has runAsNonRoot and image will run as root ' + `(pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${c.name})`;
  if (!/^\d+$/.test(u)) return `container has runAsNonRoot and image has non-numeric user (${u}), cannot verify user is non-root (pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${c.name})`;
  return undefined;
}
