#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The xvio demo: a VM and a host on the wire talk through an express relay.
#
#   netns xdemo-vm (10.99.0.2) ─veth─ testpmd: af_packet ⇄ virtio-user (the VM's
#       virtio-net driver) ─vhost-user─ xviod relay ─ af_packet ─veth─
#   netns xdemo-wire (10.99.0.1)
#
# xviod starts from etc/xvio-demo.json; then ping and a TCP transfer run
# across, and xvioctl shows the counters. Everything is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

RUN=/tmp/xvio-demo
CTL="build/xvioctl -s $RUN/xviod.sock"
XVIOD_PID= TESTPMD_PID=

cleanup() {
	[ -n "$TESTPMD_PID" ] && kill "$TESTPMD_PID" 2>/dev/null && wait "$TESTPMD_PID" 2>/dev/null
	[ -n "$XVIOD_PID" ] && kill "$XVIOD_PID" 2>/dev/null && wait "$XVIOD_PID" 2>/dev/null
	for ns in xdemo-vm xdemo-wire; do
		ip netns del $ns 2>/dev/null || true
		ip link del $ns-o 2>/dev/null || true
	done
	true
}
trap cleanup EXIT

netns() { # name address
	ip netns add "$1"
	ip link add "$1-o" type veth peer name "$1-i"
	ip link set "$1-i" netns "$1"
	# af_packet must see real frames, not 64 KB GSO super-packets
	ethtool -K "$1-o" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
	ip netns exec "$1" ethtool -K "$1-i" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
	ip link set "$1-o" up
	ip netns exec "$1" ip link set "$1-i" up
	ip netns exec "$1" ip addr add "$2" dev "$1-i"
}

cleanup
rm -rf "$RUN" && mkdir -p "$RUN"
netns xdemo-vm 10.99.0.2/24
netns xdemo-wire 10.99.0.1/24

echo "== starting xviod (worker on the last CPU, config etc/xvio-demo.json)"
build/xviod --no-huge -m 512 -c "$RUN/xviod.sock" -s "$RUN" -f etc/xvio-demo.json \
	> "$RUN/xviod.log" 2>&1 &
XVIOD_PID=$!
for _ in $(seq 100); do [ -S "$RUN/xviod.sock" ] && break; sleep 0.1; done
$CTL port list

echo
echo "== starting the VM's virtio-net frontend (dpdk-testpmd, virtio-user)"
stdbuf -oL dpdk-testpmd --lcores 0@0,1@0 --no-huge -m 512 --single-file-segments \
	--no-pci --file-prefix xdemo-vm \
	--vdev "net_virtio_user0,path=$RUN/vm1.sock" --vdev net_af_packet1,iface=xdemo-vm-o \
	-- --forward-mode=io --auto-start --stats-period 3600 --total-num-mbufs 8192 \
	> "$RUN/testpmd.log" 2>&1 &
TESTPMD_PID=$!
for _ in $(seq 200); do
	$CTL --json port show vm1 | grep -q '"state": "connected"' && break
	sleep 0.1
done
$CTL port list

echo
ip netns exec xdemo-wire ping -c 1 -W 10 10.99.0.2 >/dev/null || true  # ARP, and the VM finishing start-up
echo "== ping from the wire to the VM"
ip netns exec xdemo-wire ping -c 10 -i 0.1 10.99.0.2

echo
echo "== TCP: 20 MB from the VM to the wire, checksummed on both ends"
/usr/bin/python3 - <<'PY'
import hashlib, os, socket, subprocess, threading
data = os.urandom(20 * 1024 * 1024)
srv = subprocess.Popen(["ip", "netns", "exec", "xdemo-wire", "/usr/bin/python3", "-c", """
import hashlib, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('10.99.0.1', 5001)); s.listen(1); print('ready', flush=True)
c, _ = s.accept(); h = hashlib.sha256(); n = 0
while (b := c.recv(65536)): h.update(b); n += len(b)
print(n, h.hexdigest(), flush=True)
"""], stdout=subprocess.PIPE, text=True)
assert srv.stdout.readline().strip() == "ready"
cli = subprocess.run(["ip", "netns", "exec", "xdemo-vm", "/usr/bin/python3", "-c", """
import socket, sys
data = sys.stdin.buffer.read()
c = socket.create_connection(('10.99.0.1', 5001)); c.sendall(data); c.close()
"""], input=data, check=True)
n, digest = srv.stdout.readline().split()
ok = int(n) == len(data) and digest == hashlib.sha256(data).hexdigest()
print(f"received {n} bytes, sha256 {'matches' if ok else 'DIFFERS'}")
PY

echo
echo "== xvioctl stats"
$CTL stats
echo
echo "== xvioctl relay show r1   (drops by reason: vm_down = frames that came before the VM connected)"
$CTL relay show r1
echo
echo "demo done; xviod log: $RUN/xviod.log"
