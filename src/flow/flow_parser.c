/* SPDX-License-Identifier: BSD-3-Clause */
/* What both halves of the flow parser look up: fields by name, and how to
 * explain a prerequisite (flow_parser.h). */
#include "flow/flow_parser.h"

#include <string.h>

/* How to say what a prerequisite asks for, and a word that gives it. */
static const struct {
	const char *needs;
	const char *example;
} prereq_words[] = {
	[PREREQ_IPV4] = { "ip", "ip" },
	[PREREQ_IPV6] = { "ipv6", "ipv6" },
	[PREREQ_IP_ANY] = { "ip or ipv6", "ip" },
	[PREREQ_ARP] = { "arp", "arp" },
	[PREREQ_IPV4_ARP] = { "ip or arp", "ip" },
	[PREREQ_L4] = { "tcp, udp or sctp", "tcp" },
	[PREREQ_TCP] = { "tcp", "tcp" },
	[PREREQ_ICMP4] = { "icmp", "icmp" },
	[PREREQ_ICMP6] = { "icmp6", "icmp6" },
	[PREREQ_VLAN] = { "a VLAN tag", "vlan_tci=0x1000/0x1000" },
};

const char *prereq_needs(enum field_prereq pr)
{
	return prereq_words[pr].needs;
}

const char *prereq_example(enum field_prereq pr)
{
	return prereq_words[pr].example;
}

const struct field *field_by_span(struct span name)
{
	char buf[32];

	if (name.len <= 0 || name.len >= (int)sizeof(buf))
		return NULL;
	memcpy(buf, name.at, name.len);
	buf[name.len] = '\0';
	return field_by_name(buf);
}

int field_named(struct parser *p, struct span name, const struct field **f)
{
	*f = field_by_span(name);
	return *f != NULL ? 0 : fail_at(p, name, "unknown field '%.*s'", name.len, name.at);
}
