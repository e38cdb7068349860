// Runs one probe once (exec, httpGet, tcpSocket; gRPC refused as unsupported) against a container,
// with upstream's outcome rules and messages. No state; the ProbeManager decides what results mean.
import type Docker from 'dockerode';
import type { Container, Probe } from '../../api/types.js';
import { goQuote } from '../env/fieldpath.js';
import { execInContainer } from './docker-exec.js';
import { formatURL, httpGet } from './http-get.js';
import { tcpConnect } from './tcp-socket.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeTarget {
  podIP?: string;
  containerId: string;
  /** The container spec: needed to resolve named ports. */
  container?: Container;
}

export interface ProbeOutcome {
  result: 'success' | 'failure';
  message: string;
  /** upstream's probe.Warning (a redirect to another host, not followed): counted as success. */
  warning?: boolean;
}

/** probe.ResolveContainerPort: a number, a named container port, or a number written as a string. */
export function resolveContainerPort(port: number | string, container: Container | undefined): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = container?.ports?.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[0-9]+$/.test(port)) n = Number(port);
    else throw new Error(`port ${port} not found`);
  }
  if (n > 0 && n < 65536) return n;
  throw new Error(`invalid port number: ${n}`);
}

export function timeoutMsOf(probe: Probe): number {
  return (probe.timeoutSeconds ?? 1) * 1000;
}

function quoteCommand(cmd: string[]): string {
  return goQuote(cmd.join(' '));
}

export async function runProbe(docker: Docker, probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = timeoutMsOf(probe);
  try {
    if (probe.exec) {
      const cmd = probe.exec.command ?? [];
      const r = await execInContainer(docker, target.containerId, cmd, timeoutMs);
      if (r.timedOut) return { result: 'failure', message: `command ${quoteCommand(cmd)} timed out` };
      return { result: r.exitCode === 0 ? 'success' : 'failure', message: r.output };
    }
    if (probe.httpGet) {
      const action = probe.httpGet;
      const port = resolveContainerPort(action.port, target.container);
      const host = action.host || target.podIP;
      if (!host) return { result: 'failure', message: 'the pod has no IP address yet' };
      const url = formatURL(action.scheme ?? 'HTTP', host, port, action.path ?? '/');
      const res = await httpGet(url, action.httpHeaders, timeoutMs);
      if (res.error !== undefined) return { result: 'failure', message: res.error };
      const status = res.status!;
      if (status >= 200 && status < 400) {
        if (status >= 300) return { result: 'success', warning: true, message: `Probe terminated redirects, Response body: ${res.body ?? ''}` };
        return { result: 'success', message: res.body ?? '' };
      }
      return { result: 'failure', message: `HTTP probe failed with statuscode: ${status}` };
    }
    if (probe.tcpSocket) {
      const port = resolveContainerPort(probe.tcpSocket.port, target.container);
      const host = probe.tcpSocket.host || target.podIP;
      if (!host) return { result: 'failure', message: 'the pod has no IP address yet' };
      const r = await tcpConnect(host, port, timeoutMs);
      return { result: r.ok ? 'success' : 'failure', message: r.message };
    }
    if (probe.grpc) return { result: 'failure', message: 'gRPC probes are not supported by k8ts' };
    return { result: 'failure', message: 'missing probe handler' };
  } catch (err) {
    return { result: 'failure', message: (err as Error).message };
  }
}
