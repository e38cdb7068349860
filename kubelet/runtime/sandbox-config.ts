// Owns the Docker create options of a pod's sandbox (pause) container: the network it joins, its
// hostname, shareable IPC, hostPort bindings. Pure: never talks to Docker.
import type Docker from 'dockerode';
import type { Pod } from '../../api/types.js';

export interface SandboxConfigInput {
  pod: Pod;
  name: string;
  image: string;
  labels: Record<string, string>;
  networkName: string;
  hostname: string;
  dns: { nameservers: string[]; searches: string[]; options: string[] };
}

export function buildSandboxConfig(input: SandboxConfigInput): Docker.ContainerCreateOptions {
  const spec = input.pod.spec!;
  const hostNetwork = spec.hostNetwork === true;
  const hostConfig: Docker.HostConfig = {
    NetworkMode: hostNetwork ? 'host' : input.networkName,
    IpcMode: spec.hostIPC ? 'host' : 'shareable',
    RestartPolicy: { Name: 'no' },
    Dns: input.dns.nameservers,
    DnsSearch: input.dns.searches,
    DnsOptions: input.dns.options,
    CpuShares: 2,
  };
  if (spec.hostPID) hostConfig.PidMode = 'host';
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp?: string; HostPort: string }[]> = {};
  if (!hostNetwork) {
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) continue;
        const key = `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`;
        exposed[key] = {};
        (bindings[key] ??= []).push({ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) });
      }
    }
  }
  if (Object.keys(bindings).length) hostConfig.PortBindings = bindings;
  const options: Docker.ContainerCreateOptions = {
    name: input.name,
    Image: input.image,
    Labels: input.labels,
    HostConfig: hostConfig,
  };
  if (Object.keys(exposed).length) options.ExposedPorts = exposed;
  if (!hostNetwork) options.Hostname = input.hostname;
  return options;
}
