// Keeps metadata.managedFields current on every write that is not an apply, through the patch
// module's field-ownership tracking. Apply requests record their own ownership in apply.ts.
import { recordUpdateManagedFields } from '../patch/apply.js';
import type { KubeObject } from './codec.js';
import type { WriteContext } from './context.js';

export function recordManagedFields(oldObj: KubeObject | undefined, newObj: KubeObject, ctx: WriteContext, operation: 'Update'): void {
  const result = recordUpdateManagedFields(oldObj, newObj, ctx.fieldManager, operation, newObj.apiVersion ?? '');
  if (result && typeof result === 'object' && result !== newObj) Object.assign(newObj, result);
}
