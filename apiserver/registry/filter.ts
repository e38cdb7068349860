// Which stored objects a list or watch returns: label and field selectors of the query, checked
// against the fields the resource supports. Parsing errors are 400s, as upstream.
import { BadRequestError } from '../../api/errors.js';
import { parseSelector, SelectorParseError } from '../../api/labels.js';
import { parseFieldSelector, requireFieldsSupported } from '../../api/fields.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from './codec.js';
import { fieldGetter, selectableFields } from './fields.js';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export function matcherFor(res: ResourceInfo, query: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): (obj: KubeObject) => boolean {
  try {
    const labels = query.labelSelector ? parseSelector(query.labelSelector) : undefined;
    const fields = query.fieldSelector ? parseFieldSelector(query.fieldSelector) : undefined;
    if (fields) requireFieldsSupported(fields, selectableFields(res), res.plural);
    return (obj) => (!labels || labels.matches(obj.metadata?.labels ?? {})) && (!fields || fields.matches(fieldGetter(res, obj)));
  } catch (err) {
    if (err instanceof SelectorParseError) throw new BadRequestError(err.message);
    throw err;
  }
}
