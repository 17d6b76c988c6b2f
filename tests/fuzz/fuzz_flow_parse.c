/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the ovs-ofctl flow syntax parser on arbitrary text, in
 * every mode. Whatever parses must print (flow_spec_format) to text that
 * parses again to the very same spec: what dump-flows and `config save`
 * write must be what add-flows reads back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow_spec.h"

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_flow_parse: " __VA_ARGS__); \
		abort(); \
	} \
} while (0)

static const char *const names[] = { NULL, "vm1", "vm2", "nic1" };

static int lookup(const char *name, void *aux)
{
	(void)aux;
	for (int i = 1; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static const char *port_name(uint16_t ofport, void *aux)
{
	(void)aux;
	return ofport >= 1 && ofport < 4 ? names[ofport] : NULL;
}

static bool same(const struct flow_spec *a, const struct flow_spec *b)
{
	return a->table == b->table && a->priority == b->priority &&
	       a->cookie == b->cookie && a->idle_timeout == b->idle_timeout &&
	       a->hard_timeout == b->hard_timeout &&
	       memcmp(&a->match, &b->match, sizeof(a->match)) == 0 &&
	       a->n_actions == b->n_actions &&
	       memcmp(a->actions, b->actions, a->n_actions * sizeof(a->actions[0])) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct flow_spec spec, again;
	static char text[4096], printed[8192];
	struct flow_parse_error err;
	enum flow_parse_mode mode;

	if (size < 1 || size >= sizeof(text))
		return 0;
	mode = (enum flow_parse_mode)(data[0] % 4);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(&spec, 0, sizeof(spec));
	if (flow_spec_parse(text, mode, lookup, NULL, &spec, &err) != 0) {
		CHECK(err.pos >= 0 && (size_t)err.pos <= strlen(text), "error position %d\n",
		      err.pos);
		CHECK(err.msg[0] != '\0', "error without a message\n");
		return 0;
	}
	/* The key is stored masked. */
	for (size_t i = 0; i < sizeof(spec.match.key); i++)
		CHECK((((uint8_t *)&spec.match.key)[i] & ~((uint8_t *)&spec.match.mask)[i]) == 0,
		      "key byte %zu outside its mask for '%s'\n", i, text);
	if (mode == FLOW_PARSE_PACKET || mode == FLOW_PARSE_DELETE)
		return 0; /* these print nothing a user would parse back */
	flow_spec_format(&spec, true, port_name, NULL, printed, sizeof(printed));
	memset(&again, 0, sizeof(again));
	CHECK(flow_spec_parse(printed, mode, lookup, NULL, &again, &err) == 0,
	      "'%s' printed as '%s', which does not parse: %s\n", text, printed, err.msg);
	CHECK(same(&spec, &again), "'%s' printed as '%s' parses to something else\n", text,
	      printed);
	return 0;
}
