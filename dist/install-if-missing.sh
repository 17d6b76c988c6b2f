#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# meson install script: install-if-missing.sh SRC DEST
# Installs SRC as DEST (an absolute path, under $DESTDIR if set) unless DEST
# already exists. For configuration: the operator's edits, and what
# `xvioctl config save` wrote, must survive a reinstall or an upgrade.
set -eu
src=$1
dest=${DESTDIR:-}$2
if [ -e "$dest" ]; then
	echo "Keeping existing $dest (the default is $src)"
	exit 0
fi
install -D -m 0644 "$src" "$dest"
echo "Installing $src to $dest"
