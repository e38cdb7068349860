// A container's environment as upstream's kubelet makes it (makeEnvironmentVariables): envFrom first,
// then env in order with $(VAR) expansion and valueFrom sources, then service variables not already
// set. Reads ConfigMaps/Secrets only through the sources it is given; never writes anything.
import type { ConfigMap, Container, EnvVar, ObjectFieldSelector, Pod, Secret } from '../../api/types.js';
import { CreateContainerConfigError } from './errors.js';
import { expand, mappingFuncFor } from './expansion.js';
import { extractFieldPathAsString } from './fieldpath.js';
import { extractContainerResourceValue, extractResourceValueByContainerName, withAllocatableLimits, type NodeAllocatable } from './resource-values.js';

export interface EnvSources {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface EnvContext {
  podIP?: string;
  /** All pod IPs (status.podIPs); defaults to [podIP]. */
  podIPs?: string[];
  hostIP?: string;
  /** All host IPs (status.hostIPs); defaults to [hostIP]. */
  hostIPs?: string[];
  nodeName: string;
  /** serviceEnvironment(...) of the pod's namespace. */
  serviceEnv?: Record<string, string>;
  /** node.status.allocatable: the value of resourceFieldRef limits a container leaves unset. */
  nodeAllocatable?: NodeAllocatable;
  /** Receives upstream's warning events (InvalidEnvironmentVariableNames) about the pod. */
  onEvent?: (type: 'Warning' | 'Normal', reason: string, message: string) => void;
}

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** validation.IsEnvVarName. */
export function isEnvVarName(name: string): boolean {
  return ENV_VAR_NAME.test(name);
}

function decodeSecretValue(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

/** kubelet's podFieldSelectorRuntimeValue. */
export function podFieldSelectorRuntimeValue(fs: ObjectFieldSelector, pod: Pod, context: EnvContext): string {
  const podIPs = context.podIPs ?? (context.podIP ? [context.podIP] : []);
  const hostIPs = context.hostIPs ?? (context.hostIP ? [context.hostIP] : []);
  switch (fs.fieldPath) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? context.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIPs[0] ?? '';
    case 'status.hostIPs':
      return hostIPs.join(',');
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
  }
  return extractFieldPathAsString(pod, fs.fieldPath);
}

async function cached<T>(cache: Map<string, T | undefined>, name: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
  if (!cache.has(name)) cache.set(name, await load());
  return cache.get(name);
}

function fail(err: unknown): never {
  if (err instanceof CreateContainerConfigError) throw err;
  throw new CreateContainerConfigError(err instanceof Error ? err.message : String(err));
}

/** The environment as ["NAME=value", ...]; throws CreateContainerConfigError with upstream's message. */
export async function containerEnv(pod: Pod, container: Container, sources: EnvSources, context: EnvContext): Promise<string[]> {
  const env = await containerEnvMap(pod, container, sources, context);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** The same environment as an ordered map (for expanding command and args). */
export async function containerEnvMap(pod: Pod, container: Container, sources: EnvSources, context: EnvContext): Promise<Map<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const serviceEnv = context.serviceEnv ?? {};
  const configMaps = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const getConfigMap = (name: string) => cached(configMaps, name, () => sources.getConfigMap(namespace, name)).catch(fail);
  const getSecret = (name: string) => cached(secrets, name, () => sources.getSecret(namespace, name)).catch(fail);
  const tmpEnv = new Map<string, string>();

  for (const envFrom of container.envFrom ?? []) {
    const prefix = envFrom.prefix ?? '';
    let data: Record<string, string>;
    let what: string;
    let name: string;
    if (envFrom.configMapRef) {
      name = envFrom.configMapRef.name ?? '';
      const cm = await getConfigMap(name);
      if (!cm) {
        if (envFrom.configMapRef.optional) continue;
        throw new CreateContainerConfigError(`configmap "${name}" not found`);
      }
      data = cm.data ?? {};
      what = 'configMap';
    } else if (envFrom.secretRef) {
      name = envFrom.secretRef.name ?? '';
      const secret = await getSecret(name);
      if (!secret) {
        if (envFrom.secretRef.optional) continue;
        throw new CreateContainerConfigError(`secret "${name}" not found`);
      }
      data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
      for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = v;
      what = 'secret';
    } else {
      continue;
    }
    const invalidKeys: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const k = prefix + key;
      if (!isEnvVarName(k)) {
        invalidKeys.push(k);
        continue;
      }
      tmpEnv.set(k, value);
    }
    if (invalidKeys.length > 0) {
      invalidKeys.sort();
      context.onEvent?.(
        'Warning',
        'InvalidEnvironmentVariableNames',
        `Keys [${invalidKeys.join(', ')}] from the EnvFrom ${what} ${namespace}/${name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  const mapping = mappingFuncFor(tmpEnv, serviceEnv);
  for (const envVar of container.env ?? []) {
    const value = await resolveEnvVar(envVar, pod, container, context, mapping, getConfigMap, getSecret, namespace);
    if (value === undefined) continue;
    tmpEnv.set(envVar.name, value);
  }
  for (const [k, v] of Object.entries(serviceEnv)) {
    if (!tmpEnv.has(k)) tmpEnv.set(k, v);
  }
  return tmpEnv;
}

/** The value of one env entry; undefined when an optional source is missing (the variable is left out). */
async function resolveEnvVar(
  envVar: EnvVar,
  pod: Pod,
  container: Container,
  context: EnvContext,
  mapping: (name: string) => string,
  getConfigMap: (name: string) => Promise<ConfigMap | undefined>,
  getSecret: (name: string) => Promise<Secret | undefined>,
  namespace: string,
): Promise<string | undefined> {
  if (envVar.value) return expand(envVar.value, mapping);
  const from = envVar.valueFrom;
  if (!from) return '';
  try {
    if (from.fieldRef) return podFieldSelectorRuntimeValue(from.fieldRef, pod, context);
    if (from.resourceFieldRef) {
      const fs = from.resourceFieldRef;
      if (fs.containerName) return extractResourceValueByContainerName(fs, pod, fs.containerName, context.nodeAllocatable);
      return extractContainerResourceValue(fs, withAllocatableLimits(container, context.nodeAllocatable));
    }
  } catch (err) {
    fail(err);
  }
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = await getConfigMap(name);
    if (!cm) {
      if (optional) return undefined;
      throw new CreateContainerConfigError(`configmap "${name}" not found`);
    }
    const value = cm.data?.[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new CreateContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
    }
    return value;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const secret = await getSecret(name);
    if (!secret) {
      if (optional) return undefined;
      throw new CreateContainerConfigError(`secret "${name}" not found`);
    }
    const raw = secret.data?.[key];
    const value = raw !== undefined ? decodeSecretValue(raw) : secret.stringData?.[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new CreateContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
    }
    return value;
  }
  return '';
}

/** kubecontainer.ExpandContainerCommandAndArgs: $(VAR) in command and args from the container's env. */
export function expandContainerCommandAndArgs(container: Container, env: Map<string, string> | Record<string, string>): { command?: string[]; args?: string[] } {
  const mapping = mappingFuncFor(env);
  return {
    ...(container.command?.length ? { command: container.command.map((c) => expand(c, mapping)) } : {}),
    ...(container.args?.length ? { args: container.args.map((a) => expand(a, mapping)) } : {}),
  };
}
