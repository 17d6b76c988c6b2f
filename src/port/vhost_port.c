/* SPDX-License-Identifier: BSD-3-Clause */
#include "port/vhost_port.h"

#include <errno.h>
#include <grp.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_vhost.h>

#include "common/xvio_log.h"
#include "common/fs_nofollow.h"
#include "worker/worker.h"

#define FEATURE(bit) (1ULL << (bit))

/* Offloads offered with offloads=on: checksums both ways, and TCP TSO
 * from the guest, which the relay segments in software when the NIC
 * cannot (relay/relay_offload.h). */
#define GUEST_OFFLOAD_FEATURES \
	(FEATURE(VIRTIO_NET_F_CSUM) | FEATURE(VIRTIO_NET_F_GUEST_CSUM) | \
	 FEATURE(VIRTIO_NET_F_HOST_TSO4) | FEATURE(VIRTIO_NET_F_HOST_TSO6))

/* Never offered: rte_gso cannot segment them for a NIC that lacks them. */
#define UNSUPPORTED_OFFLOAD_FEATURES \
	(FEATURE(VIRTIO_NET_F_HOST_ECN) | \
	 FEATURE(VIRTIO_NET_F_HOST_UFO) | FEATURE(VIRTIO_NET_F_GUEST_TSO4) | \
	 FEATURE(VIRTIO_NET_F_GUEST_TSO6) | FEATURE(VIRTIO_NET_F_GUEST_ECN) | \
	 FEATURE(VIRTIO_NET_F_GUEST_UFO))

/* Ports the rte_vhost thread may look up by socket path; see the header. */
static pthread_mutex_t vhost_registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct port *vhost_registry[256];

static struct port *registry_find_locked(const char *path)
{
	for (size_t i = 0; i < RTE_DIM(vhost_registry); i++)
		if (vhost_registry[i] && strcmp(vhost_of(vhost_registry[i])->path, path) == 0)
			return vhost_registry[i];
	return NULL;
}

