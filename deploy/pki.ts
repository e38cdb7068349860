// Owns the local cluster's PKI under <state>/pki: one CA, the serving and client certificates of
// every component, and the service-account key pair. Idempotent: valid files are kept as they are.
// Must never overwrite a valid file, nor write a private key readable by anyone but its owner.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';

const CA_COMMON_NAME = 'k8ts-ca';
const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 365;
/** A certificate closer than this to its expiry is re-issued. */
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';

type Usage = 'server' | 'client';

/** One leaf certificate: files <pki>/<name>.crt and <pki>/<name>.key. */
export interface CertSpec {
  name: string;
  commonName: string;
  organizations: string[];
  usages: Usage[];
  dnsNames: string[];
  ipAddresses: string[];
}

export interface HostIdentity {
  /** Lower-cased host name: the node name, and a SAN of the serving certificates. */
  hostname: string;
  /** The host's non-internal IPv4 addresses. */
  ipv4Addresses: string[];
}

export interface PkiFiles {
  dir: string;
  caCert: string;
  caKey: string;
  saKey: string;
  saPub: string;
  tokens: string;
  /** cert/key paths by CertSpec name, e.g. cert('apiserver'). */
  cert(name: string): string;
  key(name: string): string;
}

export interface EnsurePkiResult {
  files: PkiFiles;
  host: HostIdentity;
  /** Names of the files (re)written by this call; empty when everything was kept. */
  written: string[];
}

/**
 * Interfaces that come and go with containers and labs (Docker bridges, pod bridges, veths): no
 * client reaches the apiserver through them, and counting them would re-issue certificates.
 */
const TRANSIENT_INTERFACE = /^(docker\d|br-|veth|k8ts|cni|kube-|lab)/;

export function hostIdentity(): HostIdentity {
  const ipv4Addresses: string[] = [];
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    if (TRANSIENT_INTERFACE.test(name)) continue;
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) ipv4Addresses.push(a.address);
    }
  }
  return { hostname: os.hostname().toLowerCase(), ipv4Addresses };
}

export function pkiFiles(stateDir: string): PkiFiles {
  const dir = path.join(stateDir, 'pki');
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    saKey: path.join(dir, 'sa.key'),
    saPub: path.join(dir, 'sa.pub'),
    tokens: path.join(dir, 'tokens.csv'),
    cert: (name) => path.join(dir, `${name}.crt`),
    key: (name) => path.join(dir, `${name}.key`),
  };
}

