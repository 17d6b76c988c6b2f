/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Files that a device string makes a PMD open, create or unlink, kept in
 * --file-dir (common/path_confine.h): without this, `port add x eth
 * net_pcap0,tx_pcap=/etc/passwd` truncates any file on the host.
 *
 * Checked: the arguments each known driver takes as a file (net_pcap's
 * rx_pcap/tx_pcap, net_memif's socket, net_vhost's iface, virtio_user's
 * path, net_af_xdp's xdp_prog, net_softnic's firmware), which must be
 * absolute paths in the directory, and any other argument whose value
 * holds a '/', which is taken for a path too. net_failsafe is refused: its
 * exec() runs a shell command and its dev() nests device strings.
 */
#ifndef XVIO_DEVARGS_FILES_H
#define XVIO_DEVARGS_FILES_H

#include <stddef.h>

#include "common/path_confine.h"

/* 0, or -errno with one line in err naming the argument, path and dir. */
int devargs_files_check(const char *devargs, const struct path_area *area,
			char *err, size_t errlen);

#endif