static int registry_insert(struct port *p)
{
	int rc = -ENOSPC;

	pthread_mutex_lock(&vhost_registry_lock);
	for (size_t i = 0; i < RTE_DIM(vhost_registry); i++) {
		if (vhost_registry[i] == NULL) {
			vhost_registry[i] = p;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&vhost_registry_lock);
	return rc;
}

static void registry_remove(struct port *p)
{
	pthread_mutex_lock(&vhost_registry_lock);
	for (size_t i = 0; i < RTE_DIM(vhost_registry); i++)
		if (vhost_registry[i] == p)
			vhost_registry[i] = NULL;
	pthread_mutex_unlock(&vhost_registry_lock);
}

/*
 * rte_vhost's server accepts any number of connections on one socket, and
 * each becomes a device (vid) of its own. A port has one frontend: the
 * first connection set up while it has none. Others are kept waiting
 * (counted in refused_frontends); when the port's frontend disconnects,
 * the oldest waiting one takes over, so a VM whose new frontend connected
 * before the old connection went (a hung QEMU) is not left without one.
 *
 * What rte_vhost reports per connection is kept here, by vid, under
 * vhost_registry_lock: it reports virtqueues enabled before it reports the
 * device ready, so the masks are copied to the port when it takes the
 * connection.
 */
struct vhost_conn {
	struct port *waits_for;    /* set up, waiting for this port's frontend to go */
	uint64_t arrival;          /* the oldest waiting connection takes over first */
	uint32_t rxq_enabled;
	uint32_t txq_enabled;
};

static struct vhost_conn vhost_conns[RTE_MAX_VHOST_DEVICE];
static uint64_t vhost_arrivals;

/* Lock the registry and find the port of a vhost device: NULL if its
 * socket is no port's (the registry stays locked either way). */
static struct port *lock_port_of(int vid)
{
	char path[PATH_MAX];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		path[0] = '\0';
	pthread_mutex_lock(&vhost_registry_lock);
	return path[0] ? registry_find_locked(path) : NULL;
}

static bool vid_valid(int vid)
{
	return vid >= 0 && vid < RTE_MAX_VHOST_DEVICE;
}

/* Make connection vid p's frontend. Registry locked, p has none. */
static void take_frontend_locked(struct port *p, int vid)
{
	struct vhost_port *vp = vhost_of(p);
	uint64_t features = 0;
	uint16_t mtu = 0;
	uint16_t nr;

	rte_vhost_get_negotiated_features(vid, &features);
	if (rte_vhost_get_mtu(vid, &mtu) != 0)
		mtu = 0;
	nr = (uint16_t)(rte_vhost_get_vring_num(vid) / 2);
	if (nr > VHOST_MAX_QUEUE_PAIRS) {
		XVIO_LOG(WARNING, "port %s: frontend has %u queue pairs, only %u are polled",
			 p->name, nr, VHOST_MAX_QUEUE_PAIRS);
		nr = VHOST_MAX_QUEUE_PAIRS;
	}
	/* We poll: ask the guest not to kick us for every packet. */
	for (uint16_t q = 0; q < nr * 2; q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
	vp->vid = vid;
	vp->features = features;
	vp->mtu = mtu;
	vp->nr_queue_pairs = nr;
	__atomic_store_n(&vp->rxq_enabled, vhost_conns[vid].rxq_enabled, __ATOMIC_RELAXED);
	__atomic_store_n(&vp->txq_enabled, vhost_conns[vid].txq_enabled, __ATOMIC_RELAXED);
	vp->connects++;
	__atomic_store_n(&vp->ready, 1, __ATOMIC_RELEASE);
	XVIO_LOG(INFO, "port %s: frontend connected (vid %d, %u queue pairs, features 0x%" PRIx64 ")",
		 p->name, vid, nr, features);
}

/* The oldest connection waiting for p, or -1. Registry locked. */
static int oldest_waiting_locked(const struct port *p)
{
	int best = -1;

	for (int vid = 0; vid < RTE_MAX_VHOST_DEVICE; vid++)
		if (vhost_conns[vid].waits_for == p &&
		    (best < 0 || vhost_conns[vid].arrival < vhost_conns[best].arrival))
			best = vid;
	return best;
}

static int on_new_connection(int vid)
{
	if (!vid_valid(vid))
		return -1;
	/* A vid is reused: forget what an earlier connection that never got
	 * set up (so had no destroy_device) left behind. */
	pthread_mutex_lock(&vhost_registry_lock);
	memset(&vhost_conns[vid], 0, sizeof(vhost_conns[vid]));
	pthread_mutex_unlock(&vhost_registry_lock);
	return 0;
}

static int on_new_device(int vid)
{
	struct vhost_port *vp;
	struct port *p;
	int live;

	if (!vid_valid(vid))
		return -1;
	p = lock_port_of(vid);
	if (p == NULL) {
		pthread_mutex_unlock(&vhost_registry_lock);
		return -1;
	}
	vp = vhost_of(p);
	if (vp->vid >= 0) {
		/* Accepted as far as rte_vhost is concerned, so that its
		 * destroy_device tells us when it goes; never polled. */
		live = vp->vid;
		vhost_conns[vid].waits_for = p;
		vhost_conns[vid].arrival = ++vhost_arrivals;
		vp->refused_frontends++;
		vp->waiting_frontends++;
		pthread_mutex_unlock(&vhost_registry_lock);
		XVIO_LOG(WARNING, "port %s: frontend refused (vid %d): vid %d is connected; "
			 "it waits until that one disconnects", p->name, vid, live);
		return 0;
	}
	take_frontend_locked(p, vid);
	pthread_mutex_unlock(&vhost_registry_lock);
	worker_kick_all(); /* idle workers: arm on the new virtqueues */
	return 0;
}

static void on_destroy_device(int vid)
{
	struct vhost_conn *c;
	struct vhost_port *vp;
	struct port *p;
	bool waited;
	int next;

	if (!vid_valid(vid))
		return;
	p = lock_port_of(vid);
	c = &vhost_conns[vid];
	waited = c->waits_for != NULL;
	if (waited)
		vhost_of(c->waits_for)->waiting_frontends--;
	memset(c, 0, sizeof(*c));
	/* A waiting connection, or any other that is not the port's
	 * frontend: the port's device stays as it is. */
	if (p == NULL || waited || vhost_of(p)->vid != vid) {
		pthread_mutex_unlock(&vhost_registry_lock);
		if (waited)
			XVIO_LOG(INFO, "port %s: waiting frontend (vid %d) disconnected", p->name, vid);
		return;
	}
	vp = vhost_of(p);
	__atomic_store_n(&vp->ready, 0, __ATOMIC_RELEASE);
	/* Wait until no worker can still be using this vid. */
	worker_synchronize();
	vp->vid = -1;
	__atomic_store_n(&vp->rxq_enabled, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&vp->txq_enabled, 0, __ATOMIC_RELAXED);
	vp->disconnects++;
	XVIO_LOG(INFO, "port %s: frontend disconnected", p->name);
	next = oldest_waiting_locked(p);
	if (next >= 0) {
		vhost_conns[next].waits_for = NULL;
		vp->waiting_frontends--;
		take_frontend_locked(p, next);
	}
	pthread_mutex_unlock(&vhost_registry_lock);
	if (next >= 0)
		worker_kick_all();
}

static int on_vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	struct port *p;
	uint32_t bit = 1u << (queue_id / 2);
	uint32_t *conn_mask, *port_mask;
	bool live;

	if (queue_id / 2 >= VHOST_MAX_QUEUE_PAIRS || !vid_valid(vid))
		return 0;
	p = lock_port_of(vid);
	conn_mask = queue_id % 2 == 0 ? &vhost_conns[vid].rxq_enabled
				      : &vhost_conns[vid].txq_enabled;
	*conn_mask = enable ? *conn_mask | bit : *conn_mask & ~bit;
	live = p != NULL && vhost_of(p)->vid == vid;
	if (live) {
		port_mask = queue_id % 2 == 0 ? &vhost_of(p)->rxq_enabled : &vhost_of(p)->txq_enabled;
		__atomic_store_n(port_mask, *conn_mask, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&vhost_registry_lock);
	if (!live)
		return 0;
	worker_kick_all();
	XVIO_LOG(DEBUG, "port %s: virtqueue %u %s", p->name, queue_id,
		 enable ? "enabled" : "disabled");
	return 0;
}

static int on_features_changed(int vid, uint64_t features)
{
	struct port *p = lock_port_of(vid);
	bool live = p != NULL && vhost_of(p)->vid == vid;

	if (live)
		vhost_of(p)->features = features;
	pthread_mutex_unlock(&vhost_registry_lock);
	/* VHOST_F_LOG_ALL toggles here around a live migration; rte_vhost
	 * logs dirty pages itself, nothing for the relay to do. */
	if (live)
		XVIO_LOG(INFO, "port %s: features now 0x%" PRIx64, p->name, features);
	return 0;
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
	.vring_state_changed = on_vring_state_changed,
	.features_changed = on_features_changed,
	.new_connection = on_new_connection,
};

static int resolve_path(const char *given, char *out, size_t outlen,
			char *err, size_t errlen)
{
	int n;

	if (given[0] == '\0') {
		snprintf(err, errlen, "argument 'path' must not be empty");
		return -EINVAL;
	}
	if (strchr(given, '/') != NULL)
		n = snprintf(out, outlen, "%s", given);
	else
		n = snprintf(out, outlen, "%s/%s", port_vhost_dir(), given);
	if (n < 0 || (size_t)n >= outlen || (size_t)n >= 108 /* sun_path */) {
		snprintf(err, errlen, "socket path '%s' is too long for a UNIX socket", given);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The arguments read (vhost_port_args.c), checked, into the port. */
static int take_vhost_args(struct vhost_port *vp, const struct vhost_port_args *a,
			   char *err, size_t errlen)
{
	const char *mode = a->mode, *owner = a->owner, *group = a->group, *perm = a->perm;
	char *end;
	int rc;

	vp->mrg_rxbuf = a->mrg_rxbuf;
	vp->packed_ring = a->packed;
	vp->guest_offloads = a->offloads;
	if (strcmp(mode, "server") && strcmp(mode, "client")) {
		snprintf(err, errlen, "mode '%s' is not server or client", mode);
		return -EINVAL;
	}
	vp->client = strcmp(mode, "client") == 0;
	vp->queue_pairs = a->queues;
	rc = resolve_path(a->path, vp->path, sizeof(vp->path), err, errlen);
	if (rc)
		return rc;
	/* xviod creates, chowns and unlinks a server socket: only where the
	 * operator said. A client-mode socket is QEMU's; xviod only connects. */
	if (!vp->client) {
		char full[sizeof(vp->path)];

		rc = path_confine(port_vhost_area(), vp->path, false, full, sizeof(full),
				  err, errlen);
		if (rc)
			return rc;
	}
	if (owner[0] && getpwnam(owner) == NULL) {
		snprintf(err, errlen, "owner '%s' is not a user on this host", owner);
		return -EINVAL;
	}
	if (group[0] && getgrnam(group) == NULL) {
		snprintf(err, errlen, "group '%s' is not a group on this host", group);
		return -EINVAL;
	}
	if (perm[0]) {
		unsigned long m = strtoul(perm, &end, 8);

		if (*end != '\0' || m == 0 || m > 0777) {
			snprintf(err, errlen, "perm '%s' is not an octal mode like 0660", perm);
			return -EINVAL;
		}
		vp->perm = (unsigned int)m;
	}
	if ((owner[0] || group[0] || perm[0]) && vp->client) {
		snprintf(err, errlen, "owner, group and perm apply to server-mode sockets only");
		return -EINVAL;
	}
	snprintf(vp->owner, sizeof(vp->owner), "%s", owner);
	snprintf(vp->group, sizeof(vp->group), "%s", group);
	return 0;
}

static int apply_socket_ownership(const struct vhost_port *vp, char *err, size_t errlen)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int rc;

	if (vp->owner[0])
		uid = getpwnam(vp->owner)->pw_uid;
	if (vp->group[0])
		gid = getgrnam(vp->group)->gr_gid;
	rc = socket_file_set_owner(vp->path, uid, gid, vp->perm);
	if (rc)
		snprintf(err, errlen, "cannot set the owner and mode of %s: %s", vp->path,
			 strerror(-rc));
	return rc;
}

static uint64_t disabled_features(const struct vhost_port *vp)
{
	uint64_t off = UNSUPPORTED_OFFLOAD_FEATURES;

	if (!vp->mrg_rxbuf)
		off |= FEATURE(VIRTIO_NET_F_MRG_RXBUF);
	if (!vp->packed_ring)
		off |= FEATURE(VIRTIO_F_RING_PACKED);
	if (!vp->guest_offloads)
		off |= GUEST_OFFLOAD_FEATURES;
	if (vp->queue_pairs == 1)
		off |= FEATURE(VIRTIO_NET_F_MQ);
	return off;
}

static int vhost_port_create(struct port *p, const void *args, char *err, size_t errlen)
{
	struct vhost_port *vp = vhost_of(p);
	/* Not RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS: a relay sends what it
	 * dequeues straight to a NIC, so we want rte_vhost's legacy marking
	 * of a guest's checksum/TSO requests as TX flags with header lengths
	 * (relay/relay_offload.h), not the RX-side flags of compliant mode. */
	uint64_t flags = 0;
	int rc;

	rc = take_vhost_args(vp, args, err, errlen);
	if (rc)
		return rc;
	vp->vid = -1;
	pthread_mutex_lock(&vhost_registry_lock);
	if (registry_find_locked(vp->path) != NULL) {
		pthread_mutex_unlock(&vhost_registry_lock);
		snprintf(err, errlen, "socket %s is already used by another port", vp->path);
		return -EEXIST;
	}
	pthread_mutex_unlock(&vhost_registry_lock);
	if (!vp->client) {
		/* Its directory exists: parse_vhost_args() confined it. */
		struct stat st;

		if (lstat(vp->path, &st) == 0) {
			snprintf(err, errlen, "%s already exists; remove it or choose another path",
				 vp->path);
			return -EEXIST;
		}
	} else {
		flags |= RTE_VHOST_USER_CLIENT;
	}
	if (registry_insert(p) != 0) {
		snprintf(err, errlen, "too many vhost-user ports");
		return -ENOSPC;
	}
	if (rte_vhost_driver_register(vp->path, flags) != 0) {
		snprintf(err, errlen, "cannot create vhost-user socket %s (does its directory exist?)",
			 vp->path);
		rc = -EIO;
		goto fail_registry;
	}
	if (rte_vhost_driver_disable_features(vp->path, disabled_features(vp)) != 0 ||
	    rte_vhost_driver_callback_register(vp->path, &vhost_ops) != 0) {
		snprintf(err, errlen, "cannot set up vhost-user socket %s", vp->path);
		rc = -EIO;
		goto fail_unregister;
	}
	if (rte_vhost_driver_start(vp->path) != 0) {
		snprintf(err, errlen, "cannot start vhost-user socket %s", vp->path);
		rc = -EIO;
		goto fail_unregister;
	}
	if (!vp->client) {
		rc = apply_socket_ownership(vp, err, errlen);
		if (rc)
			goto fail_unregister;
	}
	return 0;

fail_unregister:
	rte_vhost_driver_unregister(vp->path);
fail_registry:
	registry_remove(p);
	return rc;
}

static void vhost_port_destroy(struct port *p)
{
	/* May run destroy_device in this thread; it takes only the registry
	 * lock, which we do not hold here. */
	if (rte_vhost_driver_unregister(vhost_of(p)->path) != 0)
		XVIO_LOG(WARNING, "port %s: vhost-user unregister failed", p->name);
	registry_remove(p);
}

static json_t *feature_names(uint64_t f)
{
	static const struct { int bit; const char *name; } names[] = {
		{ VIRTIO_NET_F_CSUM, "csum" },
		{ VIRTIO_NET_F_GUEST_CSUM, "guest_csum" },
		{ VIRTIO_NET_F_MTU, "mtu" },
		{ VIRTIO_NET_F_MAC, "mac" },
		{ VIRTIO_NET_F_GUEST_TSO4, "guest_tso4" },
		{ VIRTIO_NET_F_GUEST_TSO6, "guest_tso6" },
		{ VIRTIO_NET_F_HOST_TSO4, "host_tso4" },
		{ VIRTIO_NET_F_HOST_TSO6, "host_tso6" },
		{ VIRTIO_NET_F_MRG_RXBUF, "mrg_rxbuf" },
		{ VIRTIO_NET_F_STATUS, "status" },
		{ VIRTIO_NET_F_CTRL_VQ, "ctrl_vq" },
		{ VIRTIO_NET_F_GUEST_ANNOUNCE, "guest_announce" },
		{ VIRTIO_NET_F_MQ, "mq" },
		{ VIRTIO_F_VERSION_1, "version_1" },
		{ VIRTIO_F_RING_PACKED, "packed" },
		{ 26 /* VHOST_F_LOG_ALL: dirty logging, live migration */, "log_all" },
		{ 28 /* VIRTIO_RING_F_INDIRECT_DESC */, "indirect_desc" },
		{ 29 /* VIRTIO_RING_F_EVENT_IDX */, "event_idx" },
		{ 30 /* VHOST_USER_F_PROTOCOL_FEATURES */, "protocol_features" },
	};
	json_t *arr = json_array();

	for (size_t i = 0; i < RTE_DIM(names); i++)
		if (f & FEATURE(names[i].bit))
			json_array_append_new(arr, json_string(names[i].name));
	return arr;
}

static void vhost_port_describe(const struct port *p, json_t *obj, bool config_only)
{
	const struct vhost_port *vp = vhost_of(p);
	char perm[16];

	json_object_set_new(obj, "path", json_string(vp->path));
	json_object_set_new(obj, "mode", json_string(vp->client ? "client" : "server"));
	json_object_set_new(obj, "queues", json_integer(vp->queue_pairs));
	json_object_set_new(obj, "mrg_rxbuf", json_boolean(vp->mrg_rxbuf));
	json_object_set_new(obj, "packed", json_boolean(vp->packed_ring));
	json_object_set_new(obj, "offloads", json_boolean(vp->guest_offloads));
	if (vp->owner[0])
		json_object_set_new(obj, "owner", json_string(vp->owner));
	if (vp->group[0])
		json_object_set_new(obj, "group", json_string(vp->group));
	if (vp->perm) {
		snprintf(perm, sizeof(perm), "0%o", vp->perm);
		json_object_set_new(obj, "perm", json_string(perm));
	}
	if (config_only)
		return;
	if (vhost_port_is_ready(vp)) {
		json_object_set_new(obj, "state", json_string("connected"));
		json_object_set_new(obj, "vid", json_integer(vp->vid));
		json_object_set_new(obj, "queue_pairs", json_integer(vp->nr_queue_pairs));
		json_object_set_new(obj, "features", json_sprintf("0x%" PRIx64, vp->features));
		json_object_set_new(obj, "feature_names", feature_names(vp->features));
		json_object_set_new(obj, "rxq_enabled",
			json_integer(__atomic_load_n(&vp->rxq_enabled, __ATOMIC_RELAXED)));
		json_object_set_new(obj, "txq_enabled",
			json_integer(__atomic_load_n(&vp->txq_enabled, __ATOMIC_RELAXED)));
		if (vp->mtu)
			json_object_set_new(obj, "mtu", json_integer(vp->mtu));
	} else {
		json_object_set_new(obj, "state", json_string(vp->client ? "connecting" : "waiting"));
	}
	json_object_set_new(obj, "connects", json_integer((json_int_t)vp->connects));
	json_object_set_new(obj, "disconnects", json_integer((json_int_t)vp->disconnects));
	json_object_set_new(obj, "refused_frontends",
			    json_integer((json_int_t)vp->refused_frontends));
	json_object_set_new(obj, "waiting_frontends", json_integer(vp->waiting_frontends));
	json_object_set_new(obj, "rx_oversize", json_integer((json_int_t)
		__atomic_load_n(&vp->rx_oversize, __ATOMIC_RELAXED)));
	json_object_set_new(obj, "rx_mbuf_shortages", json_integer((json_int_t)
		__atomic_load_n(&vp->rx_mbuf_shortages, __ATOMIC_RELAXED)));
}

/* ---- the datapath's operations ------------------------------------------ */

/* The guest's frame limit: its MTU plus Ethernet and VLAN headers if it
 * negotiated one, else VHOST_MAX_FRAME. TSO frames are bounded by the
 * offload (64 KB) instead. */
static uint32_t max_frame(const struct vhost_port *vp)
{
	return vp->mtu ? (uint32_t)vp->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN : VHOST_MAX_FRAME;
}

/* Drop what a guest may not send; keeps the order of the rest. */
static uint16_t drop_oversize(struct vhost_port *vp, struct rte_mbuf **pkts, uint16_t n,
			      uint32_t limit)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(m->pkt_len > limit && !(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG))) {
			rte_pktmbuf_free(m);
			vp->rx_oversize++;
		} else {
			pkts[kept++] = m;
		}
	}
	return kept;
}

