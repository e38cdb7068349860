// The `kubectl.kubernetes.io/last-applied-configuration` annotation as kubectl writes it
// (util.GetModifiedConfiguration): Go-encoded JSON of the object without that annotation, plus "\n".
// Pure functions on plain objects; never sends a request.
import { goJson } from '../printers/go-json.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;

function withAnnotations(obj: Obj, annotations: Record<string, unknown>): Obj {
  const metadata = { ...((obj.metadata as Obj | undefined) ?? {}), annotations };
  return { ...obj, metadata };
}

/**
 * The object as apply sends it: its annotations (an empty map when it had none, as kubectl's
 * unstructured SetAnnotations leaves it) plus, with `annotate`, the last-applied annotation.
 */
export function modifiedConfiguration(obj: Obj, annotate: boolean): { object: Obj; lastApplied: string } {
  const annotations = { ...(((obj.metadata as Obj | undefined)?.annotations as Obj | undefined) ?? {}) };
  delete annotations[LAST_APPLIED];
  const lastApplied = goJson(withAnnotations(obj, annotations)) + '\n';
  if (!annotate) return { object: withAnnotations(obj, annotations), lastApplied };
  return { object: withAnnotations(obj, { ...annotations, [LAST_APPLIED]: lastApplied }), lastApplied };
}

/** The last-applied configuration stored on a live object, parsed; undefined when absent or empty. */
export function lastAppliedOf(obj: Obj): Obj | undefined {
  const value = ((obj.metadata as Obj | undefined)?.annotations as Record<string, string> | undefined)?.[LAST_APPLIED];
  if (!value) return undefined;
  return JSON.parse(value) as Obj;
}
