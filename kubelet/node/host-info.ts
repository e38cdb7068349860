// Owns what the node reports about its host: capacity (cpu, memory, pods, ephemeral-storage),
// nodeInfo (machine/boot ids, kernel, OS image, runtime and kubelet versions) and pressure signals
// against upstream's default hard eviction thresholds. Reads /proc and the filesystem only.
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';

export const KUBELET_VERSION = 'v1.32.0-k8ts';

export interface HostCapacity {
  cpu: string;
  memory: string;
  pods: string;
  'ephemeral-storage': string;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** /proc/meminfo in bytes. */
export function meminfo(): { totalBytes: number; availableBytes: number } {
  const text = readText('/proc/meminfo') ?? '';
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { totalBytes: kb('MemTotal') || os.totalmem(), availableBytes: kb('MemAvailable') || os.freemem() };
}

export function diskBytes(dir: string): { totalBytes: number; availableBytes: number } {
  try {
    const s = statfsSync(dir);
    return { totalBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: 0, availableBytes: 0 };
  }
}

export function hostCapacity(rootDir: string, maxPods: number): HostCapacity {
  return {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(meminfo().totalBytes / 1024)}Ki`,
    pods: String(maxPods),
    'ephemeral-storage': `${Math.floor(diskBytes(rootDir).totalBytes / 1024)}Ki`,
  };
}

export function osImage(): string {
  const text = readText('/etc/os-release') ?? '';
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
}

export function nodeSystemInfo(runtimeVersion: string): Record<string, string> {
  const arch = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' }[process.arch as string] ?? process.arch;
  return {
    machineID: readText('/etc/machine-id') ?? '',
    systemUUID: readText('/sys/class/dmi/id/product_uuid') ?? readText('/etc/machine-id') ?? '',
    bootID: readText('/proc/sys/kernel/random/boot_id') ?? '',
    kernelVersion: os.release(),
    osImage: osImage(),
    containerRuntimeVersion: `docker://${runtimeVersion}`,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: '',
    operatingSystem: 'linux',
    architecture: arch,
  };
}

/** Upstream's default hard eviction thresholds: memory.available<100Mi, nodefs.available<10%. */
export function pressure(rootDir: string): { memory: boolean; disk: boolean; pid: boolean } {
  const mem = meminfo();
  const disk = diskBytes(rootDir);
  const pidMax = Number(readText('/proc/sys/kernel/pid_max') ?? 0);
  const threads = Number(/^(\d+)/.exec(readText('/proc/loadavg')?.split(' ')[3]?.split('/')[1] ?? '')?.[1] ?? 0);
  return {
    memory: mem.availableBytes < 100 * 1024 * 1024,
    disk: disk.totalBytes > 0 && disk.availableBytes < disk.totalBytes * 0.1,
    pid: pidMax > 0 && threads > pidMax * 0.9,
  };
}