/* rte_vhost returns 0 both for an empty ring and when it cannot take
 * buffers for what waits (it allocates min(n, waiting) at once): tell the
 * two apart. Asked only while the pool is short (port_pool_short). */
static void count_shortage(struct vhost_port *vp, struct rte_mempool *pool, uint16_t n)
{
	uint32_t waiting = 0;

	for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
		waiting += rte_vhost_rx_queue_count(vp->vid, VHOST_GUEST_TXQ(q));

	if (waiting > 0 && rte_mempool_avail_count(pool) < RTE_MIN((uint32_t)n, waiting))
		vp->rx_mbuf_shortages++;
}

static uint16_t vhost_rx_burst(struct port *p, uint16_t *cursor, struct rte_mbuf **pkts,
			       uint16_t n)
{
	struct vhost_port *vp = vhost_of(p);
	struct rte_mempool *pool = port_pool();
	uint16_t got = vhost_port_receive(vp, cursor, pool, pkts, n);
	uint32_t limit;

	if (unlikely(got == 0)) {
		if (unlikely(__atomic_load_n(&port_pool_short, __ATOMIC_RELAXED)) &&
		    vhost_port_is_ready(vp))
			count_shortage(vp, pool, n);
		return 0;
	}
	limit = max_frame(vp);
	for (uint16_t i = 0; i < got; i++)
		if (unlikely(pkts[i]->pkt_len > limit))
			return drop_oversize(vp, pkts, got, limit);
	return got;
}

