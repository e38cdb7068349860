// Owns static pods from --pod-manifest-path, as upstream's file config source: one pod per file
// (YAML or JSON), named `<name>-<nodeName>`, uid from a hash of node, file and content, the
// config.hash/config.source annotations; read at start, on fs events and every 20 s. Never writes files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import type { Pod } from '../../api/types.js';
import { applyDefaults } from '../../api/defaults/index.js';

export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
/** Upstream's --file-check-frequency default. */
export const FILE_CHECK_MS = 20_000;

export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return source !== undefined && source !== 'api';
}

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/** A manifest's pod as the kubelet runs it (upstream's applyDefaults of the file source). */
export function staticPodFromManifest(obj: unknown, file: string, nodeName: string): Pod {
  if (!obj || typeof obj !== 'object') throw new Error('not an object');
  const pod = structuredClone(obj) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- built field by field below
  if (pod.kind !== 'Pod' || (pod.apiVersion ?? 'v1') !== 'v1') throw new Error(`kind must be Pod (apiVersion v1), got ${pod.apiVersion}/${pod.kind}`);
  if (!pod.metadata?.name) throw new Error('metadata.name is required');
  if (!pod.spec?.containers?.length) throw new Error('spec.containers is required');
  pod.apiVersion = 'v1';
  applyDefaults(pod);
  const hasher = createHash('md5');
  hasher.update(`host:${nodeName}`);
  hasher.update(`file:${file}`);
  hasher.update(JSON.stringify(pod));
  const uid = hasher.digest('hex');
  pod.metadata = {
    ...pod.metadata,
    name: `${pod.metadata.name}-${nodeName}`,
    namespace: pod.metadata.namespace || 'default',
    uid,
    annotations: { ...pod.metadata.annotations, [CONFIG_HASH_ANNOTATION]: uid, [CONFIG_SOURCE_ANNOTATION]: 'file', [CONFIG_SEEN_ANNOTATION]: new Date().toISOString() },
  };
  delete pod.metadata.resourceVersion;
  pod.spec!.nodeName = nodeName;
  pod.spec!.tolerations = [...(pod.spec!.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }];
  pod.status = { phase: 'Pending' };
  return pod as Pod;
}

export class StaticPodSource {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private lastKey: string | undefined;
  private readonly errors = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly nodeName: string,
    private readonly logger: Logger,
    private readonly onPods: (pods: Pod[]) => void,
    private readonly pollMs = FILE_CHECK_MS,
  ) {}

  start(signal: AbortSignal): void {
    this.scan();
    try {
      this.watcher = watch(this.dir, () => this.scan());
      this.watcher.on('error', () => undefined);
    } catch {
      // the folder may not exist yet: polling finds it later
    }
    this.timer = setInterval(() => this.scan(), this.pollMs);
    signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads the folder; calls onPods when the set of pods changed. */
  scan(): void {
    let files: string[] = [];
    try {
      files = readdirSync(this.dir).filter((f) => !f.startsWith('.')).sort();
    } catch {
      files = [];
    }
    const pods: Pod[] = [];
    for (const f of files) {
      const file = path.join(this.dir, f);
      try {
        if (!statSync(file).isFile()) continue;
        const text = readFileSync(file, 'utf8');
        const obj = f.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
        pods.push(staticPodFromManifest(obj, file, this.nodeName));
        this.errors.delete(file);
      } catch (err) {
        const message = (err as Error).message;
        if (this.errors.get(file) !== message) this.logger.warn({ file, err: message }, 'could not process manifest file');
        this.errors.set(file, message);
      }
    }
    const key = pods.map((p) => p.metadata!.uid).join(',');
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.onPods(pods);
  }
}
