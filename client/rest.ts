// The typed REST client: one ResourceClient per resource of api/resources.ts, building upstream's
// paths and query parameters, plus raw requests and discovery. Must never hard-code a resource's
// names (the catalogue is the one source), nor retry a write (the transport decides what is safe).
import type { IncomingMessage } from 'node:http';
import type { Status } from '../api/errors.js';
import {
  apiVersionOf,
  findByKind,
  parseApiVersion,
  resolveResourceName,
  type ResourceInfo,
} from '../api/resources.js';
import type { ClientConfig } from './config.js';
import { createTransport, type QueryValue, type RequestOptions, type Transport, type TransportOptions } from './transport.js';
import { parseWatchStream, WatchStreamError } from './watch-stream.js';
import { ConnectionError } from './errors.js';
import type { KubeList, KubeObject } from './objects.js';
import type {
  DeleteOptions,
  ListOptions,
  PatchOptions,
  PatchType,
  ResourceClient,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from './types.js';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** autoscaling/v1 Scale, what the `scale` subresource reads and writes. */
export interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/** What `raw` accepts besides method, path and body. */
export type RawOptions = Omit<RequestOptions, 'method' | 'path' | 'body'>;

/** The path of a collection or object: `/api/v1/namespaces/NS/pods/NAME/status`. */
export function resourcePath(res: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let p = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  if (res.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${res.plural}`;
  if (name !== undefined) {
    if (!name) throw new Error(`resource name may not be empty`);
    p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}

export function listQuery(options: ListOptions = {}): Record<string, QueryValue> {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continue,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
    timeoutSeconds: options.timeoutSeconds,
  };
}

export function watchQuery(options: WatchOptions = {}): Record<string, QueryValue> {
  return {
    watch: 'true',
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    resourceVersion: options.resourceVersion,
    allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
    timeoutSeconds: options.timeoutSeconds,
  };
}

export function writeQuery(options: PatchOptions = {}): Record<string, QueryValue> {
  return {
    dryRun: options.dryRun ? 'All' : undefined,
    fieldManager: options.fieldManager,
    fieldValidation: options.fieldValidation,
    force: options.force === undefined ? undefined : String(options.force),
  };
}

/** A meta/v1 DeleteOptions body. */
export function deleteBody(options: DeleteOptions = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
  if (options.preconditions) body.preconditions = options.preconditions;
  if (options.dryRun) body.dryRun = ['All'];
  return body;
}

/** A client for one resource; see ResourceClient. Extra helpers for the scale and binding subresources. */
export class RestResourceClient<T extends KubeObject = KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly transport: Transport,
    readonly info: ResourceInfo,
    /** Used when a call gives no namespace and the object names none (single-object calls only). */
    readonly defaultNamespace?: string,
  ) {}

  /** Namespace for a call on one object of a namespaced resource. */
  private ns(namespace: string | undefined, object?: KubeObject): string | undefined {
    if (!this.info.namespaced) return undefined;
    const ns = namespace || object?.metadata?.namespace || this.defaultNamespace;
    if (!ns) throw new Error(`${this.describe()} is namespaced: a namespace is required`);
    return ns;
  }

  /** Namespace for a collection call: undefined means all namespaces. */
  private collectionNs(namespace: string | undefined): string | undefined {
    return this.info.namespaced ? namespace || this.defaultNamespace : undefined;
  }

  private describe(): string {
    return this.info.group ? `${this.info.plural}.${this.info.group}` : this.info.plural;
  }

  private nameOf(object: KubeObject): string {
    const name = object.metadata?.name;
    if (!name) throw new Error(`${this.describe()}: the object has no metadata.name`);
    return name;
  }

  private requireSubresource(name: string): void {
    if (!this.info.subresources.some((s) => s.name === name)) {
      throw new Error(`${this.describe()} has no ${name} subresource`);
    }
  }

  /** Fills apiVersion and kind when the caller left them out (the server requires them). */
  private typed(object: T): T {
    if (object.apiVersion && object.kind) return object;
    return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(this.info), kind: object.kind ?? this.info.kind };
  }

  get(name: string, namespace?: string): Promise<T> {
    return this.transport.requestJSON<T>({ method: 'GET', path: resourcePath(this.info, this.ns(namespace), name) });
  }

  list(options: ListOptions = {}, namespace?: string): Promise<KubeList<T>> {
    return this.transport.requestJSON<KubeList<T>>({
      method: 'GET',
      path: resourcePath(this.info, this.collectionNs(namespace)),
      query: listQuery(options),
      timeoutMs: options.timeoutSeconds !== undefined ? (options.timeoutSeconds + 30) * 1000 : undefined,
    });
  }

  /** Every page of a list (`limit` + `continue`), items concatenated; metadata of the last page. */
  async listAll(options: ListOptions = {}, namespace?: string): Promise<KubeList<T>> {
    const first = await this.list(options, namespace);
    const items = [...first.items];
    let page = first;
    while (page.metadata?.continue) {
      page = await this.list({ ...options, continue: page.metadata.continue, resourceVersion: undefined, resourceVersionMatch: undefined }, namespace);
      items.push(...page.items);
    }
    return { ...page, metadata: { ...page.metadata, continue: undefined }, items };
  }

  create(object: T, options: WriteOptions = {}, namespace?: string): Promise<T> {
    return this.transport.requestJSON<T>({
      method: 'POST',
      path: resourcePath(this.info, this.ns(namespace, object)),
      query: writeQuery(options),
      body: this.typed(object),
    });
  }

  update(object: T, options: WriteOptions = {}): Promise<T> {
    return this.transport.requestJSON<T>({
      method: 'PUT',
      path: resourcePath(this.info, this.ns(undefined, object), this.nameOf(object)),
      query: writeQuery(options),
      body: this.typed(object),
    });
  }

  updateStatus(object: T, options: WriteOptions = {}): Promise<T> {
    this.requireSubresource('status');
    return this.transport.requestJSON<T>({
      method: 'PUT',
      path: resourcePath(this.info, this.ns(undefined, object), this.nameOf(object), 'status'),
      query: writeQuery(options),
      body: this.typed(object),
    });
  }

  patch(name: string, type: PatchType, patch: unknown, options: PatchOptions = {}, namespace?: string, subresource?: 'status' | 'scale'): Promise<T> {
    const contentType = PATCH_CONTENT_TYPES[type];
    if (!contentType) throw new Error(`unknown patch type ${JSON.stringify(type)}: use json, merge, strategic or apply`);
    if (type === 'apply' && !options.fieldManager) {
      throw new Error('a server-side apply patch requires options.fieldManager (e.g. "kubectl" or the controller\'s name)');
    }
    if (type !== 'apply' && options.force !== undefined) {
      throw new Error('options.force applies only to server-side apply patches');
    }
    if (subresource) this.requireSubresource(subresource);
    return this.transport.requestJSON<T>({
      method: 'PATCH',
      path: resourcePath(this.info, this.ns(namespace), name, subresource),
      query: writeQuery(options),
      contentType,
      body: typeof patch === 'string' || Buffer.isBuffer(patch) ? patch : JSON.stringify(patch),
    });
  }

  delete(name: string, options: DeleteOptions = {}, namespace?: string): Promise<T | KubeObject> {
    return this.transport.requestJSON<T | KubeObject>({
      method: 'DELETE',
      path: resourcePath(this.info, this.ns(namespace), name),
      query: { dryRun: options.dryRun ? 'All' : undefined },
      body: deleteBody(options),
    });
  }

  deleteCollection(options: ListOptions & DeleteOptions = {}, namespace?: string): Promise<KubeList<T>> {
    const ns = this.info.namespaced ? this.ns(namespace) : undefined;
    return this.transport.requestJSON<KubeList<T>>({
      method: 'DELETE',
      path: resourcePath(this.info, ns),
      query: { ...listQuery(options), dryRun: options.dryRun ? 'All' : undefined },
      body: deleteBody(options),
    });
  }

  async *watch(options: WatchOptions = {}, namespace?: string): AsyncIterable<WatchEvent<T>> {
    const { signal } = options;
    if (signal?.aborted) return;
    let res: IncomingMessage;
    try {
      res = await this.transport.stream({
        method: 'GET',
        path: resourcePath(this.info, this.collectionNs(namespace)),
        query: watchQuery(options),
        signal,
        timeoutMs: 0,
      });
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    try {
      for await (const event of parseWatchStream(res)) {
        yield event as WatchEvent<T>;
      }
    } catch (err) {
      if (signal?.aborted) return;
      if (err instanceof WatchStreamError) throw err;
      // The stream broke after the server accepted the watch: a connection failure, not a Status.
      throw new ConnectionError(`watch ${this.describe()}: ${(err as Error).message ?? String(err)}`, { cause: err });
    } finally {
      // The consumer stopped early (break/return) or the stream failed: release the socket.
      if (!res.destroyed) res.destroy();
    }
  }

  /** GET the autoscaling/v1 Scale (deployments, replicasets, statefulsets). */
  scale(name: string, namespace?: string): Promise<Scale> {
    this.requireSubresource('scale');
    return this.transport.requestJSON<Scale>({ method: 'GET', path: resourcePath(this.info, this.ns(namespace), name, 'scale') });
  }

  /** PUT a Scale (its metadata.resourceVersion, when set, is a precondition). */
  updateScale(name: string, scale: Scale, options: WriteOptions = {}, namespace?: string): Promise<Scale> {
    this.requireSubresource('scale');
    const body: Scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', ...scale, metadata: { ...scale.metadata, name } };
    return this.transport.requestJSON<Scale>({
      method: 'PUT',
      path: resourcePath(this.info, this.ns(namespace, scale), name, 'scale'),
      query: writeQuery(options),
      body,
    });
  }

  /** POST a Binding of a pod to a node (what the scheduler does); answers a Success Status. */
  bind(podName: string, namespace: string | undefined, nodeName: string, options: WriteOptions = {}): Promise<Status> {
    this.requireSubresource('binding');
    const ns = this.ns(namespace);
    return this.transport.requestJSON<Status>({
      method: 'POST',
      path: resourcePath(this.info, ns, podName, 'binding'),
      query: writeQuery(options),
      body: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: podName, namespace: ns },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      },
    });
  }
}

/** Version info of `/version`. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  [key: string]: unknown;
}

export interface Client {
  readonly config: ClientConfig;
  readonly transport: Transport;
  /** What users type: `po`, `pod`, `pods`, `deployments.apps`, `Deployment`. */
  resource<T extends KubeObject = KubeObject>(name: string, namespace?: string): RestResourceClient<T>;
  /** The resource of an object's apiVersion and kind. */
  forKind<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): RestResourceClient<T>;
  /** Any request; the answer parsed as JSON (undefined for an empty body). */
  raw<R = unknown>(method: string, path: string, body?: unknown, options?: RawOptions): Promise<R>;
  discovery: {
    version(): Promise<VersionInfo>;
    /** `/api` (APIVersions). */
    coreVersions(): Promise<{ versions: string[] } & KubeObject>;
    /** `/apis` (APIGroupList). */
    groups(): Promise<{ groups: { name: string; versions: { groupVersion: string; version: string }[] }[] } & KubeObject>;
    /** `/api/v1` or `/apis/G/V` (APIResourceList). */
    resources(groupVersion: string): Promise<{ groupVersion: string; resources: { name: string; kind: string; namespaced: boolean; verbs: string[]; shortNames?: string[] }[] } & KubeObject>;
  };
  /** Closes idle keep-alive connections. */
  close(): void;
}

export interface ClientOptions extends TransportOptions {
  /** Use an existing transport (tests, sharing one agent). */
  transport?: Transport;
}

export function createClient(config: ClientConfig, options: ClientOptions = {}): Client {
  const transport = options.transport ?? createTransport(config, options);
  const clients = new Map<string, RestResourceClient>();
  const clientFor = <T extends KubeObject>(info: ResourceInfo, namespace?: string): RestResourceClient<T> => {
    const key = `${info.group}/${info.plural}/${namespace ?? ''}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new RestResourceClient(transport, info, namespace)));
    return client as unknown as RestResourceClient<T>;
  };
  return {
    config,
    transport,
    resource<T extends KubeObject>(name: string, namespace?: string) {
      const info = resolveResourceName(name);
      if (!info) throw new Error(`the server doesn't have a resource type "${name}"`);
      return clientFor<T>(info, namespace);
    },
    forKind<T extends KubeObject>(apiVersion: string, kind: string, namespace?: string) {
      const { group, version } = parseApiVersion(apiVersion);
      const info = findByKind(group, version, kind);
      if (!info) throw new Error(`no matches for kind "${kind}" in version "${apiVersion}"`);
      return clientFor<T>(info, namespace);
    },
    raw<R>(method: string, path: string, body?: unknown, rawOptions: RawOptions = {}) {
      return transport.requestJSON<R>({ ...rawOptions, method: method.toUpperCase(), path, body });
    },
    discovery: {
      version: () => transport.requestJSON({ method: 'GET', path: '/version' }),
      coreVersions: () => transport.requestJSON({ method: 'GET', path: '/api' }),
      groups: () => transport.requestJSON({ method: 'GET', path: '/apis' }),
      resources: (groupVersion: string) =>
        transport.requestJSON({ method: 'GET', path: groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}` }),
    },
    close: () => transport.close(),
  };
}
