/* SPDX-License-Identifier: BSD-3-Clause */
#include "port/eth_port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "common/xvio_log.h"
#include "port/devargs_files.h"

#define ETH_RX_DESC 1024
#define ETH_TX_DESC 1024

/* The arguments read (eth_port_args.c), checked, into the port. */
static int take_eth_args(struct eth_port *ep, const struct eth_port_args *a,
			 const char **device, char *err, size_t errlen)
{
	int rc;

	*device = a->device;
	if ((*device)[0] == '\0' || strlen(*device) >= sizeof(ep->devargs)) {
		snprintf(err, errlen, "device string must be 1 to %zu characters",
			 sizeof(ep->devargs) - 1);
		return -EINVAL;
	}
	rc = devargs_files_check(*device, port_file_area(), err, errlen);
	if (rc)
		return rc;
	snprintf(ep->devargs, sizeof(ep->devargs), "%s", *device);
	ep->nb_rxq = (uint16_t)a->queues;
	ep->nb_txq = (uint16_t)a->queues;
	ep->mtu = (uint16_t)a->mtu;
	return 0;
}

/* The bus and device names a device string will produce. */
static int device_name(const char *devargs, char *bus, char *name, size_t len)
{
	struct rte_devargs da;
	int rc;

	memset(&da, 0, sizeof(da));
	rc = rte_devargs_parse(&da, devargs);
	if (rc == 0) {
		snprintf(name, len, "%s", da.name);
		snprintf(bus, len, "%s", da.bus ? rte_bus_name(da.bus) : "");
	}
	rte_devargs_reset(&da);
	return rc;
}

/*
 * All ports share one pool of packet buffers, and a NIC fills its receive
 * rings from it when it starts (1024 buffers a queue): a few multi-queue
 * NICs could take the whole pool, and then nothing can be received from a
 * VM. A port whose start leaves less than a quarter of the pool free is
 * refused. held: buffers in use before the start.
 */
static int check_pool_left(unsigned int held, char *err, size_t errlen)
{
	const struct rte_mempool *pool = port_pool();
	unsigned int used = rte_mempool_in_use_count(pool);
	unsigned int taken = used > held ? used - held : 0;

	if (pool->size - used >= pool->size / 4)
		return 0;
	snprintf(err, errlen,
		 "its receive rings took %u of the %u packet buffers, leaving %u (xviod keeps a quarter free for packets in flight): start xviod with more --mbufs, or give the port fewer queues",
		 taken, pool->size, pool->size - used);
	return -ENOSPC;
}

