// postStart / preStop hooks (exec, httpGet, sleep) with upstream's failure messages
// (`Exec lifecycle hook ([sh -c ...]) for Container "c" in Pod "p_ns(uid)" failed - error: ...`).
// Runs the handler only; the pods worker decides what a failure means (FailedPostStartHook, kill).
import type Docker from 'dockerode';
import type { LifecycleHandler, Pod } from '../../api/types.js';
import { goQuote } from '../env/fieldpath.js';
import { execInContainer } from './docker-exec.js';
import { formatURL, httpGet } from './http-get.js';
import { resolveContainerPort, type ProbeTarget } from './run-probe.js';

export interface LifecycleTarget extends ProbeTarget {
  /** For upstream's message text (`name_namespace(uid)`). */
  pod?: Pod;
}

function formatPod(pod: Pod | undefined): string {
  if (!pod) return '';
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

export async function runLifecycleHandler(docker: Docker, handler: LifecycleHandler, target: LifecycleTarget, timeoutMs: number): Promise<{ ok: boolean; message: string }> {
  const containerName = target.container?.name ?? '';
  const podText = formatPod(target.pod);
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    let error: string | undefined;
    let output = '';
    try {
      const r = await execInContainer(docker, target.containerId, cmd, timeoutMs);
      output = r.output;
      if (r.timedOut) error = `command ${goQuote(cmd.join(' '))} timed out`;
      else if (r.exitCode !== 0) error = `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.stderr}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (error === undefined) return { ok: true, message: output };
    return { ok: false, message: `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${containerName}" in Pod "${podText}" failed - error: ${error}, message: ${goQuote(output)}` };
  }
  if (handler.httpGet) {
    const action = handler.httpGet;
    const fail = (error: string) => ({ ok: false, message: `HTTP lifecycle hook (${action.path ?? ''}) for Container "${containerName}" in Pod "${podText}" failed - error: ${error}` });
    try {
      const port = resolveContainerPort(action.port, target.container);
      const host = action.host || target.podIP;
      if (!host) return fail('the pod has no IP address');
      const res = await httpGet(formatURL(action.scheme ?? 'HTTP', host, port, action.path ?? '/'), action.httpHeaders, timeoutMs);
      if (res.error !== undefined) return fail(res.error);
      return { ok: true, message: '' };
    } catch (err) {
      return fail((err as Error).message);
    }
  }
  const sleep = (handler as { sleep?: { seconds: number } }).sleep;
  if (sleep) {
    const ms = sleep.seconds * 1000;
    if (ms > timeoutMs) {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return { ok: false, message: 'container terminated before sleep hook finished' };
    }
    await new Promise((r) => setTimeout(r, ms));
    return { ok: true, message: '' };
  }
  if (handler.tcpSocket) return { ok: false, message: 'tcpSocket is not a valid lifecycle handler' };
  return { ok: false, message: 'cannot run handler: unknown handler type' };
}
