// Unit tests of pod DNS and hostname (upstream GetPodDNS, GeneratePodHostNameAndDomain).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types.js';
import { parseResolvConf, podDns, podHostname, resolvConfText } from './dns.js';

const host = parseResolvConf('# comment\nnameserver 192.168.1.1\nsearch corp.example\noptions edns0\n');
const pod = (spec: Partial<Pod['spec']>): Pod => ({ metadata: { name: 'web', namespace: 'shop', uid: 'u' }, spec: { containers: [], ...spec } as Pod['spec'] });

describe('podDns', () => {
  it('ClusterFirst uses the cluster DNS and search paths with ndots:5', () => {
    const { dns } = podDns(pod({}), ['10.96.0.10'], 'cluster.local', host);
    assert.deepEqual(dns, { nameservers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'] });
    assert.equal(resolvConfText(dns), 'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('ClusterFirst without cluster DNS falls back to Default with a MissingClusterDNS warning', () => {
    const { dns, warning } = podDns(pod({}), [], 'cluster.local', host);
    assert.deepEqual(dns.nameservers, ['192.168.1.1']);
    assert.equal(warning?.reason, 'MissingClusterDNS');
  });

  it('hostNetwork ClusterFirst is Default; ClusterFirstWithHostNet is ClusterFirst', () => {
    assert.deepEqual(podDns(pod({ hostNetwork: true }), ['10.96.0.10'], 'cluster.local', host).dns.nameservers, ['192.168.1.1']);
    assert.deepEqual(podDns(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), ['10.96.0.10'], 'cluster.local', host).dns.nameservers, ['10.96.0.10']);
  });

  it('None takes dnsConfig only; dnsConfig merges and options override by name', () => {
    const none = podDns(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] } }), ['10.96.0.10'], 'cluster.local', host).dns;
    assert.deepEqual(none, { nameservers: ['1.1.1.1'], searches: ['a.b'], options: ['ndots:2', 'rotate'] });
    const merged = podDns(pod({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], options: [{ name: 'ndots', value: '1' }] } }), ['10.96.0.10'], 'cluster.local', host).dns;
    assert.deepEqual(merged.nameservers, ['10.96.0.10', '8.8.8.8']);
    assert.deepEqual(merged.options, ['ndots:1']);
  });
});

describe('podHostname', () => {
  it('uses spec.hostname and subdomain, truncating to 63 characters', () => {
    assert.deepEqual(podHostname(pod({ hostname: 'db-0', subdomain: 'db' }), 'cluster.local'), { hostname: 'db-0', domain: 'db.shop.svc.cluster.local' });
    assert.equal(podHostname({ metadata: { name: `${'a'.repeat(62)}-bbbb` }, spec: { containers: [] } }, 'c').hostname, 'a'.repeat(62));
  });
});
