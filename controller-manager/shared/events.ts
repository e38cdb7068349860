// Objects from a list or watch cache carry no apiVersion/kind, which an Event's involvedObject
// needs: this names them before they reach the event recorder. Pure; returns a shallow copy.
import type { KubeObject } from '../../client/index.js';

/** The object with its apiVersion and kind set, for EventRecorder.event(). */
export function eventTarget(obj: Readonly<KubeObject>, apiVersion: string, kind: string): KubeObject {
  return { apiVersion, kind, metadata: obj.metadata };
}
