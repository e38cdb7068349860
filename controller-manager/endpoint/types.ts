// The object types the endpoint controllers handle: upstream's generated types made usable where
// the client expects a KubeObject. Types only.
import type { KubeObject } from '../../client/index.js';
import type * as api from '../../api/types.js';

export type { EndpointAddress, EndpointPort, EndpointSubset, ServicePort, SliceEndpoint, SliceEndpointPort } from '../../api/types.js';
export type Pod = api.Pod & KubeObject;
export type Service = api.Service & KubeObject;
export type Node = api.Node & KubeObject;
export type Endpoints = api.Endpoints & KubeObject;
export type EndpointSlice = api.EndpointSlice & KubeObject;
