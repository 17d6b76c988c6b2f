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

#include <rte_rcu_qsbr.h>
#include <rte_vhost.h>

#include "common/xvio_log.h"
#include "common/fs_nofollow.h"
#include "ctl/ctl_args.h"
#include "port/port.h"
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
		if (vhost_registry[i] && strcmp(vhost_registry[i]->vhost.path, path) == 0)
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

/* Find the port of a vhost device and lock the registry; NULL if unknown. */
static struct vhost_port *lock_port_of(int vid, const char **name)
{
	char path[PATH_MAX];
	struct port *p;

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		return NULL;
	pthread_mutex_lock(&vhost_registry_lock);
	p = registry_find_locked(path);
	if (p == NULL) {
		pthread_mutex_unlock(&vhost_registry_lock);
		return NULL;
	}
	*name = p->name;
	return &p->vhost;
}

static int on_new_device(int vid)
{
	struct vhost_port *vp;
	const char *name;
	uint64_t features = 0;
	uint16_t mtu = 0;
	uint16_t nr;

	vp = lock_port_of(vid, &name);
	if (vp == NULL)
		return -1;
	rte_vhost_get_negotiated_features(vid, &features);
	if (rte_vhost_get_mtu(vid, &mtu) != 0)
		mtu = 0;
	nr = (uint16_t)(rte_vhost_get_vring_num(vid) / 2);
	if (nr > VHOST_MAX_QUEUE_PAIRS) {
		XVIO_LOG(WARNING, "port %s: frontend has %u queue pairs, only %u are polled",
			 name, nr, VHOST_MAX_QUEUE_PAIRS);
		nr = VHOST_MAX_QUEUE_PAIRS;
	}
	/* We poll: ask the guest not to kick us for every packet. */
	for (uint16_t q = 0; q < nr * 2; q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
	vp->vid = vid;
	vp->features = features;
	vp->mtu = mtu;
	vp->nr_queue_pairs = nr;
	vp->connects++;
	__atomic_store_n(&vp->ready, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vhost_registry_lock);
	worker_kick_all(); /* idle workers: arm on the new virtqueues */
	XVIO_LOG(INFO, "port %s: frontend connected (vid %d, %u queue pairs, features 0x%" PRIx64 ")",
		 name, vid, nr, features);
	return 0;
}

static void on_destroy_device(int vid)
{
	struct vhost_port *vp;
	const char *name;

	vp = lock_port_of(vid, &name);
	if (vp == NULL)
		return;
	__atomic_store_n(&vp->ready, 0, __ATOMIC_RELEASE);
	/* Wait until no worker can still be using this vid. */
	worker_synchronize();
	vp->vid = -1;
	__atomic_store_n(&vp->rxq_enabled, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&vp->txq_enabled, 0, __ATOMIC_RELAXED);
	vp->disconnects++;
	pthread_mutex_unlock(&vhost_registry_lock);
	XVIO_LOG(INFO, "port %s: frontend disconnected", name);
}

static int on_vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	struct vhost_port *vp;
	const char *name;
	uint32_t bit = 1u << (queue_id / 2);
	uint32_t *mask;

	if (queue_id / 2 >= VHOST_MAX_QUEUE_PAIRS)
		return 0;
	vp = lock_port_of(vid, &name);
	if (vp == NULL)
		return 0;
	mask = (queue_id % 2 == 0) ? &vp->rxq_enabled : &vp->txq_enabled;
	if (enable)
		__atomic_fetch_or(mask, bit, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(mask, ~bit, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vhost_registry_lock);
	worker_kick_all();
	XVIO_LOG(DEBUG, "port %s: virtqueue %u %s", name, queue_id,
		 enable ? "enabled" : "disabled");
	return 0;
}

static int on_features_changed(int vid, uint64_t features)
{
	struct vhost_port *vp;
	const char *name;

	vp = lock_port_of(vid, &name);
	if (vp == NULL)
		return 0;
	vp->features = features;
	pthread_mutex_unlock(&vhost_registry_lock);
	/* VHOST_F_LOG_ALL toggles here around a live migration; rte_vhost
	 * logs dirty pages itself, nothing for the relay to do. */
	XVIO_LOG(INFO, "port %s: features now 0x%" PRIx64, name, features);
	return 0;
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
	.vring_state_changed = on_vring_state_changed,
	.features_changed = on_features_changed,
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

static int parse_vhost_args(struct vhost_port *vp, json_t *args,
			    char *err, size_t errlen)
{
	static const char *const allowed[] = {
		"name", "type", "path", "mode", "queues", "mrg_rxbuf", "packed",
		"offloads", "owner", "group", "perm", NULL
	};
	const char *path, *mode, *owner, *group, *perm;
	unsigned int queues;
	char *end;
	int rc;

	rc = args_check_keys(args, allowed, err, errlen);
	rc = rc ?: args_get_str(args, "path", NULL, &path, err, errlen);
	rc = rc ?: args_get_str(args, "mode", "server", &mode, err, errlen);
	rc = rc ?: args_get_uint(args, "queues", false, 1, 1, VHOST_MAX_QUEUE_PAIRS,
				 &queues, err, errlen);
	rc = rc ?: args_get_bool(args, "mrg_rxbuf", true, &vp->mrg_rxbuf, err, errlen);
	rc = rc ?: args_get_bool(args, "packed", true, &vp->packed_ring, err, errlen);
	rc = rc ?: args_get_bool(args, "offloads", false, &vp->guest_offloads, err, errlen);
	rc = rc ?: args_get_str(args, "owner", "", &owner, err, errlen);
	rc = rc ?: args_get_str(args, "group", "", &group, err, errlen);
	rc = rc ?: args_get_str(args, "perm", "", &perm, err, errlen);
	if (rc)
		return rc;
	if (strcmp(mode, "server") && strcmp(mode, "client")) {
		snprintf(err, errlen, "mode '%s' is not server or client", mode);
		return -EINVAL;
	}
	vp->client = strcmp(mode, "client") == 0;
	vp->queue_pairs = queues;
	rc = resolve_path(path, vp->path, sizeof(vp->path), err, errlen);
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

int vhost_port_create(struct port *p, json_t *args, char *err, size_t errlen)
{
	struct vhost_port *vp = &p->vhost;
	/* Not RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS: a relay sends what it
	 * dequeues straight to a NIC, so we want rte_vhost's legacy marking
	 * of a guest's checksum/TSO requests as TX flags with header lengths
	 * (relay/relay_offload.h), not the RX-side flags of compliant mode. */
	uint64_t flags = 0;
	int rc;

	rc = parse_vhost_args(vp, args, err, errlen);
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

void vhost_port_destroy(struct port *p)
{
	/* May run destroy_device in this thread; it takes only the registry
	 * lock, which we do not hold here. */
	if (rte_vhost_driver_unregister(p->vhost.path) != 0)
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

void vhost_port_describe(const struct port *p, json_t *obj, bool config_only)
{
	const struct vhost_port *vp = &p->vhost;
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
}
