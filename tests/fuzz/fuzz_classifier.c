/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the classifier against a brute-force reference. The
 * input is a program of operations on up to N_RULES rules whose masks are
 * combinations of fields (IPv4 prefixes of any length) and whose values and
 * priorities come from small domains, so rules overlap, tie and share
 * groups:
 *   op % 4 == 0, 1: insert rule slot (mask, value, priority: 5 more bytes)
 *   op % 4 == 2:    remove rule slot
 *   op % 4 == 3:    look up a key (2 bytes), compare with the reference,
 *                   then a key agreeing with it on the wildcards (2 bytes)
 *                   must get the very same rule.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/classifier.h"

#define N_RULES 32

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_classifier: invariant broken: %s\n", #cond); \
		abort(); \
	} \
} while (0)

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t next(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t next16(struct input *in)
{
	uint16_t lo = next(in);

	return lo | next(in) << 8;
}

/* A key from 2 bytes: every field in a small domain. */
static void make_key(struct flow_key *k, uint16_t v)
{
	memset(k, 0, sizeof(*k));
	k->in_port = rte_cpu_to_be_16(v & 3);
	k->vlan_tci = v & 4 ? rte_cpu_to_be_16(FLOW_VLAN_PRESENT | 1) : 0;
	k->dl_type = v & 8 ? RTE_BE16(0x86dd) : RTE_BE16(0x0800);
	k->nw_dst = rte_cpu_to_be_32(0x0a000000 | (v >> 4 & 3) << 8 | (v >> 6 & 3));
	k->tp_dst = rte_cpu_to_be_16(v >> 8 & 3);
	k->regs[0] = rte_cpu_to_be_32(v >> 10 & 1);
	k->ipv6_dst[7] = v >> 11 & 3;
	k->tun_id = rte_cpu_to_be_64(v >> 13 & 7);
}

/* A mask from a field set and an IPv4 prefix length. */
static void make_mask(struct flow_key *m, uint8_t fields, uint8_t plen)
{
	memset(m, 0, sizeof(*m));
	if (fields & 1)
		m->in_port = 0xffff;
	if (fields & 2)
		m->vlan_tci = rte_cpu_to_be_16(FLOW_VLAN_PRESENT | FLOW_VLAN_VID_MASK);
	if (fields & 4)
		m->dl_type = 0xffff;
	if (fields & 8)
		m->nw_dst = rte_cpu_to_be_32((uint32_t)(~0ull << (32 - plen % 33)));
	if (fields & 16)
		m->tp_dst = 0xffff;
	if (fields & 32)
		m->regs[0] = 0xffffffff;
	if (fields & 64)
		m->ipv6_dst[7] = 0xff;
	if (fields & 128)
		m->tun_id = 0xffffffffffffffffull;
}

/* Keys are built as fields and used as words: may_alias keeps strict
 * aliasing from reordering the two (flow_key_words() does not). */
typedef uint64_t __attribute__((__may_alias__)) word_t;
#define W(k) ((word_t *)(k))

static void and_words(struct flow_key *dst, const struct flow_key *a, const struct flow_key *b)
{
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		W(dst)[i] = W(a)[i] & W(b)[i];
}

static int hits(const struct flow_match *m, const struct flow_key *k)
{
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		if ((W(k)[i] & W(&m->mask)[i]) != W(&m->key)[i])
			return 0;
	return 1;
}

struct rule {
	struct cls_rule cr;
	int in;
};

static const struct cls_rule *reference(const struct rule *r, const struct flow_key *k)
{
	const struct cls_rule *best = NULL;

	for (int i = 0; i < N_RULES; i++)
		if (r[i].in && hits(&r[i].cr.match, k) &&
		    (!best || r[i].cr.priority > best->priority))
			best = &r[i].cr;
	return best;
}

static int duplicate(const struct rule *r, const struct rule *x)
{
	for (int i = 0; i < N_RULES; i++)
		if (r[i].in && r[i].cr.priority == x->cr.priority &&
		    !memcmp(&r[i].cr.match, &x->cr.match, sizeof(x->cr.match)))
			return 1;
	return 0;
}

static void lookup(struct classifier *cls, const struct rule *r, struct input *in)
{
	const struct cls_rule *got, *want;
	struct flow_key k, k2, wc = { 0 };
	make_key(&k, next16(in));
	got = cls_lookup(cls, &k, &wc);
	want = reference(r, &k);
	CHECK((got ? got->priority : -1) == (want ? want->priority : -1));

	make_key(&k2, next16(in));
	for (unsigned int i = 0; i < FLOW_KEY_WORDS; i++)
		W(&k2)[i] = (W(&k)[i] & W(&wc)[i]) | (W(&k2)[i] & ~W(&wc)[i]);
	CHECK(cls_lookup(cls, &k2, NULL) == got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rule r[N_RULES];
	struct classifier *cls = cls_create(NULL, NULL);
	struct input in = { data, size };
	unsigned int n_in = 0;

	CHECK(cls);
	memset(r, 0, sizeof(r));
	while (in.n) {
		uint8_t op = next(&in);
		struct rule *x = &r[(op >> 2) % N_RULES];

		if (op % 4 == 3) {
			lookup(cls, r, &in);
		} else if (op % 4 == 2) {
			if (x->in) {
				cls_remove(cls, &x->cr);
				x->in = 0;
				n_in--;
			}
		} else if (!x->in) {
			struct flow_key k;
			uint8_t fields = next(&in), plen = next(&in);
			int ret;

			make_mask(&x->cr.match.mask, fields, plen);
			make_key(&k, next16(&in));
			and_words(&x->cr.match.key, &k, &x->cr.match.mask);
			x->cr.priority = next(&in) % 8;
			ret = cls_insert(cls, &x->cr);
			if (duplicate(r, x)) {
				CHECK(ret == -EEXIST);
			} else {
				CHECK(ret == 0);
				CHECK(cls_find_exact(cls, &x->cr.match, x->cr.priority) == &x->cr);
				x->in = 1;
				n_in++;
			}
		}
		CHECK(cls_count(cls) == n_in);
	}
	for (int i = 0; i < N_RULES; i++)
		if (r[i].in)
			cls_remove(cls, &r[i].cr);
	CHECK(cls_count(cls) == 0 && cls_subtable_count(cls) == 0);
	cls_destroy(cls);
	return 0;
}
