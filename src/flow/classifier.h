/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier: finds the highest-priority rule whose masked match a
 * packet key hits. Tuple space search: rules are grouped into subtables by
 * their mask; each subtable is a hash of masked keys; subtables are tried
 * in order of the highest priority they hold, and the search stops as soon
 * as no untried subtable can beat the best hit.
 *
 * Threads: one writer (the control thread) inserts and removes while any
 * number of readers (workers) look up without locks. Memory a reader may
 * still see is never freed directly: the classifier hands it to the
 * defer_free callback given at creation, which frees it after an RCU grace
 * period (in the daemon) or at once (in single-threaded tests).
 *
 * Megaflows: a lookup ORs into *wc the mask of every subtable it probed;
 * any key that agrees with the looked-up key on those bits gets the same
 * answer. The per-worker megaflow cache is built on that.
 */
#ifndef XVIO_CLASSIFIER_H
#define XVIO_CLASSIFIER_H

#include <stdbool.h>
#include <stdint.h>

#include "flow/flow_key.h"

/* Embed in the owner's rule; the classifier never allocates rules. */
struct cls_rule {
	struct flow_match match;   /* key masked by mask */
	uint16_t priority;         /* higher wins; equal: any one of them */
	/* Private to the classifier. */
	struct cls_rule *next_in_group;
	void *subtable;
};

typedef void (*cls_free_fn)(void *p);
typedef void (*cls_defer_free_fn)(void *aux, cls_free_fn fn, void *p);

struct classifier;

/* defer_free may be NULL: memory is then freed at once (no readers). */
struct classifier *cls_create(cls_defer_free_fn defer_free, void *aux);
/* No readers may remain. Rules themselves are not freed. */
void cls_destroy(struct classifier *cls);

/* Writer. The rule's match must be masked. -EEXIST if a rule with the same
 * match and priority is present (see cls_find_exact), -ENOMEM. */
int cls_insert(struct classifier *cls, struct cls_rule *rule);
/* Writer. Readers may still return the rule until a grace period passes:
 * free it through the same deferral. */
void cls_remove(struct classifier *cls, struct cls_rule *rule);

/* Writer: the rule with exactly this match and priority, or NULL. */
struct cls_rule *cls_find_exact(const struct classifier *cls,
				const struct flow_match *match, uint16_t priority);

unsigned int cls_count(const struct classifier *cls);
unsigned int cls_subtable_count(const struct classifier *cls);

/* Writer: call fn for every rule (in no particular order); fn may not
 * insert or remove. Stops early if fn returns non-zero, which is returned. */
int cls_for_each(const struct classifier *cls,
		 int (*fn)(struct cls_rule *rule, void *aux), void *aux);

/* Writer: call fn for every rule whose match overlaps m's (some key hits
 * both), stopping as cls_for_each does; fn may not insert or remove. A
 * subtable whose mask m's covers costs one hash probe, any other a walk
 * of its rules. */
int cls_for_each_overlap(const struct classifier *cls, const struct flow_match *m,
			 int (*fn)(struct cls_rule *rule, void *aux), void *aux);

/* Reader: the best rule for key or NULL. If wc is not NULL, the masks of
 * the subtables probed are ORed into it. */
const struct cls_rule *cls_lookup(const struct classifier *cls,
				  const struct flow_key *key, struct flow_key *wc);

#endif
