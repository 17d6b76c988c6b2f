/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NIC ports: any DPDK ethdev, attached at run time from a device string
 * (a PCI VF address, or a virtual device such as "net_tap0,iface=xv0").
 *
 * Each port gets as many RX and TX queues as asked for; the relay that
 * uses it is the only user of each queue, so no queue is ever shared
 * between threads.
 */
#ifndef XVIO_ETH_PORT_H
#define XVIO_ETH_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_ethdev.h>

#include "port/eth_port_args.h"
#include "port/port.h"

#define ETH_DEVARGS_MAX 256

struct eth_port {
	/* Set at creation, never changed while the port exists. */
	char devargs[ETH_DEVARGS_MAX];
	uint16_t port_id;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t mtu;              /* configured; 0 = the device's default */
	uint64_t tx_offloads;      /* enabled on the device */
	bool has_rss_hash;         /* RX mbufs carry the NIC's RSS hash */
	bool rx_intr;              /* RX interrupts can wake an idle worker */
};

extern const struct port_ops eth_port_ops;

static inline struct eth_port *eth_of(const struct port *p)
{
	return port_priv(p);
}

static inline bool eth_port_is(const struct port *p)
{
	return p->ops == &eth_port_ops;
}

/* The rx_burst operation, inline for a datapath that knows its port is an
 * eth port (a relay): a call per burst costs a relay measurably. */
static inline uint16_t eth_port_receive(const struct eth_port *ep, uint16_t *cursor,
					struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t got = 0;

	for (uint16_t i = 0; i < ep->nb_rxq && got == 0; i++) {
		uint16_t q = *cursor % ep->nb_rxq;

		*cursor = (uint16_t)(q + 1);
		got = rte_eth_rx_burst(ep->port_id, q, pkts, n);
	}
	return got;
}

#endif