/* rte_vhost copies into the guest's buffers: what it sent is freed here. */
static uint16_t vhost_tx_burst(struct port *p, unsigned int wi, struct rte_mbuf **pkts,
			       uint16_t n)
{
	const struct vhost_port *vp = vhost_of(p);
	uint32_t enabled = __atomic_load_n(&vp->rxq_enabled, __ATOMIC_ACQUIRE);
	uint16_t q = 0, sent;

	if (!vhost_port_is_ready(vp))
		return 0;
	/* Spread workers over the guest's enabled RX queues. */
	if (enabled) {
		unsigned int k = wi % (unsigned int)__builtin_popcount(enabled);

		while (k--)
			enabled &= enabled - 1;
		q = (uint16_t)__builtin_ctz(enabled);
	}
	sent = rte_vhost_enqueue_burst(vp->vid, VHOST_GUEST_RXQ(q), pkts, n);
	rte_pktmbuf_free_bulk(pkts, sent);
	return sent;
}

static bool vhost_is_up(const struct port *p)
{
	return vhost_port_is_ready(vhost_of(p));
}

static bool vhost_guest_offloads(const struct port *p)
{
	return vhost_of(p)->guest_offloads;
}

/* The guest kicks an eventfd (the TX virtqueue's kickfd) when it adds
 * packets, once we ask it to (guest notifications on). */
