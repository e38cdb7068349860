// What discovery lists: the stored catalogue of api/resources.ts plus the groups the apiserver computes
// itself (metrics.k8s.io). Discovery reads this; storage and routing keep reading the catalogue alone.
import { RESOURCES as CATALOGUE, type ResourceInfo } from '../../api/resources.js';
import { METRICS_RESOURCES } from '../metrics-api/resources.js';

export const RESOURCES: readonly ResourceInfo[] = [...CATALOGUE, ...METRICS_RESOURCES];

/** Every group-version discovery lists, core first, in catalogue order. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const res of RESOURCES) seen.set(`${res.group}/${res.version}`, { group: res.group, version: res.version });
  return [...seen.values()];
}
