#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what xvio needs from Debian 12 and build it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
	gcc make meson ninja-build pkg-config
	libdpdk-dev dpdk dpdk-dev          # DPDK 22.11, dpdk-testpmd
	libjansson-dev libcmocka-dev
	python3 python3-pytest python3-scapy python3-matplotlib
	iproute2 iputils-ping ethtool coreutils procps
	qemu-system-x86   # the test guest; tests/vm/build-guest.sh adds its kernel and busybox
	clang libclang-rt-14-dev llvm     # libFuzzer (scripts/fuzz.sh)
	systemd libvirt-clients           # systemd-analyze, virt-xml-validate (tests/e2e/test_install.py)
	openvswitch-switch                # the reference for dump-flows (tests/e2e/test_switch_ovs_format.py runs its own)
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "setup: built build/xviod and build/xvioctl"
