// Owns what "privileged" can mean on this host: the capability bounding set of the kubelet
// (/proc/self/status CapBnd) and the names of capabilities it lacks. Never changes any capability.
import { readFileSync } from 'node:fs';

/** Linux capability names by number (capability.h), without the CAP_ prefix. */
export const CAPABILITY_NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
] as const;

export interface BoundingSet {
  /** `CAP_*` names the host lets a container have. */
  granted: string[];
  /** `CAP_*` names the host's bounding set lacks (so `--privileged` would fail). */
  missing: string[];
}

/** Parses a CapBnd hex mask into granted/missing capability names. */
export function boundingSetFromMask(hex: string): BoundingSet {
  const mask = BigInt(`0x${hex.trim()}`);
  const granted: string[] = [];
  const missing: string[] = [];
  CAPABILITY_NAMES.forEach((name, bit) => ((mask >> BigInt(bit)) & 1n ? granted : missing).push(`CAP_${name}`));
  return { granted, missing };
}

let cached: BoundingSet | undefined;

/** The kubelet's own bounding set (read once). */
export function hostBoundingSet(statusFile = '/proc/self/status'): BoundingSet {
  if (cached && statusFile === '/proc/self/status') return cached;
  const line = readFileSync(statusFile, 'utf8').split('\n').find((l) => l.startsWith('CapBnd:'));
  const set = boundingSetFromMask(line ? line.slice('CapBnd:'.length) : 'ffffffffff');
  if (statusFile === '/proc/self/status') cached = set;
  return set;
}

/** The capability docker names in `invalid CapAdd: unknown capability: "CAP_BPF"`, if that is the error. */
export function unknownCapability(message: string): string | undefined {
  return /unknown capability: "?(CAP_[A-Z_]+)"?/.exec(message)?.[1];
}
