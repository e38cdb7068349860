#!/bin/bash
# Entrypoint of a docker-compose node container (like a kind node): makes the cgroup mounts writable,
# starts the node's own dockerd, issues its kubelet serving certificate, imports busybox and the pause
# image, then runs kube-proxy and the kubelet; when any of the three exits, stops the others and exits
# non-zero so compose's restart policy starts the node again (the kubelet adopts its running pods).
# Must never touch anything outside this container (its dockerd, iptables and routes are its own).
set -euo pipefail

NODE_NAME="${NODE_NAME:?set NODE_NAME to the node name}"
SHARED=/etc/k8ts                  # the PKI volume the pki service filled (read-only here)
NODE_STATE=/var/lib/k8ts-node     # this node's own certificates
CLUSTER_CIDR="${CLUSTER_CIDR:-10.244.0.0/16}"
VERBOSITY="${VERBOSITY:-2}"
APP=/app/dist

log() { printf '%s node-entrypoint: %s\n' "$(date -u +%FT%TZ)" "$*"; }

# 1. Docker mounts the cgroup hierarchies read-only into non-privileged containers; the node's own
#    dockerd (runc) creates its containers' cgroups under them.
while read -r _ mountpoint fstype _; do
  case "$fstype" in cgroup|cgroup2) mount -o remount,bind,rw "$mountpoint" ;; esac
done < /proc/self/mounts
mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true   # the tmpfs holding them (cgroup v1)

# 2. The node's dockerd, on the node's own /var/lib/docker volume.
mkdir -p /var/log/k8ts
dockerd --host=unix:///run/docker.sock --storage-driver=overlay2 >/var/log/k8ts/dockerd.log 2>&1 &
DOCKERD=$!
for _ in $(seq 1 120); do
  docker version >/dev/null 2>&1 && break
  kill -0 "$DOCKERD" 2>/dev/null || { tail -n 30 /var/log/k8ts/dockerd.log; log "dockerd exited"; exit 1; }
  sleep 0.5
done
docker version >/dev/null 2>&1 || { tail -n 30 /var/log/k8ts/dockerd.log; log "dockerd did not answer within 60 s"; exit 1; }
log "dockerd $(docker version --format '{{.Server.Version}}') up (log /var/log/k8ts/dockerd.log)"

# 3. Credentials for this node's address, and the images pods use (never pulled: no registry).
NODE_IP="${NODE_IP:-$(ip -4 -o addr show dev eth0 | awk '{ split($4, a, "/"); print a[1]; exit }')}"
[ -n "$NODE_IP" ] || { log "no IPv4 address on eth0; set NODE_IP"; exit 1; }
node "$APP/deploy/compose/main.js" kubelet-serving --state-dir="$SHARED" --node-state-dir="$NODE_STATE" \
  --node-name="$NODE_NAME" --node-ip="$NODE_IP"
node "$APP/deploy/compose/main.js" images

# 4. kube-proxy and the kubelet, their output prefixed with their name.
mkdir -p /etc/kubernetes/manifests
node "$APP/kube-proxy/main.js" --kubeconfig="$SHARED/kube-proxy.kubeconfig" --hostname-override="$NODE_NAME" \
  --cluster-cidr="$CLUSTER_CIDR" --v="$VERBOSITY" > >(sed -u 's/^/kube-proxy: /') 2>&1 &
PROXY=$!
node "$APP/kubelet/main.js" \
  --kubeconfig="$SHARED/nodes/$NODE_NAME/kubelet.kubeconfig" \
  --hostname-override="$NODE_NAME" \
  --node-ip="$NODE_IP" \
  --root-dir=/var/lib/kubelet \
  --pod-manifest-path=/etc/kubernetes/manifests \
  --tls-cert-file="$NODE_STATE/pki/$NODE_NAME-kubelet.crt" \
  --tls-private-key-file="$NODE_STATE/pki/$NODE_NAME-kubelet.key" \
  --client-ca-file="$NODE_STATE/pki/ca.crt" \
  --cluster-cidr="$CLUSTER_CIDR" \
  --v="$VERBOSITY" > >(sed -u 's/^/kubelet: /') 2>&1 &
KUBELET=$!
log "node $NODE_NAME ($NODE_IP): kubelet pid $KUBELET, kube-proxy pid $PROXY, dockerd pid $DOCKERD"

stop_all() {
  trap - TERM INT
  log "stopping kubelet, kube-proxy, then dockerd"
  kill -TERM "$KUBELET" "$PROXY" 2>/dev/null || true
  wait "$KUBELET" "$PROXY" 2>/dev/null || true
  kill -TERM "$DOCKERD" 2>/dev/null || true
  wait "$DOCKERD" 2>/dev/null || true
}
trap 'stop_all; exit 0' TERM INT

set +e
wait -n "$KUBELET" "$PROXY" "$DOCKERD"
status=$?
log "a daemon exited with status $status"
stop_all
exit $(( status == 0 ? 1 : status ))
