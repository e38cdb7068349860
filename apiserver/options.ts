// The apiserver's options: kube-apiserver's flag names, defaults filled in one place, and checks
// run before anything starts, so a bad flag is one readable line, not a stack trace.
import { Command, InvalidArgumentError } from 'commander';

export interface ApiserverOptions {
  etcdServers: string[];
  etcdCaFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  bindAddress: string;
  securePort: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  clientCaFile: string;
  tokenAuthFile?: string;
  serviceClusterIpRange: string;
  /** --advertise-address: the address the `kubernetes` Service's endpoints name. */
  advertiseAddress?: string;
  /** Client certificate and key the apiserver presents to kubelets (pods/log, pods/exec). */
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  /** CA bundle for the kubelets' serving certificates; without it they are not verified, as upstream. */
  kubeletCertificateAuthority?: string;
  verbosity: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number (1-65535)');
  return n;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

export function parseOptions(argv: string[]): ApiserverOptions {
  const cmd = new Command('kube-apiserver')
    .description('k8ts API server: the Kubernetes API over HTTPS, persisted in etcd')
    .option('--etcd-servers <urls>', 'comma-separated etcd client URLs', 'https://127.0.0.1:2379')
    .option('--etcd-cafile <file>', 'CA bundle to verify etcd servers')
    .option('--etcd-certfile <file>', 'client certificate for etcd')
    .option('--etcd-keyfile <file>', 'client key for etcd')
    .option('--bind-address <ip>', 'address to listen on', '0.0.0.0')
    .option('--secure-port <port>', 'HTTPS port', port, 6443)
    .requiredOption('--tls-cert-file <file>', 'serving certificate')
    .requiredOption('--tls-private-key-file <file>', 'serving key')
    .requiredOption('--client-ca-file <file>', 'CA that signs client certificates')
    .option('--token-auth-file <file>', 'static bearer tokens: token,user,uid,"group1,group2"')
    .option('--service-cluster-ip-range <cidr>', 'range of ClusterIPs', '10.96.0.0/16')
    .option('--advertise-address <ip>', 'address of this apiserver in the kubernetes Service endpoints (default: the bind address or the first non-loopback IPv4)')
    .option('--kubelet-client-certificate <file>', 'client certificate for TLS to kubelets')
    .option('--kubelet-client-key <file>', 'client key for TLS to kubelets')
    .option('--kubelet-certificate-authority <file>', "CA bundle to verify kubelets' serving certificates")
    .option('--v <level>', 'log verbosity', int, 0)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  return {
    etcdServers: String(o.etcdServers).split(',').map((s: string) => s.trim()).filter(Boolean),
    etcdCaFile: o.etcdCafile,
    etcdCertFile: o.etcdCertfile,
    etcdKeyFile: o.etcdKeyfile,
    bindAddress: o.bindAddress,
    securePort: o.securePort,
    tlsCertFile: o.tlsCertFile,
    tlsPrivateKeyFile: o.tlsPrivateKeyFile,
    clientCaFile: o.clientCaFile,
    tokenAuthFile: o.tokenAuthFile,
    serviceClusterIpRange: o.serviceClusterIpRange,
    advertiseAddress: o.advertiseAddress,
    kubeletClientCertificate: o.kubeletClientCertificate,
    kubeletClientKey: o.kubeletClientKey,
    kubeletCertificateAuthority: o.kubeletCertificateAuthority,
    verbosity: o.v,
  };
}

export function logLevel(verbosity: number): 'info' | 'debug' | 'trace' {
  return verbosity >= 4 ? 'trace' : verbosity >= 2 ? 'debug' : 'info';
}
