// Upstream names of the definitions that are not plain structs: scalars with their own JSON form
// and free-form objects. Constants only; shared by the generator and the runtime walkers.

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const FIELDS_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1';
export const JSON_DEF = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON';
export const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Fields of these types accept any JSON value. */
export const FREE_FORM: ReadonlySet<string> = new Set([RAW_EXTENSION, FIELDS_V1, JSON_DEF]);
