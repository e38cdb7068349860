// Owns the lab's network: a switch namespace holding the lab bridge (bridge netfilter off there, so
// the root namespace's FORWARD policy never sees lab frames), one namespace per host joined to it by a
// veth, one veth from the root namespace with the lab's .1 address, and per host: lo up, forwarding,
// the `unreachable` pod CIDR route and the service CIDR route into lo (as deploy/host-network.ts).
// Must never touch a namespace, link or route whose name does not start with the lab's prefix.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BRIDGE, controlPlaneHost, netnsPath, rootAddress, rootLink, switchNamespace, workerHosts, type LabHost, type LabOptions } from './options.js';

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], input?: string): CommandResult {
  const r = spawnSync(command, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

export function must(command: string, args: string[]): string {
  const r = run(command, args);
  if (!r.ok) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Runs a command inside a namespace's network (nsenter --net; `ip netns exec` fails on some kernels). */
export function inNetns(netns: string, command: string, args: string[]): CommandResult {
  return run('nsenter', [`--net=${netnsPath(netns)}`, command, ...args]);
}

export function mustInNetns(netns: string, command: string, args: string[]): string {
  const r = inNetns(netns, command, args);
  if (!r.ok) throw new Error(`${command} ${args.join(' ')} in ${netns} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function netnsExists(name: string): boolean {
  return existsSync(netnsPath(name));
}

/** The lab's namespaces that exist now: the switch, the control plane and any worker. */
export function labNamespaces(options: LabOptions): string[] {
  const listed = run('ip', ['netns', 'list']).stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
  const ours = new RegExp(`^${options.prefix}(-cp|-w\\d+)?$`);
  return listed.filter((n) => ours.test(n));
}

function ensureNetns(name: string): boolean {
  if (netnsExists(name)) return false;
  must('ip', ['netns', 'add', name]);
  return true;
}

function writeSysctl(netns: string, key: string, value: string): void {
  mustInNetns(netns, 'sh', ['-c', `echo ${value} > /proc/sys/${key.replace(/\./g, '/')}`]);
}

function linkExists(netns: string | undefined, link: string): boolean {
  return netns === undefined ? run('ip', ['link', 'show', link]).ok : inNetns(netns, 'ip', ['link', 'show', link]).ok;
}

function ensureSwitch(options: LabOptions): string[] {
  const made: string[] = [];
  const sw = switchNamespace(options);
  if (ensureNetns(sw)) made.push(`netns ${sw}`);
  mustInNetns(sw, 'ip', ['link', 'set', 'lo', 'up']);
  if (!linkExists(sw, BRIDGE)) {
    mustInNetns(sw, 'ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    made.push(`bridge ${BRIDGE} in ${sw}`);
  }
  mustInNetns(sw, 'ip', ['link', 'set', BRIDGE, 'up']);
  // br_netfilter's sysctls are per namespace: frames crossing the lab switch skip iptables.
  if (existsSync('/proc/sys/net/bridge')) {
    for (const family of ['iptables', 'ip6tables', 'arptables']) writeSysctl(sw, `net.bridge.bridge-nf-call-${family}`, '0');
  }
  return made;
}

/** A veth from `netns` (or the root namespace) named `inside` to port `port` of the lab bridge. */
function ensurePort(options: LabOptions, netns: string | undefined, inside: string, port: string): boolean {
  const sw = switchNamespace(options);
  if (linkExists(netns, inside) && linkExists(sw, port)) return false;
  if (linkExists(netns, inside)) {
    if (netns === undefined) must('ip', ['link', 'del', inside]); else mustInNetns(netns, 'ip', ['link', 'del', inside]);
  }
  if (linkExists(sw, port)) mustInNetns(sw, 'ip', ['link', 'del', port]);
  // Both ends are born in their namespaces: no name but <prefix> ever exists in the root namespace.
  must('ip', ['link', 'add', inside, ...(netns === undefined ? [] : ['netns', netns]), 'type', 'veth', 'peer', 'name', port, 'netns', sw]);
  mustInNetns(sw, 'ip', ['link', 'set', port, 'master', BRIDGE, 'up']);
  return true;
}

function ensureHost(options: LabOptions, host: LabHost): string[] {
  const made: string[] = [];
  if (ensureNetns(host.name)) made.push(`netns ${host.name}`);
  if (ensurePort(options, host.name, 'eth0', host.port)) made.push(`veth ${host.name}/eth0`);
  const ns = host.name;
  mustInNetns(ns, 'ip', ['link', 'set', 'lo', 'up']);
  mustInNetns(ns, 'ip', ['addr', 'replace', `${host.ip}/24`, 'dev', 'eth0']);
  mustInNetns(ns, 'ip', ['link', 'set', 'eth0', 'up']);
  writeSysctl(ns, 'net.ipv4.ip_forward', '1');
  // DESIGN.md: the pod CIDR is unreachable unless a more specific route (bridge, host-gw) serves it;
  // the service CIDR goes into lo (an unreachable route would fail the host's own connects).
  if (inNetns(ns, 'ip', ['route', 'show', 'type', 'unreachable', options.clusterCIDR]).stdout.trim() === '') {
    mustInNetns(ns, 'ip', ['route', 'add', 'unreachable', options.clusterCIDR]);
  }
  mustInNetns(ns, 'ip', ['route', 'replace', options.serviceCIDR, 'dev', 'lo', 'src', host.ip]);
  return made;
}

/** Makes the whole lab network (idempotent); returns what it created. */
export function ensureLabNetwork(options: LabOptions): string[] {
  const made = ensureSwitch(options);
  const link = rootLink(options);
  if (ensurePort(options, undefined, link, 'host')) made.push(`veth ${link}`);
  must('ip', ['addr', 'replace', `${rootAddress(options)}/24`, 'dev', link]);
  must('ip', ['link', 'set', link, 'up']);
  for (const host of [controlPlaneHost(options), ...workerHosts(options)]) made.push(...ensureHost(options, host));
  return made;
}

/**
 * Removes every namespace of the lab (their veths, bridge, routes and iptables go with them) and
 * the root namespace's veth; returns the namespaces removed.
 */
export function removeLabNetwork(options: LabOptions): string[] {
  const removed: string[] = [];
  for (const ns of labNamespaces(options)) {
    if (run('ip', ['netns', 'del', ns]).ok) removed.push(ns);
  }
  if (linkExists(undefined, rootLink(options))) run('ip', ['link', 'del', rootLink(options)]);
  return removed;
}
