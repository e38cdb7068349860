// The public face of Kubernetes protobuf support: decoding request bodies that stock kubectl sends
// as application/vnd.kubernetes.protobuf. Responses are never encoded as protobuf here.

export { decodeKubernetesProtobuf, PROTOBUF_CONTENT_TYPE, PROTOBUF_PREFIX } from './decode.js';
