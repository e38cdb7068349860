// Admission plugin NamespaceLifecycle: nothing is created in a namespace that does not exist
// (404 NotFound) or is being terminated (403 Forbidden with a NamespaceTerminating cause), as
// upstream. Namespaces themselves and cluster-scoped objects pass. Only creates are checked: an
// object cannot outlive its namespace, so an update's namespace read would only cost. Reads only.
import { NotFoundError } from '../../api/errors.js';
import { findByPlural } from '../../api/resources.js';
import { forbidden, type AdmissionPlugin } from './types.js';

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async admit(attrs, reader) {
    if (attrs.operation !== 'CREATE' || !attrs.namespace || !attrs.resource.namespaced) return;
    if (attrs.resource.group === '' && attrs.resource.plural === 'namespaces') return;
    const ns = await reader.get('', 'namespaces', undefined, attrs.namespace);
    if (!ns) throw new NotFoundError(findByPlural('', 'v1', 'namespaces')!, attrs.namespace);
    if (ns.status?.phase !== 'Terminating' && !ns.metadata?.deletionTimestamp) return;
    throw forbidden(attrs, `unable to create new content in namespace ${attrs.namespace} because it is being terminated`, [
      { type: 'NamespaceTerminating', message: `namespace ${attrs.namespace} is being terminated`, field: 'metadata.namespace' },
    ]);
  },
};
