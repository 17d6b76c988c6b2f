/* SPDX-License-Identifier: BSD-3-Clause */
#include "relay/relay.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "common/names.h"
#include "common/xvio_log.h"
#include "ctl/ctl_figure.h"
#include "port/eth_port.h"
#include "port/port.h"
#include "port/vhost_port.h"
#include "relay/relay_dp.h"
#include "worker/placement.h"
#include "worker/worker.h"

/* A move must take at least this share of a core off the busiest
 * worker, so measurement noise never shuffles relays around. */

static TAILQ_HEAD(, relay) relay_list = TAILQ_HEAD_INITIALIZER(relay_list);

static const char *const dir_names[DIR__COUNT] = {
	[DIR_VM_TO_NIC] = "vm-to-nic",
	[DIR_NIC_TO_VM] = "nic-to-vm",
};

static const char *const drop_names[DROP__COUNT] = {
	[DROP_VM_DOWN] = "vm_down",
	[DROP_DEST_STALLED] = "dest_stalled",
	[DROP_OFFLOAD_FAILED] = "offload_failed",
};

const char *relay_dir_name(enum relay_dir_kind kind)
{
	return dir_names[kind];
}

const char *relay_drop_reason_name(enum relay_drop_reason reason)
{
	return drop_names[reason];
}

struct relay *relay_find(const char *name)
{
	struct relay *r;

