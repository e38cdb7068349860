// Validation of discovery.k8s.io/v1 EndpointSlice (upstream pkg/apis/discovery/validation).
// addressType enum and immutability, endpoints' addresses and ports. Never throws.

import { field, FieldError } from '../errors.js';
import type { KindValidator } from './kinds.js';
import { isDNS1123Label, isQualifiedName } from './names.js';
import { PORT_RANGE_MSG, arr, immutable, int, isValidPortNum, items, oneOf, str, type Obj } from './util.js';

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

const endpointSlice: KindValidator = {
  name: 'subdomain',
  validate(o: Obj, errs) {
    const type = str(o.addressType, 'addressType', errs) ?? '';
    if (type === '') errs.push(field.required('addressType', ''));
    else if (!ADDRESS_TYPES.includes(type)) errs.push(field.notSupported('addressType', type, ADDRESS_TYPES));
    const eps = items(o.endpoints, 'endpoints', errs);
    if (eps.length > 1000) errs.push(new FieldError('FieldValueTooMany', 'endpoints', eps.length, 'must have at most 1000 items'));
    for (const [ep, p] of eps) {
      const addrs = arr(ep.addresses, `${p}.addresses`, errs);
      if (addrs.length === 0) errs.push(field.required(`${p}.addresses`, 'must contain at least 1 address'));
      if (addrs.length > 100) errs.push(field.invalid(`${p}.addresses`, addrs.length, 'must not contain more than 100 addresses'));
      addrs.forEach((a, i) => str(a, `${p}.addresses[${i}]`, errs));
      const hostname = str(ep.hostname, `${p}.hostname`, errs);
      if (hostname !== undefined) for (const m of isDNS1123Label(hostname)) errs.push(field.invalid(`${p}.hostname`, hostname, m));
    }
    const names = new Set<string>();
    for (const [port, p] of items(o.ports, 'ports', errs)) {
      const name = str(port.name, `${p}.name`, errs) ?? '';
      if (name !== '') for (const m of isDNS1123Label(name)) errs.push(field.invalid(`${p}.name`, name, m));
      if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
      names.add(name);
      const num = int(port.port, `${p}.port`, errs);
      if (num !== undefined && !isValidPortNum(num)) errs.push(field.invalid(`${p}.port`, num, PORT_RANGE_MSG));
      oneOf(port.protocol, `${p}.protocol`, ['TCP', 'UDP', 'SCTP'], errs);
      const ap = str(port.appProtocol, `${p}.appProtocol`, errs);
      if (ap !== undefined && ap !== '') for (const m of isQualifiedName(ap)) errs.push(field.invalid(`${p}.appProtocol`, ap, m));
    }
  },
  update(n, o, errs) {
    immutable(n.addressType, o.addressType, 'addressType', errs);
  },
};

export const DISCOVERY_VALIDATORS: Record<string, KindValidator> = {
  EndpointSlice: endpointSlice,
};
