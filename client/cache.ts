// Owns the informer's cache: objects keyed by `namespace/name` (or `name` when cluster-scoped), with
// indexes (client-go's cache.Indexer). Objects are deep-frozen on the way in, so users can never
// mutate the cache; they must structuredClone() before changing anything. Never does I/O.
import type { KubeObject } from './objects.js';

/** Returns the index values an object files under (e.g. its namespace); [] for none. */
export type IndexFunc<T> = (obj: T) => string[];
export type Indexers<T> = Record<string, IndexFunc<T>>;

export const NAMESPACE_INDEX = 'byNamespace';
export const LABEL_INDEX = 'byLabel';
export const NODE_NAME_INDEX = 'byNodeName';

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects. */
export function keyOf(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error('object has no metadata.name');
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** client-go's SplitMetaNamespaceKey. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1) return { name: parts[0] };
  if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
  throw new Error(`unexpected key format: "${key}"`);
}

/** client-go's MetaNamespaceIndexFunc: the namespace ('' for cluster-scoped objects). */
export function namespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata?.namespace ?? ''];
}

/** One `label=value` entry per label. */
export function labelIndexFunc(obj: KubeObject): string[] {
  return Object.entries(obj.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);
}

/** A pod's spec.nodeName; unbound pods and other kinds are not indexed. */
export function nodeNameIndexFunc(obj: KubeObject): string[] {
  const spec = obj.spec as { nodeName?: unknown } | undefined;
  return typeof spec?.nodeName === 'string' && spec.nodeName !== '' ? [spec.nodeName] : [];
}

export function builtinIndexers<T extends KubeObject>(): Indexers<T> {
  return { [NAMESPACE_INDEX]: namespaceIndexFunc, [LABEL_INDEX]: labelIndexFunc, [NODE_NAME_INDEX]: nodeNameIndexFunc };
}

/** What listers see: read-only objects (deep-frozen at runtime). */
export interface ReadonlyStore<T extends KubeObject = KubeObject> {
  /** By key, or by an object whose key is computed with keyOf. */
  get(keyOrObject: string | T): Readonly<T> | undefined;
  getByKey(key: string): Readonly<T> | undefined;
  list(): Readonly<T>[];
  listKeys(): string[];
  /** Objects whose index function returned value, e.g. byIndex('byLabel', 'app=web'). Throws for an unknown index. */
  byIndex(indexName: string, value: string): Readonly<T>[];
  /** The keys byIndex would return. */
  indexKeys(indexName: string, value: string): string[];
  /** The values an index currently holds. */
  listIndexValues(indexName: string): string[];
  readonly size: number;
}

/** Freezes obj and everything it reaches; returns obj. */
export function deepFreeze<T>(obj: T): T {
  if (obj !== null && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const value of Object.values(obj as object)) deepFreeze(value);
  }
  return obj;
}

/**
 * The store with indexes. JS runs one task at a time, so every method is atomic; nothing here awaits.
 * Only the informer writes to it; everyone else gets it as a ReadonlyStore.
 */
export class Store<T extends KubeObject = KubeObject> implements ReadonlyStore<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers: Indexers<T>;
  /** index name -> value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Indexers<T> = {}) {
    const builtins = builtinIndexers<T>();
    for (const name of Object.keys(indexers)) {
      if (name in builtins) throw new Error(`indexer "${name}" already exists`);
    }
    this.indexers = { ...builtins, ...indexers };
    for (const name of Object.keys(this.indexers)) this.indices.set(name, new Map());
  }

  get size(): number {
    return this.items.size;
  }

  get(keyOrObject: string | T): Readonly<T> | undefined {
    return this.items.get(typeof keyOrObject === 'string' ? keyOrObject : keyOf(keyOrObject));
  }

  getByKey(key: string): Readonly<T> | undefined {
    return this.items.get(key);
  }

  list(): Readonly<T>[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  byIndex(indexName: string, value: string): Readonly<T>[] {
    return this.indexKeys(indexName, value).map((key) => this.items.get(key)!);
  }

  indexKeys(indexName: string, value: string): string[] {
    return [...(this.index(indexName).get(value) ?? [])];
  }

  listIndexValues(indexName: string): string[] {
    return [...this.index(indexName).keys()];
  }

  /** Adds or replaces obj (deep-freezing it); returns the object it replaced. */
  put(obj: T): Readonly<T> | undefined {
    const key = keyOf(obj);
    deepFreeze(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.indexObject(key, obj);
    return old;
  }

  /** Removes the object under key; returns it. */
  delete(key: string): Readonly<T> | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private index(indexName: string): Map<string, Set<string>> {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`Index with name ${indexName} does not exist`);
    return index;
  }

  private indexObject(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of new Set(fn(obj))) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of new Set(fn(obj))) {
        const keys = index.get(value);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }
}
