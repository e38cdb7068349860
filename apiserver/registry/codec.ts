// Turns objects into stored values and back. resourceVersion is never stored: it is the etcd
// revision, filled in on every read. The only place that (de)serializes stored objects.
import type { KeyValue } from '../storage/interface.js';

export type KubeObject = Record<string, any> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, any>;
};

export function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, selfLink: _sl, ...metadata } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata });
}

export function decode(value: string, revision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

export function decodeKv(kv: KeyValue): KubeObject {
  return decode(kv.value, kv.modRevision);
}