	TAILQ_FOREACH(r, &relay_list, next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

struct relay *relay_first(void)
{
	return TAILQ_FIRST(&relay_list);
}

struct relay *relay_next(struct relay *r)
{
	return TAILQ_NEXT(r, next);
}

/* The directions a command names: one, or both when dir is NULL. */
static int dir_mask(const char *dir, unsigned int *mask, char *err, size_t errlen)
{
	if (dir == NULL) {
		*mask = (1u << DIR__COUNT) - 1;
		return 0;
	}
	for (int k = 0; k < DIR__COUNT; k++) {
		if (strcmp(dir, dir_names[k]) == 0) {
			*mask = 1u << k;
			return 0;
		}
	}
	snprintf(err, errlen, "direction '%s' is not vm-to-nic or nic-to-vm", dir);
	return -EINVAL;
}

static struct worker *worker_for_cpu(unsigned int cpu, char *err, size_t errlen)
{
	struct worker *w = worker_by_cpu(cpu);
	char list[256];
	size_t off = 0;

	if (w != NULL)
		return w;
	list[0] = '\0';
	for (unsigned int i = 0; i < worker_count() && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%u",
					i ? "," : "", worker_get(i)->cpu);
	snprintf(err, errlen, "CPU %u runs no worker (worker CPUs: %s)", cpu, list);
	return NULL;
}

static int lookup_pair(const char *vm_name, const char *nic_name, struct port **vm,
		       struct port **nic, char *err, size_t errlen)
{
	*vm = port_find(vm_name);
	*nic = port_find(nic_name);
	if (*vm == NULL) {
		snprintf(err, errlen, "no port named '%s'", vm_name);
		return -ENOENT;
	}
	if (*nic == NULL) {
		snprintf(err, errlen, "no port named '%s'", nic_name);
		return -ENOENT;
	}
	if (!vhost_port_is(*vm)) {
		snprintf(err, errlen, "port '%s' is not a vhost-user port", vm_name);
		return -EINVAL;
	}
	if (!eth_port_is(*nic)) {
		snprintf(err, errlen, "port '%s' is not a NIC (eth) port", nic_name);
		return -EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		const struct port *p = i == 0 ? *vm : *nic;

		if (p->owner.kind == NULL)
			continue;
		if (strcmp(p->owner.kind, "relay") == 0)
			snprintf(err, errlen, "port '%s' is already in a relay", p->name);
		else
			snprintf(err, errlen, "port '%s' is attached to a %s", p->name,
				 p->owner.kind);
		return -EBUSY;
	}
	return 0;
}

int relay_add(const struct relay_spec *spec, char *err, size_t errlen)
{
	const char *name = spec->name;
	struct worker *pin[DIR__COUNT] = { NULL, NULL };
	struct port *vm, *nic;
	struct relay *r;
	int rc;

	if (name[0] == '\0' || strlen(name) >= RELAY_NAME_MAX) {
		snprintf(err, errlen, "relay name must be 1 to %d characters",
			 RELAY_NAME_MAX - 1);
		return -EINVAL;
	}
	rc = names_check_free("relay", name, err, errlen);
	if (rc)
		return rc;
	rc = lookup_pair(spec->vhost, spec->nic, &vm, &nic, err, errlen);
	if (rc)
		return rc;
	for (int k = 0; k < DIR__COUNT; k++) {
		if (spec->cpu[k] < 0)
			continue;
		pin[k] = worker_for_cpu((unsigned int)spec->cpu[k], err, errlen);
		if (pin[k] == NULL)
			return -EINVAL;
	}
	r = rte_zmalloc("relay", sizeof(*r), RTE_CACHE_LINE_SIZE);
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->vm = vm;
	r->nic = nic;
	for (int k = 0; k < DIR__COUNT; k++) {
		r->dir[k].relay = r;
		r->dir[k].kind = (enum relay_dir_kind)k;
		r->dir[k].vm = vm;
		r->dir[k].nic = nic;
		r->dir[k].job.ops = &relay_dir_job_ops;
		r->dir[k].job.source = k == DIR_VM_TO_NIC ? &vm->wake : &nic->wake;
		r->dir[k].job.pinned = pin[k] != NULL;
		snprintf(r->dir[k].job.name, sizeof(r->dir[k].job.name), "%s/%s", name,
			 dir_names[k]);
	}
	port_set_owner(vm, "relay", r->name);   /* lookup_pair: both were free */
	port_set_owner(nic, "relay", r->name);
	TAILQ_INSERT_TAIL(&relay_list, r, next);
	for (int k = 0; k < DIR__COUNT; k++) {
		rc = job_place(&r->dir[k].job, pin[k]);
		if (rc) {
			relay_del(name, err, errlen);
			snprintf(err, errlen, "out of memory");
			return rc;
		}
	}
	XVIO_LOG(INFO, "relay %s: %s <-> %s (CPU %u / %u)", r->name, vm->name, nic->name,
		 r->dir[DIR_VM_TO_NIC].job.worker->cpu, r->dir[DIR_NIC_TO_VM].job.worker->cpu);
	return 0;
}

static void relay_destroy(struct relay *r)
{
	for (int k = 0; k < DIR__COUNT; k++) {
		job_unplace(&r->dir[k].job);
		relay_dir_flush_held(&r->dir[k]);
	}
	TAILQ_REMOVE(&relay_list, r, next);
	port_set_owner(r->vm, NULL, NULL);
	port_set_owner(r->nic, NULL, NULL);
	XVIO_LOG(INFO, "relay %s removed", r->name);
	rte_free(r);
}

int relay_del(const char *name, char *err, size_t errlen)
{
	struct relay *r = relay_find(name);

	if (r == NULL) {
		snprintf(err, errlen, "no relay named '%s'", name);
		return -ENOENT;
	}
	relay_destroy(r);
	return 0;
}

void relay_del_all(void)
{
	struct relay *r;

	while ((r = TAILQ_FIRST(&relay_list)) != NULL)
		relay_destroy(r);
}

int relay_pin(struct relay *r, const char *dir, unsigned int cpu,
	      char *err, size_t errlen)
{
	struct worker *w = worker_for_cpu(cpu, err, errlen);
	unsigned int mask;
	int rc;

	if (w == NULL)
		return -EINVAL;
	rc = dir_mask(dir, &mask, err, errlen);
	for (int k = 0; k < DIR__COUNT && rc == 0; k++) {
		if (!(mask & (1u << k)))
			continue;
		rc = job_place(&r->dir[k].job, w);
		if (rc)
			snprintf(err, errlen, "out of memory");
		else
			r->dir[k].job.pinned = true;
	}
	return rc;
}

int relay_unpin(struct relay *r, const char *dir, char *err, size_t errlen)
{
	unsigned int mask;
	int rc = dir_mask(dir, &mask, err, errlen);

	for (int k = 0; k < DIR__COUNT && rc == 0; k++)
		if (mask & (1u << k))
			r->dir[k].job.pinned = false;
	return rc;
}

static json_t *dir_to_json(const struct relay_dir *d)
{
	const struct relay_dir_stats *s = &d->stats;
	json_t *drops = json_object();
	json_t *obj;

	for (int i = 0; i < DROP__COUNT; i++)
		json_object_set_new(drops, drop_names[i],
				    json_integer((json_int_t)s->drops[i]));
	obj = json_pack("{s:s, s:i, s:b, s:I, s:I, s:I, s:I, s:I, s:i, s:o}",
			"direction", dir_names[d->kind],
			"cpu", d->job.worker ? (int)d->job.worker->cpu : -1,
			"pinned", d->job.pinned,
			"packets", (json_int_t)s->packets,
			"bytes", (json_int_t)s->bytes,
			"busy_cycles", (json_int_t)d->job.busy_cycles,
			"retries", (json_int_t)s->retries,
			"load_cycles_per_s", (json_int_t)d->job.load,
			"held", (int)d->held_n,
			"drops", drops);
	if (d->kind == DIR_NIC_TO_VM)
		json_object_set_new(obj, "idle_wakeup",
			json_string(!eth_of(d->nic)->rx_intr ? "timer" :
				    d->job.intr_unreliable ? "timer (interrupts unreliable)" :
				    "interrupt"));
	if (d->kind == DIR_VM_TO_NIC)
		json_object_update_new(obj, json_pack("{s:I, s:I, s:I}",
			"gso_frames", (json_int_t)s->gso_frames,
			"gso_segments", (json_int_t)s->gso_segments,
			"sw_checksums", (json_int_t)s->sw_checksums));
	json_object_set_new(obj, "cycles_per_packet",
			    json_figure(1, d->job.busy_cycles, s->packets));
	return obj;
}

json_t *relay_to_json(const struct relay *r, bool config_only)
{
	json_t *obj = json_pack("{s:s, s:s, s:s}", "name", r->name,
				"vhost", r->vm->name, "nic", r->nic->name);

	for (int k = 0; k < DIR__COUNT; k++) {
		char key[32];

		if (r->dir[k].job.pinned && r->dir[k].job.worker) {
			snprintf(key, sizeof(key), "%s-core", dir_names[k]);
			json_object_set_new(obj, key, json_integer(r->dir[k].job.worker->cpu));
		}
	}
	if (!config_only) {
		json_t *dirs = json_array();

		for (int k = 0; k < DIR__COUNT; k++)
			json_array_append_new(dirs, dir_to_json(&r->dir[k]));
		json_object_set_new(obj, "directions", dirs);
	}
	return obj;
}
