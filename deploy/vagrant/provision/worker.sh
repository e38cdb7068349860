#!/bin/bash
# Vagrant lab, worker VM: its kubelet serving certificate for its lab address (from the PKI the
# control plane wrote into the synced repository), busybox and the pause image in its dockerd, then
# systemd units for the kubelet and kube-proxy, started and waited for until the node is Ready.
# Must run after host.sh on this VM and control-plane.sh on the control plane.
set -euo pipefail
: "${K8TS_REPO:?}" "${K8TS_NODE_NAME:?}" "${K8TS_NODE_IP:?}"
APP=/opt/k8ts
STATE=/etc/k8ts
SHARED="$K8TS_REPO/.k8ts/vagrant"
CLUSTER_CIDR="${K8TS_CLUSTER_CIDR:-10.244.0.0/16}"
log() { printf 'k8ts worker.sh: %s\n' "$*"; }

[ -f "$SHARED/nodes/$K8TS_NODE_NAME/kubelet.kubeconfig" ] || {
  log "$SHARED/nodes/$K8TS_NODE_NAME/kubelet.kubeconfig is missing: provision the control plane first (vagrant up k8ts-cp)"
  exit 1
}
mkdir -p "$STATE" && chmod 700 "$STATE"
cp -a "$SHARED/." "$STATE/"
node "$APP/dist/deploy/compose/main.js" kubelet-serving --state-dir="$STATE" --node-state-dir=/var/lib/k8ts-node \
  --node-name="$K8TS_NODE_NAME" --node-ip="$K8TS_NODE_IP"
systemctl enable --now docker.service >/dev/null
node "$APP/dist/deploy/compose/main.js" images

NODE="$(command -v node)"
cat > /etc/systemd/system/k8ts-kubelet.service <<UNIT
[Unit]
Description=k8ts kubelet
After=network-online.target docker.service k8ts-routes.service
Wants=network-online.target
Requires=docker.service

[Service]
ExecStart=$NODE $APP/dist/kubelet/main.js --kubeconfig=$STATE/nodes/$K8TS_NODE_NAME/kubelet.kubeconfig --hostname-override=$K8TS_NODE_NAME --node-ip=$K8TS_NODE_IP --root-dir=/var/lib/kubelet --pod-manifest-path=/etc/kubernetes/manifests --tls-cert-file=/var/lib/k8ts-node/pki/$K8TS_NODE_NAME-kubelet.crt --tls-private-key-file=/var/lib/k8ts-node/pki/$K8TS_NODE_NAME-kubelet.key --client-ca-file=/var/lib/k8ts-node/pki/ca.crt --cluster-cidr=$CLUSTER_CIDR --v=2
Restart=always
RestartSec=2
# Upstream's pod grace period: the kubelet may be stopping a pod.
TimeoutStopSec=40

[Install]
WantedBy=multi-user.target
UNIT
cat > /etc/systemd/system/k8ts-kube-proxy.service <<UNIT
[Unit]
Description=k8ts kube-proxy
After=network-online.target k8ts-routes.service
Wants=network-online.target

[Service]
ExecStart=$NODE $APP/dist/kube-proxy/main.js --kubeconfig=$STATE/kube-proxy.kubeconfig --hostname-override=$K8TS_NODE_NAME --cluster-cidr=$CLUSTER_CIDR --v=2
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p /etc/kubernetes/manifests
systemctl daemon-reload
for s in k8ts-kube-proxy k8ts-kubelet; do systemctl enable "$s.service" >/dev/null; systemctl restart "$s.service"; done

KUBECONFIG_ADMIN="$STATE/admin.kubeconfig"
for _ in $(seq 1 120); do
  status="$(node "$APP/dist/kubectl/main.js" --kubeconfig="$KUBECONFIG_ADMIN" get node "$K8TS_NODE_NAME" --no-headers 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$status" = Ready ]; then log "node $K8TS_NODE_NAME ($K8TS_NODE_IP) is Ready"; exit 0; fi
  sleep 1
done
journalctl -u k8ts-kubelet --no-pager -n 30
log "node $K8TS_NODE_NAME not Ready after 120 s"
exit 1
