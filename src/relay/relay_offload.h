/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offloads a guest asks for on transmit (virtio-net's NEEDS_CSUM and GSO,
 * which rte_vhost's legacy offload mode turns into mbuf TX flags with
 * l2/l3/l4 lengths) and the NIC cannot do: done here, in software, so the
 * guest's negotiated features are honoured whatever the NIC.
 *
 *   TCP/IPv4 TSO  -> rte_gso_segment() into MSS-sized frames
 *   TCP/IPv6 TSO  -> copied into MSS-sized frames (rte_gso has no IPv6)
 *   L4 checksum   -> computed over the (possibly chained) mbuf
 *   IPv4 checksum -> computed (every GSO segment needs a new one)
 *
 * What the NIC can do is left to the NIC (flags kept, rte_eth_tx_prepare).
 */
#ifndef XVIO_RELAY_OFFLOAD_H
#define XVIO_RELAY_OFFLOAD_H

#include <stdint.h>

#include <rte_mbuf.h>

/* A TSO request with a smaller MSS is refused (offload_failed): RFC 879's
 * 536 is the least an IPv4 host must accept. */
#define RELAY_GSO_MIN_MSS 536

struct relay_dir;

/*
 * Prepare n packets from the guest for a NIC with the given TX offloads
 * (RTE_ETH_TX_OFFLOAD_*). Writes the frames to send to out (room for
 * max), frees what it replaces or cannot fix (counted as
 * DROP_OFFLOAD_FAILED), and returns how many it wrote.
 */
uint16_t relay_offload_prepare(struct relay_dir *d, uint64_t nic_offloads,
			       struct rte_mbuf **pkts, uint16_t n,
			       struct rte_mbuf **out, uint16_t max);

#endif
