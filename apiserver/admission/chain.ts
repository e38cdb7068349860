// Runs the admission plugins in order: every mutating phase first, then (after the store's own
// validation) every validating phase, as upstream's chainAdmissionHandler. The first refusal wins.
// Knows no plugin by name; plugins/index.ts lists them.
import { NotFoundError } from '../../api/errors.js';
import { findByPlural, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../registry/codec.js';
import type { ResourceStore } from '../registry/store.js';
import type { AdmissionAttributes, AdmissionPlugin, AdmissionReader } from './types.js';

export class AdmissionChain {
  private readonly reader: AdmissionReader;

  constructor(
    readonly plugins: readonly AdmissionPlugin[],
    stores: Map<ResourceInfo, ResourceStore>,
  ) {
    const storeOf = (group: string, plural: string) => {
      const res = [...stores.keys()].find((r) => r.group === group && r.plural === plural) ?? findByPlural(group, 'v1', plural);
      const store = res && stores.get(res);
      if (!store) throw new Error(`admission: no store for ${plural}${group ? `.${group}` : ''}`);
      return store;
    };
    this.reader = {
      async get(group, plural, namespace, name): Promise<KubeObject | undefined> {
        try {
          return await storeOf(group, plural).get(namespace, name);
        } catch (err) {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        }
      },
      async list(group, plural, namespace): Promise<KubeObject[]> {
        return (await storeOf(group, plural).list(namespace, {})).items;
      },
    };
  }

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit) await p.admit(attrs, this.reader);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(attrs, this.reader);
  }
}
