// The discovery documents in one import for the routes: /version, legacy and aggregated discovery,
// and the Accept negotiation between them. Re-exports only.
export { versionInfo, type VersionInfo } from './version.js';
export { apiVersions, apiGroupList, apiGroup, apiResourceList, storageVersionHash } from './legacy.js';
export type { APIVersions, APIGroupList, APIGroup, APIResourceList, APIResource } from './legacy.js';
export { aggregatedDiscovery, type APIGroupDiscoveryList, type AggregatedApiVersion } from './aggregated.js';
export {
  negotiateDiscovery,
  AGGREGATED_V2_CONTENT_TYPE,
  AGGREGATED_V2BETA1_CONTENT_TYPE,
  LEGACY_CONTENT_TYPE,
  type DiscoveryKind,
} from './negotiate.js';
