import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types.js';
import { hostsFileContent, podHostnameAndDomain } from './etc-hosts.js';

const base = `# Kubernetes-managed hosts file.
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
fe00::0\tip6-mcastprefix
fe00::1\tip6-allnodes
fe00::2\tip6-allrouters
`;

test('managed /etc/hosts: hostname, FQDN with subdomain, hostAliases', () => {
  const pod: Pod = { metadata: { name: 'web-0', namespace: 'prod' }, spec: { containers: [] } };
  assert.equal(hostsFileContent(pod, ['10.244.1.7'], 'cluster.local'), base + '10.244.1.7\tweb-0\n');
  const withSub: Pod = {
    metadata: { name: 'web-0', namespace: 'prod' },
    spec: { containers: [], hostname: 'db', subdomain: 'db-svc', hostAliases: [{ ip: '1.2.3.4', hostnames: ['foo.local', 'bar.local'] }] },
  };
  assert.equal(
    hostsFileContent(withSub, ['10.244.1.7'], 'example.org'),
    base + '10.244.1.7\tdb.db-svc.prod.svc.example.org\tdb\n\n# Entries added by HostAliases.\n1.2.3.4\tfoo.local\tbar.local\n',
  );
});

test('hostnames longer than 63 characters are cut, without a trailing dash or dot', () => {
  const long = 'a'.repeat(61) + '-.bcd';
  assert.equal(podHostnameAndDomain({ metadata: { name: long }, spec: { containers: [] } }, 'cluster.local').hostname, 'a'.repeat(61));
});
