// The public API of client/: what daemons and the CLI import. Only re-exports; no logic here.
// Must never export transport internals that would let a caller bypass TLS verification.
export type { ClientConfig, ResolveOptions } from './config.js';
export { resolveConfig } from './config.js';
export type { KubeconfigOptions, MergedKubeconfig, ClusterEntry, ContextEntry, UserEntry } from './kubeconfig.js';
export { loadClientConfig, loadKubeconfigFiles, kubeconfigPaths, clientConfigFrom } from './kubeconfig.js';
export type { InClusterOptions } from './in-cluster.js';
export { inClusterConfig, isInCluster, FileTokenSource, SERVICE_ACCOUNT_DIR, NOT_IN_CLUSTER } from './in-cluster.js';
export type { Transport, TransportOptions, RequestOptions, RawResponse, QueryValue } from './transport.js';
export { createTransport, defaultUserAgent, DEFAULT_TIMEOUT_MS } from './transport.js';
export { ConnectionError, statusErrorFrom, isStatus } from './errors.js';
export { parseWatchStream, WatchStreamError } from './watch-stream.js';
export type { Client, ClientOptions, RawOptions, Scale, VersionInfo } from './rest.js';
export { createClient, RestResourceClient, PATCH_CONTENT_TYPES, resourcePath } from './rest.js';
export type * from './types.js';
export type * from './objects.js';
// The error classes callers test with instanceof.
export {
  StatusError,
  NotFoundError,
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  GoneError,
  ServiceUnavailableError,
  TooManyRequestsError,
  TimeoutError,
  InternalError,
  MethodNotAllowedError,
  NotAcceptableError,
  RequestEntityTooLargeError,
  UnsupportedMediaTypeError,
} from '../api/errors.js';
export type { Status, StatusDetails, StatusCause } from '../api/errors.js';
// The machinery built on the client (informers, work queue, leader election, events).
export type { Informer, InformerOptions, AddHandler, UpdateHandler, DeleteHandler } from './informer.js';
export { createInformer } from './informer.js';
export type { ReadonlyStore, Indexers, IndexFunc } from './cache.js';
export { Store, keyOf, splitKey, builtinIndexers, NAMESPACE_INDEX, LABEL_INDEX, NODE_NAME_INDEX } from './cache.js';
export type { WorkQueue, WorkQueueOptions } from './workqueue.js';
export { createWorkQueue } from './workqueue.js';
export type { RateLimiter } from './rate-limiter.js';
export { defaultControllerRateLimiter } from './rate-limiter.js';
export type { LeaderElectionOptions, LeaderElector } from './leader-election.js';
export { createLeaderElector, runLeaderElection } from './leader-election.js';
export type { EventRecorder, EventRecorderOptions, EventType } from './event-recorder.js';
export { createEventRecorder } from './event-recorder.js';
// The health and metrics port of daemons.
export type { HealthCheck, HealthServer, ServingOptions } from './serving.js';
export { startHealthServer, selfSignedCertificate } from './serving.js';