static int eth_port_configure(struct port *p, char *err, size_t errlen)
{
	struct eth_port *ep = eth_of(p);
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = ETH_RX_DESC, nb_txd = ETH_TX_DESC;
	unsigned int held;
	int rc;

	rc = rte_eth_dev_info_get(ep->port_id, &info);
	if (rc) {
		snprintf(err, errlen, "cannot read device info: %s", rte_strerror(-rc));
		return rc;
	}
	if (ep->nb_rxq > info.max_rx_queues || ep->nb_txq > info.max_tx_queues) {
		snprintf(err, errlen, "device supports at most %u RX / %u TX queues",
			 info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	if (ep->nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP |
						       RTE_ETH_RSS_UDP);
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
		ep->has_rss_hash = true;
	}
	/* Guest packets may arrive chained (jumbo frames, mergeable buffers,
	 * GSO segments), and may ask for checksums and TSO: whatever of that
	 * the NIC does, it does; the relay does the rest (relay_offload.h). */
	conf.txmode.offloads = info.tx_offload_capa &
		(RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
		 RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
		 RTE_ETH_TX_OFFLOAD_TCP_TSO);
	ep->tx_offloads = conf.txmode.offloads;
	/* RX interrupts let an idle worker sleep; not every PMD has them. */
	conf.intr_conf.rxq = 1;
	rc = rte_eth_dev_configure(ep->port_id, ep->nb_rxq, ep->nb_txq, &conf);
	if (rc) {
		conf.intr_conf.rxq = 0;
		rc = rte_eth_dev_configure(ep->port_id, ep->nb_rxq, ep->nb_txq, &conf);
	}
	if (rc) {
		snprintf(err, errlen, "cannot configure device: %s", rte_strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(ep->port_id, &nb_rxd, &nb_txd);
	if (ep->mtu) {
		rc = rte_eth_dev_set_mtu(ep->port_id, ep->mtu);
		if (rc) {
			snprintf(err, errlen, "device refuses MTU %u: %s", ep->mtu,
				 rte_strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ep->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(ep->port_id, q, nb_rxd,
					    rte_eth_dev_socket_id(ep->port_id), NULL,
					    port_pool());
		if (rc) {
			snprintf(err, errlen, "cannot set up RX queue %u: %s", q,
				 rte_strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ep->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(ep->port_id, q, nb_txd,
					    rte_eth_dev_socket_id(ep->port_id), NULL);
		if (rc) {
			snprintf(err, errlen, "cannot set up TX queue %u: %s", q,
				 rte_strerror(-rc));
			return rc;
		}
	}
	held = rte_mempool_in_use_count(port_pool());
	rc = rte_eth_dev_start(ep->port_id);
	if (rc) {
		snprintf(err, errlen, "cannot start device: %s", rte_strerror(-rc));
		return rc;
	}
	rc = check_pool_left(held, err, errlen);
	if (rc)
		return rc;
	/* Some PMDs (net_tap) signal on the queue fd itself and have no
	 * enable/disable: the fd is what matters. */
	ep->rx_intr = conf.intr_conf.rxq;
	for (uint16_t q = 0; q < ep->nb_rxq && ep->rx_intr; q++)
		if (rte_eth_dev_rx_intr_ctl_q_get_fd(ep->port_id, q) < 0)
			ep->rx_intr = false;
	/* A relay forwards every frame: the VM's MAC is not the NIC's. Not
	 * every PMD has the notion, so failure here is not an error. */
	rte_eth_promiscuous_enable(ep->port_id);
	return 0;
}

/* The PMD's own line from a failed probe's log: the first that is not one
 * of the EAL's generic ones ("EAL: Driver cannot attach the device"), else
 * the EAL's first, without its "function(): " or "EAL: " prefix. */
static void probe_reason(const char *log, char *out, size_t outlen)
{
	const char *pick = NULL, *eal = NULL;
	const char *fn;
	size_t len;

	for (const char *line = log; *line && pick == NULL; ) {
		len = strcspn(line, "\n");
		if (strncmp(line, "EAL: ", 5) != 0)
			pick = line;
		else if (eal == NULL)
			eal = line + 5;
		line += len + (line[len] == '\n');
	}
	if (pick == NULL)
		pick = eal;
	if (pick == NULL) {
		out[0] = '\0';
		return;
	}
	len = strcspn(pick, "\n");
	fn = strstr(pick, "(): ");
	if (fn != NULL && fn < pick + len && memchr(pick, ' ', (size_t)(fn - pick)) == NULL) {
		len -= (size_t)(fn + 4 - pick);
		pick = fn + 4;
	}
	snprintf(out, outlen, "%.*s", (int)len, pick);
}

/*
 * rte_dev_probe() returns -EPERM for most failures; why it failed is only
 * in the log. The EAL's log stream is pointed at memory for the call
 * (every DPDK log line of the process meanwhile, so they are written to the
 * real log afterwards). That stream is never closed: another thread may
 * still be writing a line to it when the old stream is back.
 */
static int probe(const char *device, char *reason, size_t reasonlen)
{
	static FILE *mem;
	static char *buf;
	static size_t size;
	FILE *prev = rte_log_get_stream();
	char *log;
	long len;
	int rc;

	if (mem == NULL)
		mem = open_memstream(&buf, &size);
	if (mem == NULL || fseek(mem, 0, SEEK_SET) != 0)
		return rte_dev_probe(device);
	rte_openlog_stream(mem);
	rc = rte_dev_probe(device);
	rte_openlog_stream(prev);
	fflush(mem);
	len = ftell(mem);
	log = len > 0 ? strndup(buf, (size_t)len) : NULL;
	reason[0] = '\0';
	if (log != NULL) {
		fputs(log, prev);
		fflush(prev);
		if (rc)
			probe_reason(log, reason, reasonlen);
		free(log);
	}
	return rc;
}

static void eth_device_remove(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port_id, &info) == 0 && info.device != NULL) {
		if (rte_dev_remove(info.device) == 0)
			return;
	}
	rte_eth_dev_close(port_id);
}

static int eth_port_create(struct port *p, const void *args, char *err, size_t errlen)
{
	struct eth_port *ep = eth_of(p);
	char name[RTE_DEV_NAME_MAX_LEN], bus[RTE_DEV_NAME_MAX_LEN];
	char reason[256];
	const char *device;
	uint16_t existing;
	int rc;

	rc = take_eth_args(ep, args, &device, err, errlen);
	if (rc)
		return rc;
	if (device_name(device, bus, name, sizeof(name)) != 0) {
		snprintf(err, errlen,
			 "bad device string '%s': no DPDK bus or driver knows that name (want a PCI address or e.g. net_tap0,iface=NAME)",
			 device);
		return -EINVAL;
	}
	if (rte_eth_dev_get_port_by_name(name, &existing) == 0) {
		snprintf(err, errlen, "device '%s' is already attached", name);
		return -EEXIST;
	}
	rc = probe(device, reason, sizeof(reason));
	if (rc) {
		snprintf(err, errlen, "cannot attach device '%s': %s", device,
			 reason[0] ? reason : rte_strerror(-rc));
		return rc;
	}
	if (rte_eth_dev_get_port_by_name(name, &ep->port_id) != 0) {
		snprintf(err, errlen, "device '%s' attached but is not a network port", device);
		rte_eal_hotplug_remove(bus, name);
		return -ENODEV;
	}
	rc = eth_port_configure(p, err, errlen);
	if (rc) {
		rte_eth_dev_stop(ep->port_id);
		eth_device_remove(ep->port_id);
		return rc;
	}
	return 0;
}

static void eth_port_destroy(struct port *p)
{
	rte_eth_dev_stop(eth_of(p)->port_id);
	eth_device_remove(eth_of(p)->port_id);
}

static json_t *eth_stats_json(uint16_t port_id)
{
	struct rte_eth_stats st;

	if (rte_eth_stats_get(port_id, &st) != 0)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "rx_packets", (json_int_t)st.ipackets,
			 "rx_bytes", (json_int_t)st.ibytes,
			 "tx_packets", (json_int_t)st.opackets,
			 "tx_bytes", (json_int_t)st.obytes,
			 "rx_missed", (json_int_t)st.imissed,
			 "rx_errors", (json_int_t)st.ierrors,
			 "tx_errors", (json_int_t)st.oerrors,
			 "rx_nombuf", (json_int_t)st.rx_nombuf);
}

static void eth_port_describe(const struct port *p, json_t *obj, bool config_only)
{
	const struct eth_port *ep = eth_of(p);
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	struct rte_eth_dev_info info;
	char macstr[RTE_ETHER_ADDR_FMT_SIZE];
	uint16_t mtu;

	json_object_set_new(obj, "device", json_string(ep->devargs));
	json_object_set_new(obj, "queues", json_integer(ep->nb_rxq));
	if (ep->mtu)
		json_object_set_new(obj, "mtu", json_integer(ep->mtu));
	if (config_only)
		return;
	json_object_set_new(obj, "port_id", json_integer(ep->port_id));
	json_object_set_new(obj, "rx_interrupts", json_boolean(ep->rx_intr));
	if (rte_eth_dev_info_get(ep->port_id, &info) == 0)
		json_object_set_new(obj, "driver", json_string(info.driver_name));
	if (rte_eth_link_get_nowait(ep->port_id, &link) == 0) {
		json_object_set_new(obj, "state", json_string(link.link_status ? "up" : "down"));
		json_object_set_new(obj, "speed_mbps", json_integer(link.link_speed));
	}
	if (rte_eth_macaddr_get(ep->port_id, &mac) == 0) {
		rte_ether_format_addr(macstr, sizeof(macstr), &mac);
		json_object_set_new(obj, "mac", json_string(macstr));
	}
	if (!ep->mtu && rte_eth_dev_get_mtu(ep->port_id, &mtu) == 0)
		json_object_set_new(obj, "mtu", json_integer(mtu));
	json_object_set_new(obj, "stats", eth_stats_json(ep->port_id));
}

/* ---- the datapath's operations ------------------------------------------ */

static uint16_t eth_rx_burst(struct port *p, uint16_t *cursor, struct rte_mbuf **pkts,
			     uint16_t n)
{
	return eth_port_receive(eth_of(p), cursor, pkts, n);
}

static uint16_t eth_tx_burst(struct port *p, unsigned int wi, struct rte_mbuf **pkts,
			     uint16_t n)
{
	const struct eth_port *ep = eth_of(p);

	return rte_eth_tx_burst(ep->port_id, (uint16_t)(wi % ep->nb_txq), pkts, n);
}

static bool eth_is_up(const struct port *p)
{
	(void)p;
	return true; /* a NIC that refuses is full, or its link is down: both count as full */
}

static bool eth_guest_offloads(const struct port *p)
{
	(void)p;
	return false;
}

/* RX interrupts, for PMDs that have them (VFs with vfio, net_tap,
 * net_vhost, ...); DPDK's own epoll wrapper reads (or not) each PMD's
 * interrupt fd the way that PMD needs. Others (af_packet, pcap, ring) are
 * polled on the timer. */
static bool eth_idle_arm(struct port *p, bool no_irq, struct idle_set *set)
{
	const struct eth_port *ep = eth_of(p);
	bool all = ep->rx_intr && !no_irq;

	for (uint16_t q = 0; q < ep->nb_rxq && all; q++) {
		int rc = rte_eth_dev_rx_intr_enable(ep->port_id, q);

		if ((rc != 0 && rc != -ENOTSUP) ||
		    rte_eth_dev_rx_intr_ctl_q(ep->port_id, q, set->epfd,
					      RTE_INTR_EVENT_ADD, NULL) != 0)
			all = false;
	}
	return all;
}

static void eth_idle_rearm(struct port *p, bool no_irq)
{
	const struct eth_port *ep = eth_of(p);

	/* Many NICs mask an RX interrupt once it fired. */
	if (ep->rx_intr && !no_irq)
		for (uint16_t q = 0; q < ep->nb_rxq; q++)
			rte_eth_dev_rx_intr_enable(ep->port_id, q);
}

static void eth_idle_disarm(struct port *p, bool no_irq, struct idle_set *set)
{
	const struct eth_port *ep = eth_of(p);

	if (!ep->rx_intr || no_irq)
		return;
	for (uint16_t q = 0; q < ep->nb_rxq; q++) {
		rte_eth_dev_rx_intr_disable(ep->port_id, q);
		rte_eth_dev_rx_intr_ctl_q(ep->port_id, q, set->epfd, RTE_INTR_EVENT_DEL, NULL);
	}
}

const struct port_ops eth_port_ops = {
	.type = "eth",
	.priv_size = sizeof(struct eth_port),
	.args_size = sizeof(struct eth_port_args),
	.read_args = eth_port_read_args,
	.create = eth_port_create,
	.destroy = eth_port_destroy,
	.describe = eth_port_describe,
	.rx_burst = eth_rx_burst,
	.tx_burst = eth_tx_burst,
	.is_up = eth_is_up,
	.guest_offloads = eth_guest_offloads,
	.idle_arm = eth_idle_arm,
	.idle_rearm = eth_idle_rearm,
	.idle_disarm = eth_idle_disarm,
	.wakes_by_interrupt = true,
};

PORT_TYPE(eth_port_ops)
