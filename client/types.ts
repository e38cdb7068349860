// The shapes the client/ library's parts agree on: a resource client (one resource of the
// catalogue, optionally bound to a namespace), its options and watch events. Implemented by rest.ts;
// informers, leader election and the event recorder depend only on these shapes.
import type { KubeList, KubeObject } from './objects.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  timeoutSeconds?: number;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  /** Ends the watch (the iterator finishes) when aborted. */
  signal?: AbortSignal;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  /** The object; for ERROR a metav1.Status; for BOOKMARK only metadata.resourceVersion is meaningful. */
  object: T;
}

/**
 * One resource, e.g. pods, for one namespace (`namespace` given) or for all namespaces / a
 * cluster-scoped resource (`namespace` undefined). Errors are StatusErrors (api/errors.ts).
 */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  get(name: string, namespace?: string): Promise<T>;
  list(options?: ListOptions, namespace?: string): Promise<KubeList<T>>;
  create(object: T, options?: WriteOptions, namespace?: string): Promise<T>;
  update(object: T, options?: WriteOptions): Promise<T>;
  updateStatus(object: T, options?: WriteOptions): Promise<T>;
  patch(name: string, type: PatchType, patch: unknown, options?: PatchOptions, namespace?: string, subresource?: 'status' | 'scale'): Promise<T>;
  delete(name: string, options?: DeleteOptions, namespace?: string): Promise<T | KubeObject>;
  deleteCollection(options?: ListOptions & DeleteOptions, namespace?: string): Promise<KubeList<T>>;
  /** Events until the server ends the watch, the signal aborts, or the connection fails. */
  watch(options?: WatchOptions, namespace?: string): AsyncIterable<WatchEvent<T>>;
}
