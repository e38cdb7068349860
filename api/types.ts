// The TypeScript types of every object k8ts serves, re-exported from `kubernetes-types` (generated
// from upstream's OpenAPI, types only) so programs import object types from api/ alone.
export type * from 'kubernetes-types/core/v1.js';
export type { Deployment, DeploymentList, DeploymentSpec, DeploymentStatus, ReplicaSet, ReplicaSetList, DaemonSet, DaemonSetList, StatefulSet, StatefulSetList, ControllerRevision } from 'kubernetes-types/apps/v1.js';
export type { Job, JobList, JobSpec, JobStatus, CronJob, CronJobList } from 'kubernetes-types/batch/v1.js';
export type { Lease, LeaseList, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
export type { EndpointSlice, EndpointSliceList, Endpoint as SliceEndpoint, EndpointPort as SliceEndpointPort } from 'kubernetes-types/discovery/v1.js';
export type { Ingress, IngressList, IngressClass, IngressClassList } from 'kubernetes-types/networking/v1.js';
export type { Role, RoleList, ClusterRole, ClusterRoleList, RoleBinding, RoleBindingList, ClusterRoleBinding, ClusterRoleBindingList, PolicyRule, Subject, RoleRef } from 'kubernetes-types/rbac/v1.js';
export type { StorageClass, StorageClassList } from 'kubernetes-types/storage/v1.js';
export type { PriorityClass, PriorityClassList } from 'kubernetes-types/scheduling/v1.js';
export type { Scale } from 'kubernetes-types/autoscaling/v1.js';
export type { ObjectMeta, ListMeta, LabelSelector, LabelSelectorRequirement, OwnerReference, ManagedFieldsEntry, Time, MicroTime, DeleteOptions, WatchEvent, Status as MetaStatus } from 'kubernetes-types/meta/v1.js';
