#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# /init of the xvio test guest; tests/vm/build-guest.sh packs it with a static
# busybox, the virtio-net modules and ethtool.
#
# Kernel command line (read from /proc/cmdline):
#   xvio.ip=ADDR/LEN[,ADDR/LEN...]  one address per interface: eth0, eth1, ...
#   xvio.agent=ttyS1                tty of the command agent (default ttyS1)
#
# It sets up the network, then becomes busybox init, which runs (and
# respawns) the command agent /sbin/xvio-agent (tests/vm/agent.sh) on that tty.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

for m in $(cat /etc/xvio-modules); do
	modprobe "$m" || echo "xvio-init: modprobe $m failed"
done

arg() {
	for w in $(cat /proc/cmdline); do
		case "$w" in xvio.$1=*) echo "${w#*=}" ;; esac
	done
}

ip link set lo up
i=0
for addr in $(arg ip | tr , ' '); do
	n=0
	while [ ! -e /sys/class/net/eth$i ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	ip addr add "$addr" dev eth$i && ip link set eth$i up ||
		echo "xvio-init: cannot configure eth$i with $addr"
	i=$((i + 1))
done
# Start the agent once every link has its carrier (the backend is connected),
# so that a test's first packet is not lost; give up after 20 s.
for dev in /sys/class/net/eth*; do
	n=0
	while [ "$(cat "$dev/operstate" 2>/dev/null)" != up ] && [ $n -lt 200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	echo "xvio-init: ${dev##*/} $(cat "$dev/operstate" 2>/dev/null)"
done

tty=$(arg agent)
[ -n "$tty" ] || tty=ttyS1
[ -c "/dev/$tty" ] || tty=console
echo "xvio-init: interfaces up, agent on /dev/$tty"

# busybox init as PID 1 reaps orphaned processes, so that the agent (not
# PID 1) never gets a SIGCHLD for them: one arriving while the agent's
# `read` is half-way through a request line would lose that line.
echo "::respawn:/sbin/xvio-agent /dev/$tty" >/etc/inittab
exec /bin/busybox init
