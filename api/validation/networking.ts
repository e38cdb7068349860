// Validation of networking.k8s.io/v1 Ingress and IngressClass (upstream pkg/apis/networking/validation).
// Basic rules only: hosts, paths, pathType and backends. Never throws.

import { field } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.js';
import { PORT_RANGE_MSG, int, isObj, isValidPortNum, items, obj, str, type Errs, type Obj } from './util.js';

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

function validateBackend(b: Obj, p: string, errs: Errs): void {
  const svc = obj(b.service, `${p}.service`, errs);
  const res = obj(b.resource, `${p}.resource`, errs);
  if (svc && res) errs.push(field.invalid(p, '', 'cannot set both resource and service backends'));
  else if (!svc && !res) errs.push(field.invalid(p, '', 'resource or service backend is required'));
  if (svc) {
    const name = str(svc.name, `${p}.service.name`, errs) ?? '';
    if (name === '') errs.push(field.required(`${p}.service.name`, ''));
    else for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${p}.service.name`, name, m));
    const port = obj(svc.port, `${p}.service.port`, errs);
    const pname = port ? str(port.name, `${p}.service.port.name`, errs) ?? '' : '';
    const pnum = port ? int(port.number, `${p}.service.port.number`, errs) ?? 0 : 0;
    if (pname !== '' && pnum !== 0) errs.push(field.invalid(`${p}.service.port`, port, 'cannot set both port name & port number'));
    else if (pname === '' && pnum === 0) errs.push(field.invalid(`${p}.service.port`, port ?? null, 'port name or number is required'));
    else if (pnum !== 0 && !isValidPortNum(pnum)) errs.push(field.invalid(`${p}.service.port.number`, pnum, PORT_RANGE_MSG));
  }
  if (res) {
    if (typeof res.kind !== 'string' || res.kind === '') errs.push(field.required(`${p}.resource.kind`, ''));
    if (typeof res.name !== 'string' || res.name === '') errs.push(field.required(`${p}.resource.name`, ''));
  }
}

function validateHost(host: string, p: string, errs: Errs): void {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (host.includes('*') && !host.startsWith('*.')) {
    errs.push(field.invalid(p, host, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
    return;
  }
  for (const m of isDNS1123Subdomain(bare)) errs.push(field.invalid(p, host, m));
}

const ingress: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    const def = obj(spec.defaultBackend, 'spec.defaultBackend', errs);
    if (def) validateBackend(def, 'spec.defaultBackend', errs);
    const rules = items(spec.rules, 'spec.rules', errs);
    if (!def && rules.length === 0) errs.push(field.invalid('spec', spec, 'either `defaultBackend` or `rules` must be specified'));
    const cls = str(spec.ingressClassName, 'spec.ingressClassName', errs);
    if (cls !== undefined) for (const m of isDNS1123Subdomain(cls)) errs.push(field.invalid('spec.ingressClassName', cls, m));
    for (const [rule, p] of rules) {
      const host = str(rule.host, `${p}.host`, errs) ?? '';
      if (host !== '') validateHost(host, `${p}.host`, errs);
      const http = obj(rule.http, `${p}.http`, errs);
      if (!http) continue;
      const paths = items(http.paths, `${p}.http.paths`, errs);
      if (paths.length === 0) errs.push(field.required(`${p}.http.paths`, ''));
      for (const [path, pp] of paths) {
        const pathType = str(path.pathType, `${pp}.pathType`, errs);
        const value = str(path.path, `${pp}.path`, errs) ?? '';
        if (pathType === undefined) {
          if (path.pathType === undefined || path.pathType === null) errs.push(field.required(`${pp}.pathType`, 'pathType must be specified'));
        } else if (!PATH_TYPES.includes(pathType)) {
          errs.push(field.notSupported(`${pp}.pathType`, pathType, PATH_TYPES));
        } else if (pathType !== 'ImplementationSpecific' || value !== '') {
          if (!value.startsWith('/')) errs.push(field.invalid(`${pp}.path`, value, 'must be an absolute path'));
          else if (pathType !== 'ImplementationSpecific' && (value.includes('//') || /\/\.\.?(\/|$)/.test(value))) {
            errs.push(field.invalid(`${pp}.path`, value, "must not contain '//', '/./' or '/../' segments"));
          }
        }
        const backend = obj(path.backend, `${pp}.backend`, errs);
        if (backend) validateBackend(backend, `${pp}.backend`, errs);
        else errs.push(field.required(`${pp}.backend`, ''));
      }
    }
    for (const [tls, p] of items(spec.tls, 'spec.tls', errs)) {
      const hosts = Array.isArray(tls.hosts) ? tls.hosts : [];
      hosts.forEach((h, i) => {
        if (typeof h === 'string') validateHost(h, `${p}.hosts[${i}]`, errs);
        else errs.push(field.typeInvalid(`${p}.hosts[${i}]`, h, 'must be of type string'));
      });
    }
  },
};

const ingressClass: KindValidator = {
  name: 'subdomain',
  validate(o, errs) {
    const spec = obj(o.spec, 'spec', errs) ?? {};
    const controller = str(spec.controller, 'spec.controller', errs) ?? '';
    if (controller === '') errs.push(field.required('spec.controller', ''));
    else {
      if (controller.length > 250) errs.push(field.tooLong('spec.controller', 250));
      const prefix = controller.split('/')[0]!;
      for (const m of isQualifiedName(controller.includes('/') ? `${prefix}/x` : controller)) errs.push(field.invalid('spec.controller', controller, m));
    }
  },
  update(n, o, errs) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    if (ns.controller !== os.controller) errs.push(field.invalid('spec.controller', ns.controller ?? null, 'field is immutable'));
  },
};

export const NETWORKING_VALIDATORS: Record<string, KindValidator> = {
  Ingress: ingress,
  IngressClass: ingressClass,
};
