/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Express relays: a vhost-user port paired 1:1 with a NIC port.
 *
 * A relay is two independent directions, each run by one worker:
 *
 *   vm-to-nic: dequeue from the guest's TX virtqueues, transmit on the NIC
 *   nic-to-vm: receive from the NIC's RX queues, enqueue into the guest's
 *              RX virtqueues, spread over the enabled ones by flow hash
 *
 * Back-pressure instead of loss: packets the destination cannot take now
 * are held in the direction and retried first on the next poll; the source
 * is not read meanwhile, so the excess waits in the source's ring. Only if
 * the destination makes no progress for RELAY_STALL_US are the held
 * packets dropped, counted as DROP_DEST_STALLED. Packets for a VM that is
 * not connected are counted as DROP_VM_DOWN.
 */
#ifndef XVIO_RELAY_H
#define XVIO_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "relay/relay_dir.h"

struct relay {
	char name[RELAY_NAME_MAX];
	struct port *vm;
	struct port *nic;
	TAILQ_ENTRY(relay) next;
	struct relay_dir dir[DIR__COUNT];
};

const char *relay_dir_name(enum relay_dir_kind kind);
const char *relay_drop_reason_name(enum relay_drop_reason reason);

struct relay *relay_find(const char *name);
struct relay *relay_first(void);
struct relay *relay_next(struct relay *r);

/* A relay to add, as relay-add asks (relay_ctl.c reads it from the
 * command's arguments). */
struct relay_spec {
	const char *name, *vhost, *nic;
	int cpu[DIR__COUNT];      /* run the direction on this CPU's worker; -1: placed */
};
int relay_add(const struct relay_spec *spec, char *err, size_t errlen);
int relay_del(const char *name, char *err, size_t errlen);
void relay_del_all(void);

/* Pin one or both directions (dir == NULL) to the worker on cpu. */
int relay_pin(struct relay *r, const char *dir, unsigned int cpu,
	      char *err, size_t errlen);
int relay_unpin(struct relay *r, const char *dir, char *err, size_t errlen);

json_t *relay_to_json(const struct relay *r, bool config_only);

#endif