/** The first usable address of an IPv4 CIDR: 10.96.0.0/16 -> 10.96.0.1 (the `kubernetes` Service). */
export function firstServiceIP(cidr: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid service-cluster-ip-range ${JSON.stringify(cidr)}: want an IPv4 CIDR like 10.96.0.0/16`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 30) throw new Error(`invalid service-cluster-ip-range ${JSON.stringify(cidr)}`);
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  const first = ((base & mask) >>> 0) + 1;
  return [24, 16, 8, 0].map((shift) => (first >>> shift) & 255).join('.');
}

/** Every leaf certificate of a local cluster, as kubeadm names them where kubeadm has one. */
export function certSpecs(host: HostIdentity, serviceClusterIpRange = DEFAULT_SERVICE_CLUSTER_IP_RANGE): CertSpec[] {
  const client = (name: string, commonName: string, organizations: string[] = []): CertSpec => ({
    name, commonName, organizations, usages: ['client'], dnsNames: [], ipAddresses: [],
  });
  const nodeUser = `system:node:${host.hostname}`;
  return [
    {
      name: 'apiserver',
      commonName: 'kube-apiserver',
      organizations: [],
      usages: ['server'],
      dnsNames: unique(['localhost', host.hostname, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local']),
      ipAddresses: unique(['127.0.0.1', '::1', ...host.ipv4Addresses, firstServiceIP(serviceClusterIpRange)]),
    },
    {
      name: 'etcd/server',
      commonName: 'k8ts-etcd',
      organizations: [],
      usages: ['server', 'client'],
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
    },
    {
      name: 'kubelet',
      commonName: nodeUser,
      organizations: ['system:nodes'],
      usages: ['server'],
      dnsNames: unique(['localhost', host.hostname]),
      ipAddresses: unique(['127.0.0.1', ...host.ipv4Addresses]),
    },
    client('apiserver-etcd-client', 'kube-apiserver-etcd-client'),
    client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']),
    client('admin', 'kubernetes-admin', ['system:masters']),
    client('kube-scheduler', 'system:kube-scheduler'),
    client('kube-controller-manager', 'system:kube-controller-manager'),
    client('kube-proxy', 'system:kube-proxy'),
    client('kubelet-client', nodeUser, ['system:nodes']),
  ];
}

/** Creates whatever is missing or no longer valid under <stateDir>/pki and keeps the rest. */
export function ensurePki(
  stateDir: string,
  host: HostIdentity = hostIdentity(),
  serviceClusterIpRange = DEFAULT_SERVICE_CLUSTER_IP_RANGE,
): EnsurePkiResult {
  const files = pkiFiles(stateDir);
  const written: string[] = [];
  mkdirSync(path.join(files.dir, 'etcd'), { recursive: true, mode: 0o700 });

  let ca = loadValidCA(files);
  if (!ca) {
    ca = createCA();
    writeAtomic(files.caKey, ca.keyPem, 0o600);
    writeAtomic(files.caCert, ca.certPem, 0o644);
    written.push('ca.crt', 'ca.key');
  }
  for (const spec of certSpecs(host, serviceClusterIpRange)) {
    if (leafIsValid(files, spec, ca.x509)) continue;
    const leaf = createLeaf(spec, ca);
    writeAtomic(files.key(spec.name), leaf.keyPem, 0o600);
    writeAtomic(files.cert(spec.name), leaf.certPem, 0o644);
    written.push(`${spec.name}.crt`, `${spec.name}.key`);
  }
  if (!serviceAccountKeysValid(files)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    writeAtomic(files.saKey, privateKey, 0o600);
    writeAtomic(files.saPub, publicKey, 0o644);
    written.push('sa.key', 'sa.pub');
  }
  return { files, host, written };
}

interface LoadedCA {
  certPem: string;
  keyPem: string;
  x509: X509Certificate;
}

function loadValidCA(files: PkiFiles): LoadedCA | undefined {
  const loaded = readPair(files.caCert, files.caKey);
  if (!loaded) return undefined;
  const { x509, keyPem, certPem } = loaded;
  if (!x509.ca || !x509.verify(x509.publicKey) || expiresSoon(x509)) return undefined;
  return { certPem, keyPem, x509 };
}

function leafIsValid(files: PkiFiles, spec: CertSpec, ca: X509Certificate): boolean {
  const loaded = readPair(files.cert(spec.name), files.key(spec.name));
  if (!loaded) return false;
  const { x509 } = loaded;
  if (!x509.checkIssued(ca) || !x509.verify(ca.publicKey) || expiresSoon(x509)) return false;
  if (x509.subject !== subjectString(spec)) return false;
  if (!spec.dnsNames.every((name) => x509.checkHost(name, { subject: 'never', wildcards: false }) === name)) return false;
  return spec.ipAddresses.every((ip) => x509.checkIP(ip) !== undefined);
}

function serviceAccountKeysValid(files: PkiFiles): boolean {
  if (!existsSync(files.saKey) || !existsSync(files.saPub)) return false;
  try {
    const derived = createPublicKey(createPrivateKey(readFileSync(files.saKey))).export({ type: 'spki', format: 'pem' });
    return derived.toString() === createPublicKey(readFileSync(files.saPub)).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return false;
  }
}

/** A cert and its key, when both exist, parse, and belong together. */
function readPair(certFile: string, keyFile: string): { certPem: string; keyPem: string; x509: X509Certificate } | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  try {
    const certPem = readFileSync(certFile, 'utf8');
    const keyPem = readFileSync(keyFile, 'utf8');
    const x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return { certPem, keyPem, x509 };
  } catch {
    return undefined;
  }
}

function expiresSoon(x509: X509Certificate): boolean {
  return Date.parse(x509.validTo) - Date.now() < RENEW_BEFORE_DAYS * DAY_MS;
}

/** The subject as node:crypto prints it, so a changed CN or O causes a re-issue. */
function subjectString(spec: CertSpec): string {
  return [...spec.organizations.map((o) => `O=${o}`), `CN=${spec.commonName}`].join('\n');
}

function newKeyPair(): { keyPem: string; forgeKey: forge.pki.rsa.PrivateKey; forgePub: forge.pki.rsa.PublicKey } {
  // Node's native RSA is far faster than forge's JavaScript one; forge only builds and signs.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    keyPem: privateKey,
    forgeKey: forge.pki.privateKeyFromPem(privateKey),
    forgePub: forge.pki.publicKeyFromPem(publicKey),
  };
}

function newCertificate(pub: forge.pki.rsa.PublicKey, validityDays: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and without a leading zero byte
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 5 * 60 * 1000); // tolerate small clock skew
  cert.validity.notAfter = new Date(now + validityDays * DAY_MS);
  return cert;
}

function createCA(): LoadedCA {
  const { keyPem, forgeKey, forgePub } = newKeyPair();
  const cert = newCertificate(forgePub, CA_VALIDITY_DAYS);
  const subject = [{ shortName: 'CN', value: CA_COMMON_NAME }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem, x509: new X509Certificate(certPem) };
}

function createLeaf(spec: CertSpec, ca: LoadedCA): { certPem: string; keyPem: string } {
  const { keyPem, forgePub } = newKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = newCertificate(forgePub, LEAF_VALIDITY_DAYS);
  cert.setSubject([
    ...spec.organizations.map((value) => ({ shortName: 'O', value })),
    { shortName: 'CN', value: spec.commonName },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    {
      name: 'extKeyUsage',
      serverAuth: spec.usages.includes('server'),
      clientAuth: spec.usages.includes('client'),
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (spec.dnsNames.length + spec.ipAddresses.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: [
        ...spec.dnsNames.map((value) => ({ type: 2, value })),
        ...spec.ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    });
  }
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** Write to a temporary file and rename, so a crash never leaves half a key behind. */
function writeAtomic(file: string, content: string, mode: number): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Issues one more leaf certificate signed by the state dir's CA unless a valid one exists (the
 * per-node kubelet certificates of the multi-node lab); returns true when it wrote the files.
 */
export function ensureLeafCertificate(stateDir: string, spec: CertSpec): boolean {
  const files = pkiFiles(stateDir);
  const ca = loadValidCA(files);
  if (!ca) throw new Error(`no valid CA in ${files.dir}: run ensurePki first`);
  if (leafIsValid(files, spec, ca.x509)) return false;
  const leaf = createLeaf(spec, ca);
  writeAtomic(files.key(spec.name), leaf.keyPem, 0o600);
  writeAtomic(files.cert(spec.name), leaf.certPem, 0o644);
  return true;
}

/**
 * Issues (or keeps, while valid) one extra client certificate <pki>/<name>.crt/.key signed by the
 * cluster CA, for identities outside certSpecs (the cluster addons). Needs ensurePki to have run.
 */
export function ensureClientCertificate(stateDir: string, name: string, commonName: string, organizations: string[] = []): { certFile: string; keyFile: string; written: boolean } {
  const files = pkiFiles(stateDir);
  const ca = loadValidCA(files);
  if (!ca) throw new Error(`no valid cluster CA under ${files.dir}: run npm start first`);
  const spec: CertSpec = { name, commonName, organizations, usages: ['client'], dnsNames: [], ipAddresses: [] };
  let written = false;
  if (!leafIsValid(files, spec, ca.x509)) {
    const leaf = createLeaf(spec, ca);
    writeAtomic(files.key(name), leaf.keyPem, 0o600);
    writeAtomic(files.cert(name), leaf.certPem, 0o644);
    written = true;
  }
  return { certFile: files.cert(name), keyFile: files.key(name), written };
}
