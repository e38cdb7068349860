// The command line the docker-compose.yml services run inside the k8ts image:
//   pki               (the one-shot init service) fill the shared PKI volume, write the host's admin kubeconfig
//   kubelet-serving   (a node, at start) issue its kubelet serving certificate for its address
//   images            (a node, at start) import busybox:latest and the pause image into its own dockerd
// The Vagrant lab (deploy/vagrant/provision) runs the same commands. Must never start a daemon (the
// entrypoint scripts and systemd units do) nor talk to an image registry.
import { Command } from 'commander';
import { ensureImages } from '../images.js';
import { DEFAULT_SERVICE_CLUSTER_IP_RANGE } from '../pki.js';
import { ensureControlPlaneCredentials, ensureKubeletServingCertificate, ownerOf } from './credentials.js';

const program = new Command('k8ts-compose')
  .description('credentials and images of the docker-compose cluster')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program.command('pki')
  .description('create or keep the PKI in the shared volume and (re)write every kubeconfig')
  .requiredOption('--state-dir <dir>', 'the shared PKI volume')
  .requiredOption('--nodes <names>', 'comma-separated node names')
  .option('--server <url>', 'apiserver URL inside the compose network', 'https://apiserver:6443')
  .option('--service-cluster-ip-range <cidr>', 'service CIDR (the apiserver certificate holds its first IP)', DEFAULT_SERVICE_CLUSTER_IP_RANGE)
  .option('--apiserver-name <name>', "the apiserver's host name in its certificate", 'apiserver')
  .option('--apiserver-ips <ips>', "comma-separated addresses of the apiserver in its certificate", '')
  .option('--host-out-dir <dir>', 'bind-mounted folder of the host for admin.kubeconfig')
  .option('--host-server <url>', 'apiserver URL as the host sees it (the published port)')
  .option('--host-owner-of <path>', 'give the host file the owner of this path (e.g. the bind-mounted repository)')
  .action((o: {
    stateDir: string; nodes: string; server: string; serviceClusterIpRange: string; apiserverName: string; apiserverIps: string;
    hostOutDir?: string; hostServer?: string; hostOwnerOf?: string;
  }) => {
    const result = ensureControlPlaneCredentials({
      stateDir: o.stateDir,
      nodes: o.nodes.split(',').map((n) => n.trim()).filter(Boolean),
      server: o.server,
      serviceClusterIpRange: o.serviceClusterIpRange,
      apiserverName: o.apiserverName,
      apiserverIPs: o.apiserverIps.split(',').map((ip) => ip.trim()).filter(Boolean),
      hostOutDir: o.hostOutDir,
      hostServer: o.hostServer,
      hostOwner: o.hostOwnerOf ? ownerOf(o.hostOwnerOf) : undefined,
    });
    console.log(result.written.length === 0 ? `pki: kept every certificate in ${result.files.dir}` : `pki: wrote ${result.written.join(' ')}`);
    console.log(`pki: kubeconfigs for ${Object.keys(result.kubeconfigs.kubelet).join(', ')} and the control plane written`);
    if (result.hostAdminKubeconfig) console.log(`pki: host kubeconfig ${result.hostAdminKubeconfig} (server ${o.hostServer ?? o.server})`);
  });

program.command('kubelet-serving')
  .description("issue this node's kubelet serving certificate for its address")
  .requiredOption('--state-dir <dir>', 'the shared PKI volume')
  .requiredOption('--node-state-dir <dir>', "this node's own state folder")
  .requiredOption('--node-name <name>', 'node name')
  .requiredOption('--node-ip <ip>', "the node's InternalIP")
  .action((o: { stateDir: string; nodeStateDir: string; nodeName: string; nodeIp: string }) => {
    const r = ensureKubeletServingCertificate({ sharedStateDir: o.stateDir, nodeStateDir: o.nodeStateDir, nodeName: o.nodeName, nodeIP: o.nodeIp });
    console.log(`kubelet-serving: ${r.written ? 'issued' : 'kept'} ${r.certFile} for ${o.nodeName} ${o.nodeIp}`);
  });

program.command('images')
  .description('import busybox:latest and the pause image into the local dockerd unless present')
  .option('--docker-host <url>', 'DOCKER_HOST of the dockerd')
  .action((o: { dockerHost?: string }) => {
    const made = ensureImages({ dockerHost: o.dockerHost, log: (line) => console.log(line) });
    if (made.length === 0) console.log('images: busybox:latest and the pause image already present');
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { code?: string; exitCode?: number; message?: string };
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 2);
  console.error(`k8ts-compose: ${e.message ?? String(err)}`);
  process.exit(1);
}
