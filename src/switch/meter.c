/* SPDX-License-Identifier: BSD-3-Clause */
#include "switch/meter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "switch/bridge_flows.h"
#include "switch/bridge_rcu.h"
#include "switch/bridge_types.h"

/* Without burst_size: 100 ms worth of the rate, at least one packet or
 * one 1518-byte frame (12.144 kbit). */
static uint32_t default_burst(bool pktps, uint32_t rate)
{
	uint32_t b = rate / 10;

	return pktps ? RTE_MAX(b, 1u) : RTE_MAX(b, 13u);
}

static int number(const char *word, const char *key, uint32_t *out, char *err, size_t errlen)
{
	char *end;
	unsigned long v = strtoul(word, &end, 0);

	if (end == word || *end != '\0' || v == 0 || v > UINT32_MAX) {
		snprintf(err, errlen, "%s: '%s' is not a number from 1 to %u", key, word,
			 UINT32_MAX);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* meter=ID,(kbps|pktps)[,burst][,stats],band=type=drop,rate=R[,burst_size=B] */
static int parse(const char *text, struct meter *m, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *w;
	bool has_id = false, has_band = false, has_rate = false, unit = false;

	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "meter: too long");
		return -EINVAL;
	}
	m->burst = 0;
	for (w = strtok_r(buf, ", ", &save); w != NULL; w = strtok_r(NULL, ", ", &save)) {
		if (!strncmp(w, "meter=", 6)) {
			if (number(w + 6, "meter", &m->id, err, errlen))
				return -EINVAL;
			if (m->id > METER_MAX) {
				snprintf(err, errlen, "meter: id %u is above %d", m->id, METER_MAX);
				return -EINVAL;
			}
			has_id = true;
		} else if (!strcmp(w, "kbps") || !strcmp(w, "pktps")) {
			m->pktps = w[0] == 'p';
			unit = true;
		} else if (!strcmp(w, "burst") || !strcmp(w, "stats")) {
			continue; /* burst_size is honoured whenever given; stats always on */
		} else if (!strcmp(w, "band=type=drop")) {
			has_band = true;
		} else if (!strncmp(w, "band=", 5)) {
			snprintf(err, errlen, "meter: band '%s': only band=type=drop is supported", w);
			return -ENOTSUP;
		} else if (!strncmp(w, "rate=", 5) && has_band) {
			if (number(w + 5, "rate", &m->rate, err, errlen))
				return -EINVAL;
			has_rate = true;
		} else if (!strncmp(w, "burst_size=", 11) && has_band) {
			if (number(w + 11, "burst_size", &m->burst, err, errlen))
				return -EINVAL;
		} else {
			snprintf(err, errlen, "meter: unexpected '%s' (meter=ID,kbps|pktps,"
				 "band=type=drop,rate=R[,burst_size=B])", w);
			return -EINVAL;
		}
	}
	if (!has_id || !unit || !has_band || !has_rate) {
		snprintf(err, errlen, "meter: needs %s (e.g. meter=1,pktps,band=type=drop,"
			 "rate=1000)", !has_id ? "meter=ID" : !unit ? "kbps or pktps" :
			 !has_band ? "band=type=drop" : "rate=");
		return -EINVAL;
	}
	if (m->burst == 0)
		m->burst = default_burst(m->pktps, m->rate);
	return 0;
}

static int configure(struct meter *m, char *err, size_t errlen)
{
	/* srTCM counts bytes; for pktps every packet is one "byte". */
	struct rte_meter_srtcm_params p = {
		.cir = m->pktps ? m->rate : (uint64_t)m->rate * 1000 / 8,
		.cbs = m->pktps ? m->burst : (uint64_t)m->burst * 1000 / 8,
		.ebs = 0,
	};

	if (rte_meter_srtcm_profile_config(&m->profile, &p) != 0 ||
	    rte_meter_srtcm_config(&m->state, &m->profile) != 0) {
		snprintf(err, errlen, "meter %u: rate %u and burst %u are not usable", m->id,
			 m->rate, m->burst);
		return -EINVAL;
	}
	rte_spinlock_init(&m->lock);
	return 0;
}

int meter_add(struct bridge *br, const char *text, char *err, size_t errlen)
{
	struct meter *m = rte_zmalloc("meter", sizeof(*m), RTE_CACHE_LINE_SIZE);
	struct meter *old;

	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (parse(text, m, err, errlen) || configure(m, err, errlen)) {
		rte_free(m);
		return -EINVAL;
	}
	old = br->meters[m->id];
	__atomic_store_n(&br->meters[m->id], m, __ATOMIC_RELEASE);
	if (old != NULL)
		bridge_defer_free(rte_free, old);
	bridge_sync();
	return 0;
}

int meter_del(struct bridge *br, uint32_t id, char *err, size_t errlen)
{
	uint32_t first = id ? id : 1, last = id ? id : METER_MAX;

	if (id > METER_MAX || (id && br->meters[id] == NULL)) {
		snprintf(err, errlen, "bridge '%s' has no meter %u", br->name, id);
		return -ENOENT;
	}
	for (uint32_t i = first; i <= last; i++)
		if (br->meters[i] != NULL && bridge_meter_in_use(br, i)) {
			snprintf(err, errlen, "meter %u is used by flows: delete them first", i);
			return -EBUSY;
		}
	for (uint32_t i = first; i <= last; i++) {
		struct meter *m = br->meters[i];

		if (m != NULL) {
			__atomic_store_n(&br->meters[i], NULL, __ATOMIC_RELEASE);
			bridge_defer_free(rte_free, m);
		}
	}
	bridge_sync();
	return 0;
}

json_t *meters_to_json(const struct bridge *br)
{
	json_t *arr = json_array();

	for (uint32_t i = 1; i <= METER_MAX; i++) {
		const struct meter *m = br->meters[i];

		if (m == NULL)
			continue;
		json_array_append_new(arr, json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I}",
			"meter", (int)m->id, "unit", m->pktps ? "pktps" : "kbps",
			"rate", (json_int_t)m->rate, "burst_size", (json_int_t)m->burst,
			"packets", (json_int_t)__atomic_load_n(&m->packets, __ATOMIC_RELAXED),
			"bytes", (json_int_t)__atomic_load_n(&m->bytes, __ATOMIC_RELAXED),
			"dropped", (json_int_t)__atomic_load_n(&m->dropped, __ATOMIC_RELAXED)));
	}
	return arr;
}

json_t *meters_config(const struct bridge *br)
{
	json_t *arr = json_array();

	for (uint32_t i = 1; i <= METER_MAX; i++) {
		const struct meter *m = br->meters[i];

		if (m != NULL)
			json_array_append_new(arr, json_sprintf(
				"meter=%u,%s,burst,band=type=drop,rate=%u,burst_size=%u", m->id,
				m->pktps ? "pktps" : "kbps", m->rate, m->burst));
	}
	return arr;
}

void meters_free(struct bridge *br)
{
	for (uint32_t i = 1; i <= METER_MAX; i++) {
		rte_free(br->meters[i]);
		br->meters[i] = NULL;
	}
}
