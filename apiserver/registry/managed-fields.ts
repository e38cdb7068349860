// Keeps metadata.managedFields current on every write that is not an apply, through the patch
// module's field-ownership tracking. Apply requests record their own ownership in apply.ts.
import { recordUpdateManagedFields } from '../patch/apply.js';
import type { KubeObject } from './codec.js';
import type { WriteContext } from './context.js';

export function recordManagedFields(oldObj: KubeObject | undefined, newObj: KubeObject, ctx: WriteContext, operation: 'Update'): void {
  if (ctx.applying) return;
  const result = recordUpdateManagedFields(oldObj, newObj, ctx.fieldManager, operation, newObj.apiVersion ?? '') as KubeObject;
  const managedFields = result.metadata?.managedFields;
  newObj.metadata ??= {};
  if (managedFields === undefined) delete newObj.metadata.managedFields;
  else newObj.metadata.managedFields = managedFields;
}
