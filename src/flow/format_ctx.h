/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Printing ovs-ofctl text into a buffer: what the flow printer
 * (flow_format.c) and the action families' format functions
 * (flow/action_*.c) share. Private to src/flow.
 */
#ifndef XVIO_FLOW_FORMAT_CTX_H
#define XVIO_FLOW_FORMAT_CTX_H

#include <stddef.h>

#include "flow/action.h"
#include "flow/flow_spec.h"

/* Output like snprintf into buf: writes what fits (always terminated),
 * counts all; ports are printed by name where `name` knows them. */
struct format_ctx {
	char *buf;
	size_t size;
	size_t len;     /* what the whole text needs, without the NUL */
	flow_port_name_fn name;
	void *aux;
};

void format_ctx_init(struct format_ctx *fc, char *buf, size_t size, flow_port_name_fn name,
		     void *aux);
void format_printf(struct format_ctx *fc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void format_port(struct format_ctx *fc, uint16_t port);
/* A field's value in user form (value and mask as field.h's user bytes). */
void format_value(struct format_ctx *fc, const struct field *f, const uint8_t *value,
		  const uint8_t *mask);

#endif
