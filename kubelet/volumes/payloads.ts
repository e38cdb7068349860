// What each API-data volume contains (upstream's MakePayload / CollectData): configMap, secret,
// downwardAPI and projected sources become path -> {bytes, mode}. No file I/O here; the atomic
// writer puts the payload on disk.
import type {
  ConfigMap,
  ConfigMapVolumeSource,
  DownwardAPIVolumeFile,
  KeyToPath,
  Pod,
  ProjectedVolumeSource,
  Secret,
  SecretVolumeSource,
} from '../../api/types.js';
import { extractFieldPathAsString } from '../env/fieldpath.js';
import { extractResourceValueByContainerName, type NodeAllocatable } from '../env/resource-values.js';
import type { Payload } from './atomic-writer.js';
import { aggregate } from './errors.js';

/** Upstream's default file mode of configMap, secret, downwardAPI and projected volumes. */
export const DEFAULT_MODE = 0o644;

/** Gets a projected service account token (the TokenRequest API); absent until that API exists. */
export type RequestToken = (pod: Pod, audience: string | undefined, expirationSeconds: number) => Promise<string>;

export function configMapPayload(items: KeyToPath[] | undefined, cm: ConfigMap, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  const data = cm.data ?? {};
  const binary = cm.binaryData ?? {};
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(data)) payload.set(k, { data: Buffer.from(v, 'utf8'), mode: defaultMode });
    for (const [k, v] of Object.entries(binary)) payload.set(k, { data: Buffer.from(v, 'base64'), mode: defaultMode });
    return payload;
  }
  for (const ktp of items) {
    let bytes: Buffer;
    if (Object.prototype.hasOwnProperty.call(data, ktp.key)) bytes = Buffer.from(data[ktp.key]!, 'utf8');
    else if (Object.prototype.hasOwnProperty.call(binary, ktp.key)) bytes = Buffer.from(binary[ktp.key]!, 'base64');
    else {
      if (optional) continue;
      throw new Error(`configmap references non-existent config key: ${ktp.key}`);
    }
    payload.set(ktp.path, { data: bytes, mode: ktp.mode ?? defaultMode });
  }
  return payload;
}

export function secretPayload(items: KeyToPath[] | undefined, secret: Secret, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  const data = secret.data ?? {};
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(data)) payload.set(k, { data: Buffer.from(v, 'base64'), mode: defaultMode });
    return payload;
  }
  for (const ktp of items) {
    if (!Object.prototype.hasOwnProperty.call(data, ktp.key)) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${ktp.key}`);
    }
    payload.set(ktp.path, { data: Buffer.from(data[ktp.key]!, 'base64'), mode: ktp.mode ?? defaultMode });
  }
  return payload;
}

/** downwardAPI CollectData: every item is attempted; the failures are aggregated. */
export function downwardAPIPayload(items: DownwardAPIVolumeFile[] | undefined, pod: Pod, defaultMode: number, allocatable: NodeAllocatable | undefined): Payload {
  const payload: Payload = new Map();
  const errors: Error[] = [];
  for (const item of items ?? []) {
    let value = '';
    try {
      if (item.fieldRef) value = extractFieldPathAsString(pod, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) value = extractResourceValueByContainerName(item.resourceFieldRef, pod, item.resourceFieldRef.containerName ?? '', allocatable);
    } catch (err) {
      errors.push(err as Error);
    }
    payload.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
  }
  const err = aggregate(errors);
  if (err) throw err;
  return payload;
}

export interface ProjectionSources {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  requestToken?: RequestToken;
}

/** projected CollectData: sources merged in order, later paths win; failures aggregated. */
export async function projectedPayload(source: ProjectedVolumeSource, pod: Pod, sources: ProjectionSources, allocatable: NodeAllocatable | undefined): Promise<Payload> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const defaultMode = source.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errors: Error[] = [];
  const merge = (p: Payload) => p.forEach((v, k) => payload.set(k, v));
  for (const projection of source.sources ?? []) {
    try {
      if (projection.configMap) {
        const { name = '', items, optional = false } = projection.configMap;
        const cm = await sources.getConfigMap(namespace, name);
        if (!cm) {
          if (!optional) throw new Error(`configmap "${name}" not found`);
          continue;
        }
        merge(configMapPayload(items, cm, defaultMode, optional));
      } else if (projection.secret) {
        const { name = '', items, optional = false } = projection.secret;
        const secret = await sources.getSecret(namespace, name);
        if (!secret) {
          if (!optional) throw new Error(`secret "${name}" not found`);
          continue;
        }
        merge(secretPayload(items, secret, defaultMode, optional));
      } else if (projection.downwardAPI) {
        merge(downwardAPIPayload(projection.downwardAPI.items, pod, defaultMode, allocatable));
      } else if (projection.serviceAccountToken) {
        const tp = projection.serviceAccountToken;
        if (!sources.requestToken) {
          throw new Error('failed to fetch token: the TokenRequest API (serviceaccounts/token) is not available in this kubelet');
        }
        let token: string;
        try {
          token = await sources.requestToken(pod, tp.audience || undefined, tp.expirationSeconds ?? 3600);
        } catch (err) {
          throw new Error(`failed to fetch token: ${(err as Error).message}`);
        }
        const mode = pod.spec?.securityContext?.fsGroup !== undefined || pod.spec?.securityContext?.runAsUser !== undefined ? 0o600 : defaultMode;
        payload.set(tp.path, { data: Buffer.from(token, 'utf8'), mode });
      } else if (projection.clusterTrustBundle) {
        throw new Error('clusterTrustBundle projections are not supported by k8ts');
      }
    } catch (err) {
      errors.push(err as Error);
    }
  }
  const err = aggregate(errors);
  if (err) throw err;
  return payload;
}

export function configMapDefaultMode(source: ConfigMapVolumeSource | SecretVolumeSource): number {
  return source.defaultMode ?? DEFAULT_MODE;
}
