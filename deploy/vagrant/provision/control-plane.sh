#!/bin/bash
# Vagrant lab, control-plane VM: the PKI and kubeconfigs (into the synced repository's .k8ts/vagrant,
# where the workers and the host read them, and /etc/k8ts), then systemd units for etcd, the apiserver,
# the controller-manager and the scheduler, started and waited for. Must run after host.sh.
set -euo pipefail
: "${K8TS_REPO:?}" "${K8TS_CONTROL_PLANE_IP:?}" "${K8TS_WORKERS:?comma-separated worker names}"
APP=/opt/k8ts
STATE=/etc/k8ts
SHARED="$K8TS_REPO/.k8ts/vagrant"
CLUSTER_CIDR="${K8TS_CLUSTER_CIDR:-10.244.0.0/16}"
SERVICE_CIDR="${K8TS_SERVICE_CIDR:-10.96.0.0/16}"
SERVER="https://$K8TS_CONTROL_PLANE_IP:6443"
log() { printf 'k8ts control-plane.sh: %s\n' "$*"; }

# Keep the PKI across re-provisioning: start from the shared copy when there is one.
mkdir -p "$STATE" && chmod 700 "$STATE"
if [ -f "$SHARED/pki/ca.crt" ]; then cp -a "$SHARED/." "$STATE/"; fi
node "$APP/dist/deploy/compose/main.js" pki --state-dir="$STATE" --nodes="$K8TS_WORKERS" --server="$SERVER" \
  --service-cluster-ip-range="$SERVICE_CIDR" --apiserver-name="$(hostname)" --apiserver-ips="$K8TS_CONTROL_PLANE_IP" \
  --host-out-dir="$SHARED" --host-server="$SERVER" --host-owner-of="$K8TS_REPO"
mkdir -p "$SHARED" && cp -a "$STATE/." "$SHARED/"   # the workers' copy (CA key included: a lab, not production)

unit() { # name description after exec...
  local name="$1" description="$2" after="$3"; shift 3
  cat > "/etc/systemd/system/$name.service" <<UNIT
[Unit]
Description=$description
After=network-online.target $after
Wants=network-online.target $after

[Service]
ExecStart=$*
Restart=always
RestartSec=2
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
UNIT
}

unit k8ts-etcd "k8ts etcd" "" /usr/bin/etcd --name=k8ts --data-dir=/var/lib/k8ts-etcd \
  --listen-client-urls=https://127.0.0.1:2379 --advertise-client-urls=https://127.0.0.1:2379 \
  --cert-file="$STATE/pki/etcd/server.crt" --key-file="$STATE/pki/etcd/server.key" --client-cert-auth \
  --trusted-ca-file="$STATE/pki/ca.crt" --listen-peer-urls=http://127.0.0.1:2380 \
  --initial-advertise-peer-urls=http://127.0.0.1:2380 --initial-cluster=k8ts=http://127.0.0.1:2380 \
  --listen-metrics-urls=http://127.0.0.1:2381 --logger=zap
unit k8ts-apiserver "k8ts apiserver" k8ts-etcd.service "$(command -v node)" "$APP/dist/apiserver/main.js" \
  --etcd-servers=https://127.0.0.1:2379 --etcd-cafile="$STATE/pki/ca.crt" \
  --etcd-certfile="$STATE/pki/apiserver-etcd-client.crt" --etcd-keyfile="$STATE/pki/apiserver-etcd-client.key" \
  --bind-address=0.0.0.0 --secure-port=6443 --advertise-address="$K8TS_CONTROL_PLANE_IP" \
  --tls-cert-file="$STATE/pki/apiserver.crt" --tls-private-key-file="$STATE/pki/apiserver.key" \
  --client-ca-file="$STATE/pki/ca.crt" --token-auth-file="$STATE/pki/tokens.csv" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --kubelet-client-certificate="$STATE/pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$STATE/pki/apiserver-kubelet-client.key" --kubelet-certificate-authority="$STATE/pki/ca.crt" --v=2
unit k8ts-controller-manager "k8ts controller-manager" k8ts-apiserver.service "$(command -v node)" \
  "$APP/dist/controller-manager/main.js" --kubeconfig="$STATE/controller-manager.kubeconfig" \
  --cluster-cidr="$CLUSTER_CIDR" --allocate-node-cidrs=true --service-cluster-ip-range="$SERVICE_CIDR" --v=2
unit k8ts-scheduler "k8ts scheduler" k8ts-apiserver.service "$(command -v node)" "$APP/dist/scheduler/main.js" \
  --kubeconfig="$STATE/scheduler.kubeconfig" --v=2

systemctl daemon-reload
for s in k8ts-etcd k8ts-apiserver k8ts-controller-manager k8ts-scheduler; do systemctl enable "$s.service" >/dev/null; systemctl restart "$s.service"; done
for _ in $(seq 1 120); do
  if node -e "require('https').get('$SERVER/readyz', { ca: require('fs').readFileSync('$STATE/pki/ca.crt') }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"; then
    log "apiserver ready on $SERVER; kubeconfig for the host: .k8ts/vagrant/admin.kubeconfig"
    exit 0
  fi
  sleep 1
done
journalctl -u k8ts-apiserver --no-pager -n 30
log "apiserver not ready on $SERVER after 120 s"
exit 1
