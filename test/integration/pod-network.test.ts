// The kubelet's pod network on real Docker and iptables: a bridge network on the node's podCIDR,
// pods get addresses from it and reach each other, masquerade and forward rules live in K8TS- chains,
// and removal leaves nothing behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { chainNames, ensurePodNetwork, removePodNetwork } from '../../kubelet/network/pod-network.js';
import { dockerUnavailable, ensureDocker } from '../support/docker.js';

const skip = dockerUnavailable();
const suffix = randomInt(100000, 999999).toString(36);
const options = {
  networkName: `k8ts-test-${suffix}`,
  bridgeName: `k8tst${suffix}`.slice(0, 15),
  podCIDR: `10.244.${randomInt(200, 250)}.0/24`,
  clusterCIDR: '10.244.0.0/16',
  nodeName: `test-net-${suffix}`,
};
const docker = new Docker();
const containers: Docker.Container[] = [];

function iptablesSave(table: string): string {
  return execFileSync('iptables-save', ['-t', table], { encoding: 'utf8' });
}

before(async () => { if (!skip) await ensureDocker(); });
after(async () => {
  for (const c of containers) await c.remove({ force: true }).catch(() => undefined);
  if (!skip) await removePodNetwork(docker, options).catch(() => undefined);
});

test('pods on the node network get addresses from the podCIDR and reach each other', { skip }, async () => {
  const net = await ensurePodNetwork(docker, options);
  assert.equal(net.gateway, options.podCIDR.replace('.0/24', '.1'));
  // A second call reuses the network instead of failing.
  await ensurePodNetwork(docker, options);
  const run = async (cmd: string[]) => {
    const c = await docker.createContainer({
      Image: 'busybox:latest', Cmd: cmd, Labels: { 'k8ts.io/node-name': options.nodeName },
      HostConfig: { NetworkMode: options.networkName },
    });
    containers.push(c);
    await c.start();
    return c;
  };
  const server = await run(['sh', '-c', 'echo hello-from-pod > /tmp/index.html; httpd -f -p 8080 -h /tmp']);
  const info = await server.inspect();
  const ip = info.NetworkSettings.Networks[options.networkName]!.IPAddress;
  assert.ok(ip.startsWith(options.podCIDR.split('.0/')[0]!), `pod IP ${ip} is in ${options.podCIDR}`);
  const client = await run(['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://${ip}:8080/ && exit 0; sleep 0.3; done; exit 1`]);
  const result = await client.wait();
  const logs = (await client.logs({ stdout: true, stderr: true })).toString();
  assert.equal(result.StatusCode, 0, logs);
  assert.match(logs, /hello-from-pod/);
  const chains = chainNames(options.bridgeName);
  assert.match(iptablesSave('nat'), new RegExp(`-A POSTROUTING -s ${options.podCIDR.replace(/\./g, '\\.')} .*-j ${chains.masq}`));
  assert.match(iptablesSave('filter'), new RegExp(`-A FORWARD .*-j ${chains.forward}`));
});

test('removing the pod network deletes the network and every K8TS- rule it added', { skip }, async () => {
  for (const c of containers.splice(0)) await c.remove({ force: true });
  await removePodNetwork(docker, options);
  const chains = chainNames(options.bridgeName);
  assert.doesNotMatch(iptablesSave('nat'), new RegExp(chains.masq));
  assert.doesNotMatch(iptablesSave('filter'), new RegExp(chains.forward));
  const nets = await docker.listNetworks();
  assert.ok(!nets.some((n) => n.Name === options.networkName));
});
