#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the test guest from Debian packages only: Debian's kernel and an
# initramfs of static busybox, the virtio-net modules, ethtool,
# tests/vm/init.sh as /init and tests/vm/agent.sh, the command agent that
# tests/e2e/guest.py talks to.
#
#   tests/vm/build-guest.sh [OUTDIR]       (default build/guest, or $XVIO_GUEST_DIR)
#
# Writes OUTDIR/vmlinuz and OUTDIR/initramfs.cpio.gz; does nothing when they
# are up to date with the kernel, busybox, ethtool and these scripts.
# XVIO_GUEST_KERNEL=VERSION picks one of /boot/vmlinuz-VERSION.
# Installs linux-image-cloud-amd64 / busybox-static / ethtool with apt-get
# when they are missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-${XVIO_GUEST_DIR:-$ROOT/build/guest}}
# Kernel modules for a virtio-net guest; modprobe loads their dependencies
# (virtio, virtio_ring, virtio_pci_*_dev, failover, net_failover).
MODULES=(virtio_pci virtio_net)

log() { echo "build-guest: $*" >&2; }
die() { log "$*"; exit 1; }

apt_install() {
	log "installing $* with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq --no-install-recommends "$@" >&2
}

is_static() { ! ldd "$1" >/dev/null 2>&1; }

# A kernel is usable if its virtio_net is a module we can copy or built in.
kernel_ok() {
	local v=$1 d=/lib/modules/$1
	[ -r "/boot/vmlinuz-$v" ] || return 1
	grep -q '/virtio_net\.ko' "$d/modules.dep" 2>/dev/null ||
		grep -q '/virtio_net\.ko' "$d/modules.builtin" 2>/dev/null
}

pick_kernel() {
	local v
	if [ -n "${XVIO_GUEST_KERNEL:-}" ]; then
		kernel_ok "$XVIO_GUEST_KERNEL" || die "no usable /boot/vmlinuz-$XVIO_GUEST_KERNEL"
		echo "$XVIO_GUEST_KERNEL"
		return
	fi
	# Prefer the cloud flavour: fewer drivers to probe, faster boot under TCG.
	for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -V -r |
		   awk '{ print (/cloud/ ? 0 : 1), $0 }' | sort -s -k1,1n | cut -d' ' -f2); do
		if kernel_ok "$v"; then
			echo "$v"
			return
		fi
	done
	return 1
}

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9   # one build at a time; a second caller then finds it up to date

KVER=$(pick_kernel) || { apt_install linux-image-cloud-amd64; KVER=$(pick_kernel); } ||
	die "no usable kernel in /boot"
BUSYBOX=/bin/busybox
if [ ! -x "$BUSYBOX" ] || ! is_static "$BUSYBOX"; then
	apt_install busybox-static
fi
is_static "$BUSYBOX" || die "$BUSYBOX is not static"
ETHTOOL=$(command -v ethtool || true)
[ -n "$ETHTOOL" ] || { apt_install ethtool; ETHTOOL=$(command -v ethtool); }

stamp=$( {
	echo "$KVER"
	stat -c '%n %s %Y' "/boot/vmlinuz-$KVER" "/lib/modules/$KVER/modules.dep" \
		"$BUSYBOX" "$ETHTOOL"
	cat "$HERE/init.sh" "$HERE/agent.sh" "$0"
} | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initramfs.cpio.gz" ] &&
   [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	log "$OUT is up to date (kernel $KVER)"
	exit 0
fi

log "building $OUT with kernel $KVER"
STAGE=$(mktemp -d "$OUT/root.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,etc,proc,sys,dev,tmp,lib64,usr/bin,usr/sbin}

# busybox and its applets (as symlinks)
cp "$BUSYBOX" "$STAGE/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ -e "$STAGE/bin/$a" ] || ln -s busybox "$STAGE/bin/$a"
done
# The kernel opens /dev/console for /init before anything is mounted.
mknod -m 600 "$STAGE/dev/console" c 5 1
mknod -m 666 "$STAGE/dev/null" c 1 3
install -m 755 "$HERE/init.sh" "$STAGE/init"
install -m 755 "$HERE/agent.sh" "$STAGE/sbin/xvio-agent"

# Modules with their dependencies, from modules.dep ("path: dep dep ...").
MDIR=/lib/modules/$KVER
declare -A have=()
add_module_path() {   # $1: path relative to $MDIR
	local p=$1 line dep
	[ -n "${have[$p]:-}" ] && return
	have[$p]=1
	line=$(grep -m1 "^$p:" "$MDIR/modules.dep") || die "$p not in modules.dep"
	for dep in ${line#*:}; do
		add_module_path "$dep"
	done
}
for m in "${MODULES[@]}"; do
	if grep -qE "/$m\.ko(\.[a-z]+)?$" "$MDIR/modules.builtin" 2>/dev/null; then
		continue   # built in: nothing to load
	fi
	p=$(grep -m1 -oE "^[^:]*/$m\.ko(\.[a-z]+)?:" "$MDIR/modules.dep") ||
		die "module $m not found for kernel $KVER"
	add_module_path "${p%:}"
done
for p in "${!have[@]}"; do
	mkdir -p "$STAGE$MDIR/$(dirname "$p")"
	cp "$MDIR/$p" "$STAGE$MDIR/$p"
	grep -m1 "^$p:" "$MDIR/modules.dep" >>"$STAGE$MDIR/modules.dep"
done
touch "$STAGE$MDIR/modules.builtin" "$STAGE$MDIR/modules.alias"
echo "${MODULES[*]}" >"$STAGE/etc/xvio-modules"
log "modules: $(printf '%s ' "${!have[@]}" | xargs -n1 basename | sort | xargs)"

# ethtool (for -k / -L / -S in the guest) with the shared libraries it needs.
cp "$ETHTOOL" "$STAGE/usr/sbin/ethtool"
for lib in $(ldd "$ETHTOOL" | grep -oE '/[^ ]+'); do
	mkdir -p "$STAGE$(dirname "$lib")"
	cp -L "$lib" "$STAGE$lib"
done

(cd "$STAGE" && find . -mindepth 1 | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -1 >"$OUT/initramfs.cpio.gz.tmp"
cp "/boot/vmlinuz-$KVER" "$OUT/vmlinuz.tmp"
mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
echo "$KVER" >"$OUT/kernel-version"
echo "$stamp" >"$OUT/stamp"
log "done: $OUT/vmlinuz $OUT/initramfs.cpio.gz ($(du -h "$OUT/initramfs.cpio.gz" | cut -f1))"