static bool vhost_idle_arm(struct port *p, bool no_irq, struct idle_set *set)
{
	const struct vhost_port *vp = vhost_of(p);
	bool all = true;

	(void)no_irq;
	if (!vhost_port_is_ready(vp))
		return true; /* nothing to wait for: new_device kicks the worker */
	for (uint16_t q = 0; q < vp->nr_queue_pairs; q++) {
		struct rte_vhost_vring vring;
		uint16_t qid = VHOST_GUEST_TXQ(q);

		if (rte_vhost_get_vhost_vring(vp->vid, qid, &vring) != 0 ||
		    rte_vhost_enable_guest_notification(vp->vid, qid, 1) != 0 ||
		    idle_set_add_eventfd(set, vring.kickfd) != 0)
			all = false;
	}
	return all;
}

static void vhost_idle_rearm(struct port *p, bool no_irq)
{
	const struct vhost_port *vp = vhost_of(p);

	(void)no_irq;
	/* With VIRTIO_RING_F_EVENT_IDX this moves the avail event to what we
	 * have consumed; a stale one means no kick. */
	if (vhost_port_is_ready(vp))
		for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
			rte_vhost_enable_guest_notification(vp->vid, VHOST_GUEST_TXQ(q), 1);
}

static void vhost_idle_disarm(struct port *p, bool no_irq, struct idle_set *set)
{
	const struct vhost_port *vp = vhost_of(p);

	(void)no_irq, (void)set;
	if (!vhost_port_is_ready(vp))
		return;
	for (uint16_t q = 0; q < vp->nr_queue_pairs; q++)
		rte_vhost_enable_guest_notification(vp->vid, VHOST_GUEST_TXQ(q), 0);
}

const struct port_ops vhost_port_ops = {
	.type = "vhost",
	.priv_size = sizeof(struct vhost_port),
	.args_size = sizeof(struct vhost_port_args),
	.read_args = vhost_port_read_args,
	.create = vhost_port_create,
	.destroy = vhost_port_destroy,
	.describe = vhost_port_describe,
	.rx_burst = vhost_rx_burst,
	.tx_burst = vhost_tx_burst,
	.is_up = vhost_is_up,
	.guest_offloads = vhost_guest_offloads,
	.idle_arm = vhost_idle_arm,
	.idle_rearm = vhost_idle_rearm,
	.idle_disarm = vhost_idle_disarm,
};

PORT_TYPE(vhost_port_ops)
