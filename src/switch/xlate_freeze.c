/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Freezing a translation (switch/recirc.h): the pass ends with
 * recirc(id), and the state of id holds what is left to do. That is the
 * rest of every action list being run, innermost first, the way the
 * nested resubmits would have returned: each outer list resumes with the
 * in_port its resubmit had before it, and resubmit's "current table" is
 * written out, since no rule is current in the next pass.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "switch/recirc.h"
#include "switch/xlate_ctx.h"

/* The metadata step that gives the key back in_port. */
static struct action set_in_port(rte_be16_t port)
{
	struct action a;

	memset(&a, 0, sizeof(a));
	a.type = ACT_SET_FIELD;
	a.set.field = FIELD_IN_PORT;
	a.set.flavor = SET_SET_FIELD;
	memcpy(a.set.value, &port, sizeof(port));
	memset(a.set.mask, 0xff, sizeof(port));
	return a;
}

static bool append(struct action *out, unsigned int *n, const struct action *a)
{
	if (*n == RECIRC_MAX_ACTIONS)
		return false;
	out[(*n)++] = *a;
	return true;
}

static bool continuation(const struct xlate_ctx *ctx, struct action *out, unsigned int *n)
{
	rte_be16_t in_port = ctx->key.in_port;

	*n = 0;
	for (int d = ctx->depth; d >= 0; d--) {
		const struct xlate_frame *f = &ctx->frames[d];

		if (f->next >= f->n)
			continue;       /* nothing left here: not even in_port */
		if (d < ctx->depth && f->resume_in_port != in_port) {
			struct action a = set_in_port(f->resume_in_port);

			if (!append(out, n, &a))
				return false;
			in_port = f->resume_in_port;
		}
		for (unsigned int i = f->next; i < f->n; i++) {
			struct action a = f->acts[i];

			if (a.type == ACT_RESUBMIT && a.resubmit.table == FLOW_TABLE_CURRENT)
				a.resubmit.table = f->table;
			if (!append(out, n, &a))
				return false;
		}
	}
	return true;
}

/* The state carries the key's metadata as it is now, which may be the
 * metadata the packet came in with: every packet of the megaflow must
 * carry the same, so the megaflow matches all of it. */
static void unwildcard_metadata(struct xlate_ctx *ctx)
{
	struct flow_key ones;

	memset(&ones, 0xff, sizeof(ones));
	recirc_meta_copy(ctx->wc, &ones);
}

void xlate_freeze(struct xlate_ctx *ctx)
{
	struct action rest[RECIRC_MAX_ACTIONS];
	const struct recirc_state *st;
	struct action a;
	unsigned int n;

	if (!continuation(ctx, rest, &n)) {
		TRACE(ctx, "more than %d actions left to recirculate: packet dropped",
		      RECIRC_MAX_ACTIONS);
		xlate_drop(ctx, BR_DROP_TOO_MANY_ACTIONS);
		return;
	}
	unwildcard_metadata(ctx);
	st = recirc_intern(ctx->br, &ctx->key, rest, n);
	if (st == NULL) {
		TRACE(ctx, "no recirculation id left: packet dropped");
		xlate_drop(ctx, BR_DROP_RECIRC_FULL);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.type = ACT_RECIRC;
	a.recirc.id = st->id;
	a.recirc.state = st;
	xlate_emit(ctx, &a);
	if (ctx->stop) {                /* the program was full */
		recirc_release(st);
		return;
	}
	TRACE(ctx, "recirc(0x%x): the packet is parsed again, then the rest of the actions",
	      st->id);
	ctx->stop = ctx->frozen = true;
}
