#!/bin/sh
# Prepares a Debian host to run k8ts nodes: the Debian packages the daemons need (Docker, etcd,
# iptables, iproute2/nsenter, busybox-static for the local images) and the kernel settings, and
# checks what it cannot fix. Shared by the netns lab's users and the Vagrant provisioning.
# Must never change anything but packages and the two sysctls below; safe to run again.
set -eu

if [ "$(id -u)" -ne 0 ]; then
  echo "host-setup: run as root" >&2
  exit 1
fi

need=""
for pair in docker:docker.io dockerd:docker.io etcd:etcd-server etcdctl:etcd-client iptables:iptables ip:iproute2 nsenter:util-linux; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need="$need $pkg"
done
[ -x /bin/busybox ] || need="$need busybox-static"
if [ -n "$need" ]; then
  # shellcheck disable=SC2086
  pkgs=$(printf '%s\n' $need | sort -u | tr '\n' ' ')
  echo "host-setup: installing $pkgs"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
fi

# Pods and host-gw routes need forwarding; bridged pod traffic must go through iptables for Services.
echo 1 > /proc/sys/net/ipv4/ip_forward
if [ ! -d /proc/sys/net/bridge ]; then
  modprobe br_netfilter 2>/dev/null || echo "host-setup: br_netfilter not available (Services from pods on the same node may not work)" >&2
fi

command -v node >/dev/null 2>&1 || { echo "host-setup: Node.js 20 is missing" >&2; exit 1; }
echo "host-setup: ok (docker $(docker --version | cut -d' ' -f3 | tr -d ,), etcd $(etcd --version 2>/dev/null | head -1 | awk '{print $3}'), node $(node --version))"
