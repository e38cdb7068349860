// Small string formatters shared by the printers (labels, containers, host:port, lists with
// "+ N more..."), each matching the upstream helper it is named after. Pure; never throws.
import type { Container } from 'kubernetes-types/core/v1.js';
import { formatLabelSelector as formatSelector, selectorFromLabelSelector, type LabelSelector } from '../../api/labels.js';

export const NONE = '<none>';

/** upstream labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return NONE;
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** upstream metav1.FormatLabelSelector: `app=nginx`, `tier in (a,b)`, `<none>` when empty or nil. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  return formatSelector(sel);
}

/** LabelSelectorAsSelector(sel).String() with `<invalid>` on error, as printDeployment does. */
export function selectorString(sel: LabelSelector | undefined | null): string {
  try {
    return selectorFromLabelSelector(sel).toString();
  } catch {
    return '<invalid>';
  }
}

/** upstream layoutContainerCells: container names and images, comma-joined. */
export function layoutContainerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** Go's net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** upstream listWithMoreString: `a,b,c + 2 more...`, `<unset>` for an empty list. */
export function listWithMoreString(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** GroupKind.String() lower-cased plus name, as upstream formatResourceName with kind. */
export function formatResourceName(group: string, kind: string, name: string): string {
  if (!kind && !group) return name;
  const gk = group ? `${kind}.${group}` : kind;
  return `${gk.toLowerCase()}/${name}`;
}

/** upstream printBoolPtr: `True`/`False`, `<unset>` for nil. */
export function printBoolPtr(v: boolean | undefined | null): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}
