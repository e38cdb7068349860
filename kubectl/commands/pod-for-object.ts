// What `logs` and `exec` share: the pod an argument names (POD, pod/NAME, or a workload whose
// selector picks a pod, as kubectl's AttachablePodForObject) and kubectl's default container choice
// with its "Defaulted container" notice. Reads only.
import type { Pod } from '../../api/types.js';
import type { Client, KubeObject } from '../../client/index.js';
import { CliError } from '../errors.js';
import { resolveType } from '../modify-common.js';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** `a, b, i (init)` as podcmd.AllContainerNames prints them. */
export function allContainerNames(pod: Pod): string {
  return [
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

export function hasContainer(pod: Pod, name: string): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].some((c) => c.name === name);
}

/**
 * The container to use when none was named: the default-container annotation, else the first one,
 * telling `err` which was picked when there was a choice (podcmd.FindOrDefaultContainerByName).
 */
export function defaultContainer(pod: Pod, err: NodeJS.WritableStream, quiet = false): string {
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated) {
    if (hasContainer(pod, annotated)) return annotated;
    err.write(`Default container name "${annotated}" not found in pod ${pod.metadata?.name}\n`);
  }
  const first = pod.spec?.containers?.[0]?.name;
  if (!first) throw new CliError(`pod ${pod.metadata?.name} does not have any containers`);
  const choices = (pod.spec?.containers?.length ?? 0) + (pod.spec?.initContainers?.length ?? 0) + (pod.spec?.ephemeralContainers?.length ?? 0);
  if (choices > 1 && !quiet) err.write(`Defaulted container "${first}" out of: ${allContainerNames(pod)}\n`);
  return first;
}

function selectorOf(obj: KubeObject & { spec?: { selector?: unknown } }): string {
  const sel = obj.spec?.selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | Record<string, string> | undefined;
  if (!sel) throw new CliError(`cannot attach to ${obj.kind}: selector for ${obj.kind} not implemented`);
  const labels = ('matchLabels' in sel || 'matchExpressions' in sel ? (sel as { matchLabels?: Record<string, string> }).matchLabels : sel) as Record<string, string> | undefined;
  const parts = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of (sel as { matchExpressions?: { key: string; operator: string; values?: string[] }[] }).matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (op === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** Running pods first, then the oldest: a stable, useful choice among a workload's pods. */
function byPreference(a: Pod, b: Pod): number {
  const running = (p: Pod) => (p.status?.phase === 'Running' ? 0 : 1);
  if (running(a) !== running(b)) return running(a) - running(b);
  return String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? ''));
}

/** The pod `arg` names in `namespace`; for a workload, one of its pods (noting the choice on `err`). */
export async function podForArgument(client: Client, namespace: string, arg: string, err: NodeJS.WritableStream): Promise<Pod> {
  const slash = arg.indexOf('/');
  const pods = client.resource('pods', namespace);
  if (slash < 0) return (await pods.get(arg)) as unknown as Pod;
  const info = resolveType(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (info.group === '' && info.plural === 'pods') return (await pods.get(name)) as unknown as Pod;
  const obj = await client.resource(info.group ? `${info.plural}.${info.group}` : info.plural, namespace).get(name);
  const selector = selectorOf(obj as KubeObject & { spec?: { selector?: unknown } });
  const list = (await pods.list({ labelSelector: selector })).items as unknown as Pod[];
  if (list.length === 0) throw new CliError(`timed out waiting for the condition`);
  list.sort(byPreference);
  if (list.length > 1) err.write(`Found ${list.length} pods, using pod/${list[0]!.metadata?.name}\n`);
  return list[0]!;
}
