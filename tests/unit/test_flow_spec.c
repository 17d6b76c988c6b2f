/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The field registry (flow/field.h) and the ovs-ofctl flow syntax
 * (flow/flow_spec.h): what each word stores, what each error blames, and
 * that printing a spec gives text that parses back to the same bytes.
 *
 * Most tests are rows of tables; each row runs as its own named test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/field.h"
#include "flow/flow_spec.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KOFS(member) offsetof(struct flow_key, member)

/* ---- ports: vm1=1, vm2=2, uplink=10 ---- */

static const struct {
	const char *name;
	int port;
} ports[] = {
	{ "vm1", 1 }, { "vm2", 2 }, { "uplink", 10 }, { "last", OFPORT_MAX },
};

struct port_calls {
	int lookups;
	int names;
	char last_lookup[32];
};

static int lookup_port(const char *name, void *aux)
{
	struct port_calls *calls = aux;

	if (calls != NULL) {
		calls->lookups++;
		snprintf(calls->last_lookup, sizeof(calls->last_lookup), "%s", name);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
		if (strcmp(ports[i].name, name) == 0)
			return ports[i].port;
	return -1;
}

static const char *port_name(uint16_t port, void *aux)
{
	struct port_calls *calls = aux;

	if (calls != NULL)
		calls->names++;
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
		if (ports[i].port == port)
			return ports[i].name;
	return NULL;
}

/* ---- helpers ---- */

static struct flow_spec spec;
static struct flow_parse_error perr;
static char out[4096];

static void parse_ok(const char *text, enum flow_parse_mode mode)
{
	int rc = flow_spec_parse(text, mode, lookup_port, NULL, &spec, &perr);

	if (rc != 0)
		fail_msg("'%s' should parse but: %s (at %d, length %d)", text, perr.msg, perr.pos,
			 perr.len);
}

static void hex_to_bytes(const char *hex, uint8_t *b, size_t n)
{
	assert_int_equal(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
}

static void dump(const char *what, const void *p, size_t n)
{
	const uint8_t *b = p;

	print_message("%s:", what);
	for (size_t i = 0; i < n; i++)
		print_message("%s%02x", i % 8 ? "" : " ", b[i]);
	print_message("\n");
}

static void assert_bytes_equal(const void *got, const void *want, size_t n, const char *what)
{
	if (memcmp(got, want, n) != 0) {
		dump("want", want, n);
		dump("got ", got, n);
		fail_msg("%s differs", what);
	}
}

/* ---- match words: the exact key and mask bytes each one stores ---- */

/* Storage bytes at a key offset, as hex strings ("0800", "ffff"). */
struct bytes_at {
	size_t ofs;
	const char *value;
	const char *mask;
};

#define AT(member, v, m) { KOFS(member), v, m }
#define IP4 AT(dl_type, "0800", "ffff")
#define IP6 AT(dl_type, "86dd", "ffff")
#define ARP AT(dl_type, "0806", "ffff")
#define PROTO(p) AT(nw_proto, p, "ff")
#define TCP4 IP4, PROTO("06")

struct match_case {
	const char *name;
	const char *text;          /* the match; ",actions=drop" is added */
	struct bytes_at at[5];
};

static const struct match_case match_cases[] = {
	{ "empty_match_matches_everything", "", { { 0 } } },
	{ "in_port_number", "in_port=5", { AT(in_port, "0005", "ffff") } },
	{ "in_port_name_resolved_by_lookup", "in_port=vm2", { AT(in_port, "0002", "ffff") } },
	{ "in_port_highest_port", "in_port=65279", { AT(in_port, "feff", "ffff") } },
	{ "dl_src_exact", "dl_src=52:54:00:ab:cd:ef",
	  { AT(dl_src, "525400abcdef", "ffffffffffff") } },
	{ "dl_src_single_hex_digits", "dl_src=2:4:0:a:b:c",
	  { AT(dl_src, "0204000a0b0c", "ffffffffffff") } },
	{ "dl_src_with_mask_stored_masked", "dl_src=52:54:00:ab:cd:ef/ff:ff:ff:00:00:00",
	  { AT(dl_src, "525400000000", "ffffff000000") } },
	{ "dl_dst_exact", "dl_dst=ff:ff:ff:ff:ff:ff",
	  { AT(dl_dst, "ffffffffffff", "ffffffffffff") } },
	{ "dl_dst_multicast_bit", "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
	  { AT(dl_dst, "010000000000", "010000000000") } },
	{ "dl_type_hex", "dl_type=0x88cc", { AT(dl_type, "88cc", "ffff") } },
	{ "dl_type_decimal", "dl_type=2048", { IP4 } },
	{ "dl_vlan_sets_vid_and_tagged_bit", "dl_vlan=10", { AT(vlan_tci, "100a", "1fff") } },
	{ "dl_vlan_0_is_priority_tagged", "dl_vlan=0", { AT(vlan_tci, "1000", "1fff") } },
	{ "dl_vlan_4095", "dl_vlan=4095", { AT(vlan_tci, "1fff", "1fff") } },
	{ "dl_vlan_0xffff_matches_untagged", "dl_vlan=0xffff", { AT(vlan_tci, "0000", "ffff") } },
	{ "dl_vlan_pcp_sets_pcp_and_tagged_bit", "dl_vlan_pcp=5", { AT(vlan_tci, "b000",
	  "f000") } },
	{ "dl_vlan_and_pcp_together", "dl_vlan=10,dl_vlan_pcp=5", { AT(vlan_tci, "b00a",
	  "ffff") } },
	{ "vlan_tci_exact", "vlan_tci=0x1064", { AT(vlan_tci, "1064", "ffff") } },
	{ "vlan_tci_any_tagged", "vlan_tci=0x1000/0x1000", { AT(vlan_tci, "1000", "1000") } },
	{ "vlan_tci_value_stored_masked", "vlan_tci=0x1fff/0x1000", { AT(vlan_tci, "1000",
	  "1000") } },
	{ "nw_src_exact", "ip,nw_src=10.1.2.3", { IP4, AT(nw_src, "0a010203", "ffffffff") } },
	{ "nw_src_prefix_stored_masked", "ip,nw_src=10.1.2.3/16",
	  { IP4, AT(nw_src, "0a010000", "ffff0000") } },
	{ "nw_src_slash_32_is_exact", "ip,nw_src=10.1.2.3/32",
	  { IP4, AT(nw_src, "0a010203", "ffffffff") } },
	{ "nw_src_slash_0_matches_any", "ip,nw_src=10.1.2.3/0", { IP4 } },
	{ "nw_dst_dotted_mask", "ip,nw_dst=10.1.2.3/255.0.255.0",
	  { IP4, AT(nw_dst, "0a000200", "ff00ff00") } },
	{ "nw_src_on_arp_is_the_sender_ip", "arp,nw_src=10.0.0.1",
	  { ARP, AT(nw_src, "0a000001", "ffffffff") } },
	{ "nw_dst_on_arp_is_the_target_ip", "arp,nw_dst=10.0.0.0/8",
	  { ARP, AT(nw_dst, "0a000000", "ff000000") } },
	{ "nw_proto", "ip,nw_proto=47", { IP4, PROTO("2f") } },
	{ "nw_proto_on_ipv6", "ipv6,nw_proto=58", { IP6, PROTO("3a") } },
	{ "nw_tos_is_the_tos_byte_in_place", "ip,nw_tos=184", { IP4, AT(nw_tos, "b8", "fc") } },
	{ "nw_ecn_is_the_low_two_bits", "ip,nw_ecn=3", { IP4, AT(nw_tos, "03", "03") } },
	{ "nw_tos_and_nw_ecn_share_the_byte", "ip,nw_tos=184,nw_ecn=1",
	  { IP4, AT(nw_tos, "b9", "ff") } },
	{ "nw_ttl", "ip,nw_ttl=64", { IP4, AT(nw_ttl, "40", "ff") } },
	{ "ip_frag_no", "ip,ip_frag=no", { IP4, AT(nw_frag, "00", "01") } },
	{ "ip_frag_yes", "ip,ip_frag=yes", { IP4, AT(nw_frag, "01", "01") } },
	{ "ip_frag_first", "ip,ip_frag=first", { IP4, AT(nw_frag, "01", "03") } },
	{ "ip_frag_later", "ip,ip_frag=later", { IP4, AT(nw_frag, "03", "03") } },
	{ "ip_frag_not_later", "ip,ip_frag=not_later", { IP4, AT(nw_frag, "00", "02") } },
	{ "ip_frag_numeric_value_and_mask", "ipv6,ip_frag=0x2/0x2", { IP6, AT(nw_frag, "02",
	  "02") } },
	{ "tp_src_exact", "tcp,tp_src=22", { TCP4, AT(tp_src, "0016", "ffff") } },
	{ "tp_dst_exact", "udp,tp_dst=53", { IP4, PROTO("11"), AT(tp_dst, "0035", "ffff") } },
	{ "tp_dst_with_mask", "tcp,tp_dst=0x1f40/0xfff0", { TCP4, AT(tp_dst, "1f40", "fff0") } },
	{ "tp_dst_on_sctp", "sctp,tp_dst=9", { IP4, PROTO("84"), AT(tp_dst, "0009", "ffff") } },
	{ "tp_dst_on_tcp6", "tcp6,tp_dst=443", { IP6, PROTO("06"), AT(tp_dst, "01bb", "ffff") } },
	{ "tcp_flags_exact_covers_12_bits", "tcp,tcp_flags=0x12",
	  { TCP4, AT(tcp_flags, "0012", "0fff") } },
	{ "tcp_flags_value_and_mask", "tcp,tcp_flags=0x002/0x012",
	  { TCP4, AT(tcp_flags, "0002", "0012") } },
	{ "tcp_flags_by_name", "tcp,tcp_flags=+syn-ack", { TCP4, AT(tcp_flags, "0002", "0012") } },
	{ "tcp_flags_ns_by_name", "tcp,tcp_flags=+ns+fin", { TCP4, AT(tcp_flags, "0101",
	  "0101") } },
	{ "icmp_type_in_low_byte_of_tp_src", "icmp,icmp_type=8",
	  { IP4, PROTO("01"), AT(tp_src, "0008", "00ff") } },
	{ "icmp_code_in_low_byte_of_tp_dst", "icmp,icmp_code=3",
	  { IP4, PROTO("01"), AT(tp_dst, "0003", "00ff") } },
	{ "icmpv6_type", "icmp6,icmpv6_type=135", { IP6, PROTO("3a"), AT(tp_src, "0087",
	  "00ff") } },
	{ "icmpv6_code", "icmp6,icmpv6_code=4", { IP6, PROTO("3a"), AT(tp_dst, "0004", "00ff") } },
	{ "arp_op_in_nw_proto", "arp,arp_op=2", { ARP, PROTO("02") } },
	{ "arp_spa_prefix", "arp,arp_spa=192.168.1.0/24", { ARP, AT(nw_src, "c0a80100",
	  "ffffff00") } },
	{ "arp_tpa", "arp,arp_tpa=192.168.1.1", { ARP, AT(nw_dst, "c0a80101", "ffffffff") } },
	{ "ipv6_src_exact", "ipv6,ipv6_src=2001:db8::1",
	  { IP6, AT(ipv6_src, "20010db8000000000000000000000001",
	  "ffffffffffffffffffffffffffffffff") } },
	{ "ipv6_dst_prefix", "ipv6,ipv6_dst=2001:db8:1:2::5/64",
	  { IP6, AT(ipv6_dst, "20010db8000100020000000000000000",
	  "ffffffffffffffff0000000000000000") } },
	{ "ipv6_src_address_mask", "ipv6,ipv6_src=2001:db8::ff/ffff:ffff::ff",
	  { IP6, AT(ipv6_src, "20010db80000000000000000000000ff",
	  "ffffffff0000000000000000000000ff") } },
	{ "reg0_exact", "reg0=0x5", { AT(regs[0], "00000005", "ffffffff") } },
	{ "reg1_with_mask", "reg1=0x1234/0xff00", { AT(regs[1], "00001200", "0000ff00") } },
	{ "reg2_decimal", "reg2=4294967295", { AT(regs[2], "ffffffff", "ffffffff") } },
	{ "reg3_exact", "reg3=0xdeadbeef", { AT(regs[3], "deadbeef", "ffffffff") } },
	{ "tun_id_64_bits", "tun_id=0x1234567890abcdef",
	  { AT(tun_id, "1234567890abcdef", "ffffffffffffffff") } },
	{ "tun_id_with_mask", "tun_id=0x5/0xff", { AT(tun_id, "0000000000000005",
	  "00000000000000ff") } },
	/* shorthands */
	{ "shorthand_ip", "ip", { IP4 } },
	{ "shorthand_ipv6", "ipv6", { IP6 } },
	{ "shorthand_arp", "arp", { ARP } },
	{ "shorthand_icmp", "icmp", { IP4, PROTO("01") } },
	{ "shorthand_tcp", "tcp", { TCP4 } },
	{ "shorthand_udp", "udp", { IP4, PROTO("11") } },
	{ "shorthand_sctp", "sctp", { IP4, PROTO("84") } },
	{ "shorthand_icmp6", "icmp6", { IP6, PROTO("3a") } },
	{ "shorthand_tcp6", "tcp6", { IP6, PROTO("06") } },
	{ "shorthand_udp6", "udp6", { IP6, PROTO("11") } },
	{ "shorthand_sctp6", "sctp6", { IP6, PROTO("84") } },
	/* other names for the same fields */
	{ "alias_eth_src", "eth_src=52:54:00:00:00:01", { AT(dl_src, "525400000001",
	  "ffffffffffff") } },
	{ "alias_eth_dst", "eth_dst=52:54:00:00:00:02", { AT(dl_dst, "525400000002",
	  "ffffffffffff") } },
	{ "alias_eth_type", "eth_type=0x0806", { ARP } },
	{ "alias_ip_src", "ip,ip_src=1.2.3.4", { IP4, AT(nw_src, "01020304", "ffffffff") } },
	{ "alias_ip_dst", "ip,ip_dst=1.2.3.4", { IP4, AT(nw_dst, "01020304", "ffffffff") } },
	{ "alias_ip_proto", "ip,ip_proto=17", { IP4, PROTO("11") } },
	{ "alias_ip_ecn", "ip,ip_ecn=2", { IP4, AT(nw_tos, "02", "03") } },
	{ "alias_nw_frag", "ip,nw_frag=later", { IP4, AT(nw_frag, "03", "03") } },
	{ "alias_tcp_dst", "tcp,tcp_dst=80", { TCP4, AT(tp_dst, "0050", "ffff") } },
	{ "alias_udp_src", "udp,udp_src=68", { IP4, PROTO("11"), AT(tp_src, "0044", "ffff") } },
	{ "alias_vlan_pcp", "vlan_pcp=1", { AT(vlan_tci, "3000", "f000") } },
	{ "alias_tunnel_id", "tunnel_id=7", { AT(tun_id, "0000000000000007",
	  "ffffffffffffffff") } },
	{ "nxm_name_in_a_match", "NXM_NX_REG0=7", { AT(regs[0], "00000007", "ffffffff") } },
	/* how words are written */
	{ "word_order_does_not_matter", "tp_dst=80,tcp", { TCP4, AT(tp_dst, "0050", "ffff") } },
	{ "spaces_separate_words", "tcp tp_dst=80", { TCP4, AT(tp_dst, "0050", "ffff") } },
	{ "blanks_around_commas", "  tcp ,\ttp_dst=80 , ", { TCP4, AT(tp_dst, "0050", "ffff") } },
	{ "repeated_commas_are_one", "tcp,,tp_dst=80", { TCP4, AT(tp_dst, "0050", "ffff") } },
	{ "same_field_twice_same_value", "tcp,tp_dst=80,tp_dst=80", { TCP4, AT(tp_dst, "0050",
	  "ffff") } },
	{ "field_and_alias_same_value", "ip,nw_src=1.2.3.4,ip_src=1.2.3.4",
	  { IP4, AT(nw_src, "01020304", "ffffffff") } },
	{ "shorthand_and_its_nw_proto_agree", "tcp,nw_proto=6", { TCP4 } },
	{ "ip_and_tcp_agree", "ip,tcp", { TCP4 } },
	{ "dl_type_and_shorthand_agree", "dl_type=0x0800,udp", { IP4, PROTO("11") } },
	{ "dl_vlan_and_vlan_tci_agree", "dl_vlan=10,vlan_tci=0x100a/0x1fff",
	  { AT(vlan_tci, "100a", "1fff") } },
};

static void build_match(const struct bytes_at *at, size_t n, struct flow_match *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n && at[i].value != NULL; i++) {
		size_t len = strlen(at[i].value) / 2;

		hex_to_bytes(at[i].value, (uint8_t *)&m->key + at[i].ofs, len);
		hex_to_bytes(at[i].mask, (uint8_t *)&m->mask + at[i].ofs, len);
	}
}

static void run_match_case(void **state)
{
	const struct match_case *c = *state;
	struct flow_match want;
	char text[256];

	snprintf(text, sizeof(text), "%s%sactions=drop", c->text, c->text[0] ? "," : "");
	parse_ok(text, FLOW_PARSE_ADD);
	build_match(c->at, ARRAY_SIZE(c->at), &want);
	assert_bytes_equal(&spec.match, &want, sizeof(want), "match");
}

/* ---- header words: table, priority, cookie, timeouts ---- */

struct header_case {
	const char *name;
	enum flow_parse_mode mode;
	const char *text;
	uint8_t table;
	bool has_table;
	uint16_t priority;
	uint64_t cookie, cookie_mask;
	uint16_t idle, hard;
};

#define DEFAULT_PRIO FLOW_PRIORITY_DEFAULT

static const struct header_case header_cases[] = {
	{ "defaults_when_no_header_words", FLOW_PARSE_ADD, "actions=drop",
	  0, false, DEFAULT_PRIO, 0, 0, 0, 0 },
	{ "table_given", FLOW_PARSE_ADD, "table=5,actions=drop", 5, true, DEFAULT_PRIO, 0, 0, 0,
	  0 },
	{ "table_0_given_is_remembered", FLOW_PARSE_DELETE, "table=0", 0, true, DEFAULT_PRIO, 0, 0,
	  0, 0 },
	{ "table_254_is_the_last", FLOW_PARSE_ADD, "table=254,actions=drop", 254, true,
	  DEFAULT_PRIO, 0, 0, 0, 0 },
	{ "priority_0", FLOW_PARSE_ADD, "priority=0,actions=drop", 0, false, 0, 0, 0, 0, 0 },
	{ "priority_65535_hex", FLOW_PARSE_ADD, "priority=0xffff,actions=drop", 0, false, 65535, 0,
	  0, 0, 0 },
	{ "cookie_on_add_is_exact", FLOW_PARSE_ADD, "cookie=0x1234,actions=drop",
	  0, false, DEFAULT_PRIO, 0x1234, UINT64_MAX, 0, 0 },
	{ "cookie_zero_given_is_exact", FLOW_PARSE_MODIFY, "cookie=0,actions=drop",
	  0, false, DEFAULT_PRIO, 0, UINT64_MAX, 0, 0 },
	{ "cookie_with_mask_when_deleting", FLOW_PARSE_DELETE, "cookie=0x1234/0xff00",
	  0, false, DEFAULT_PRIO, 0x1200, 0xff00, 0, 0 },
	{ "cookie_full_64_bits", FLOW_PARSE_ADD, "cookie=0xffffffffffffffff,actions=drop",
	  0, false, DEFAULT_PRIO, UINT64_MAX, UINT64_MAX, 0, 0 },
	{ "idle_and_hard_timeouts", FLOW_PARSE_ADD,
	  "idle_timeout=30,hard_timeout=65535,actions=drop",
	  0, false, DEFAULT_PRIO, 0, 0, 30, 65535 },
	{ "all_header_words_with_match", FLOW_PARSE_ADD,
	  "tcp,table=1,priority=100,cookie=0x9,idle_timeout=1,hard_timeout=2,actions=drop",
	  1, true, 100, 9, UINT64_MAX, 1, 2 },
	{ "header_word_twice_same_value", FLOW_PARSE_ADD, "priority=7,priority=7,actions=drop",
	  0, false, 7, 0, 0, 0, 0 },
};

static void run_header_case(void **state)
{
	const struct header_case *c = *state;

	parse_ok(c->text, c->mode);
	assert_int_equal(spec.table, c->table);
	assert_int_equal(spec.has_table, c->has_table);
	assert_int_equal(spec.priority, c->priority);
	assert_true(spec.cookie == c->cookie);
	assert_true(spec.cookie_mask == c->cookie_mask);
	assert_int_equal(spec.idle_timeout, c->idle);
	assert_int_equal(spec.hard_timeout, c->hard);
}

/* ---- PACKET mode: the key is the packet, unspecified fields zero ---- */

struct packet_case {
	const char *name;
	const char *text;
	struct bytes_at at[6];   /* key bytes; mask is not looked at */
};

static const struct packet_case packet_cases[] = {
	{ "packet_tcp_to_port_80", "in_port=vm1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80",
	  { AT(in_port, "0001", ""), TCP4, AT(nw_src, "0a000001", ""), AT(nw_dst, "0a000002", ""),
	    AT(tp_dst, "0050", "") } },
	{ "packet_vlan_is_tagged", "dl_vlan=10,dl_vlan_pcp=2", { AT(vlan_tci, "500a", "") } },
	{ "packet_untagged_by_0xffff", "dl_vlan=0xffff,arp", { ARP } },
	{ "packet_later_fragment", "ip,ip_frag=later", { IP4, AT(nw_frag, "03", "") } },
	{ "packet_not_later_is_not_a_fragment", "ip,ip_frag=not_later", { IP4 } },
	{ "packet_tcp_flags_by_name_sets_the_named", "tcp,tcp_flags=+syn-ack",
	  { TCP4, AT(tcp_flags, "0002", "") } },
	{ "packet_icmp_echo", "icmp,icmp_type=8,icmp_code=0", { IP4, PROTO("01"), AT(tp_src, "0008",
	  "") } },
	{ "packet_nothing_is_all_zero", "", { { 0 } } },
};

static void run_packet_case(void **state)
{
	const struct packet_case *c = *state;
	struct flow_key want = { 0 };

	parse_ok(c->text, FLOW_PARSE_PACKET);
	for (size_t i = 0; i < ARRAY_SIZE(c->at) && c->at[i].value != NULL; i++)
		hex_to_bytes(c->at[i].value, (uint8_t *)&want + c->at[i].ofs,
			     strlen(c->at[i].value) / 2);
	assert_bytes_equal(&spec.match.key, &want, sizeof(want), "packet key");
	assert_int_equal(spec.n_actions, 0);
}

/* ---- actions: the struct action each one becomes ---- */

struct action_case {
	const char *name;
	const char *text;
	struct action want;
};

#define FF4 0xff, 0xff, 0xff, 0xff
#define FF6 FF4, 0xff, 0xff
#define FF8 FF4, FF4
#define SET(f, fl, ...) { .type = ACT_SET_FIELD, .set = { .field = f, .flavor = fl, __VA_ARGS__ } }
#define SUB(f, o, n) { .field = f, .ofs = o, .n_bits = n }

static const struct action_case action_cases[] = {
	{ "output_number", "actions=output:2", { .type = ACT_OUTPUT, .output.port = 2 } },
	{ "output_port_name", "actions=output:uplink", { .type = ACT_OUTPUT, .output.port = 10 } },
	{ "output_highest_port", "actions=output:65279", { .type = ACT_OUTPUT,
	  .output.port = OFPORT_MAX } },
	{ "bare_number_is_output", "actions=2", { .type = ACT_OUTPUT, .output.port = 2 } },
	{ "bare_port_name_is_output", "actions=vm1", { .type = ACT_OUTPUT, .output.port = 1 } },
	{ "in_port_action", "actions=in_port", { .type = ACT_IN_PORT } },
	{ "output_in_port_is_in_port", "actions=output:in_port", { .type = ACT_IN_PORT } },
	{ "reserved_ports_in_capitals", "actions=NORMAL", { .type = ACT_NORMAL } },
	{ "output_to_reserved_port_any_case", "actions=output:Flood", { .type = ACT_FLOOD } },
	{ "bare_all_in_capitals", "actions=ALL", { .type = ACT_ALL } },
	{ "bare_in_port_in_capitals", "actions=IN_PORT", { .type = ACT_IN_PORT } },
	{ "normal", "actions=normal", { .type = ACT_NORMAL } },
	{ "flood", "actions=flood", { .type = ACT_FLOOD } },
	{ "all", "actions=all", { .type = ACT_ALL } },
	{ "mod_dl_src", "actions=mod_dl_src:52:54:00:00:00:01",
	  SET(FIELD_DL_SRC, SET_MOD, .value = { 0x52, 0x54, 0, 0, 0, 1 }, .mask = { FF6 }) },
	{ "mod_dl_dst", "actions=mod_dl_dst:ff:ff:ff:ff:ff:ff",
	  SET(FIELD_DL_DST, SET_MOD, .value = { FF6 }, .mask = { FF6 }) },
	{ "mod_nw_src", "ip,actions=mod_nw_src:10.0.0.1",
	  SET(FIELD_NW_SRC, SET_MOD, .value = { 10, 0, 0, 1 }, .mask = { FF4 }) },
	{ "mod_nw_dst_on_arp", "arp,actions=mod_nw_dst:10.0.0.9",
	  SET(FIELD_NW_DST, SET_MOD, .value = { 10, 0, 0, 9 }, .mask = { FF4 }) },
	{ "mod_nw_tos_keeps_dscp_in_place", "ip,actions=mod_nw_tos:184",
	  SET(FIELD_NW_TOS, SET_MOD, .value = { 0xb8 }, .mask = { 0xfc }) },
	{ "mod_tp_src", "tcp,actions=mod_tp_src:1024",
	  SET(FIELD_TP_SRC, SET_MOD, .value = { 0x04, 0x00 }, .mask = { 0xff, 0xff }) },
	{ "mod_tp_dst_on_udp6", "udp6,actions=mod_tp_dst:53",
	  SET(FIELD_TP_DST, SET_MOD, .value = { 0x00, 0x35 }, .mask = { 0xff, 0xff }) },
	{ "mod_vlan_vid_marks_tagged", "actions=mod_vlan_vid:10",
	  SET(FIELD_DL_VLAN, SET_MOD, .value = { 0x10, 0x0a }, .mask = { 0x1f, 0xff }) },
	{ "mod_vlan_pcp_marks_tagged", "actions=mod_vlan_pcp:3",
	  SET(FIELD_DL_VLAN_PCP, SET_MOD, .value = { 0x70, 0x00 }, .mask = { 0xf0, 0x00 }) },
	{ "push_vlan_8021q", "actions=push_vlan:0x8100",
	  { .type = ACT_PUSH_VLAN, .push_vlan.tpid = RTE_BE16(0x8100) } },
	{ "push_vlan_8021ad", "actions=push_vlan:0x88a8",
	  { .type = ACT_PUSH_VLAN, .push_vlan.tpid = RTE_BE16(0x88a8) } },
	{ "strip_vlan", "actions=strip_vlan", { .type = ACT_POP_VLAN } },
	{ "pop_vlan", "actions=pop_vlan", { .type = ACT_POP_VLAN } },
	{ "dec_ttl", "actions=dec_ttl", { .type = ACT_DEC_TTL } },
	{ "set_field_ipv4", "ip,actions=set_field:10.0.0.1->nw_dst",
	  SET(FIELD_NW_DST, SET_SET_FIELD, .value = { 10, 0, 0, 1 }, .mask = { FF4 }) },
	{ "set_field_with_mask", "actions=set_field:0x5/0xf->reg0",
	  SET(FIELD_REG0, SET_SET_FIELD, .value = { 0, 0, 0, 5 }, .mask = { 0, 0, 0, 0x0f }) },
	{ "set_field_by_alias", "actions=set_field:52:54:00:00:00:09->eth_src",
	  SET(FIELD_DL_SRC, SET_SET_FIELD, .value = { 0x52, 0x54, 0, 0, 0, 9 }, .mask = { FF6 }) },
	{ "set_field_by_nxm_name", "actions=set_field:7->NXM_NX_REG3",
	  SET(FIELD_REG3, SET_SET_FIELD, .value = { 0, 0, 0, 7 }, .mask = { FF4 }) },
	{ "set_field_in_port_by_name", "actions=set_field:vm2->in_port",
	  SET(FIELD_IN_PORT, SET_SET_FIELD, .value = { 0, 2 }, .mask = { 0xff, 0xff }) },
	{ "set_field_dl_vlan_marks_tagged", "actions=set_field:4095->dl_vlan",
	  SET(FIELD_DL_VLAN, SET_SET_FIELD, .value = { 0x1f, 0xff }, .mask = { 0x1f, 0xff }) },
	{ "set_field_ipv6", "ipv6,actions=set_field:2001:db8::1->ipv6_dst",
	  SET(FIELD_IPV6_DST, SET_SET_FIELD, .value = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	      .mask = { FF8, FF8 }) },
	{ "set_field_icmp_type", "icmp,actions=set_field:0->icmp_type",
	  SET(FIELD_ICMP_TYPE, SET_SET_FIELD, .value = { 0 }, .mask = { 0xff }) },
	{ "set_field_tun_id", "actions=set_field:0x1234->tun_id",
	  SET(FIELD_TUN_ID, SET_SET_FIELD, .value = { [6] = 0x12, [7] = 0x34 }, .mask = { FF8 }) },
	{ "load_low_bits", "actions=load:0x5->NXM_NX_REG0[0..3]",
	  SET(FIELD_REG0, SET_LOAD, .value = { 0, 0, 0, 5 }, .mask = { 0, 0, 0, 0x0f }) },
	{ "load_one_bit", "actions=load:1->NXM_NX_REG1[31]",
	  SET(FIELD_REG1, SET_LOAD, .value = { 0x80, 0, 0, 0 }, .mask = { 0x80, 0, 0, 0 }) },
	{ "load_middle_bits", "actions=load:0xab->NXM_NX_REG2[12..19]",
	  SET(FIELD_REG2, SET_LOAD, .value = { 0, 0x0a, 0xb0, 0 }, .mask = { 0, 0x0f, 0xf0, 0 }) },
	{ "load_whole_field", "ip,actions=load:0x0a000001->NXM_OF_IP_DST[]",
	  SET(FIELD_NW_DST, SET_LOAD, .value = { 10, 0, 0, 1 }, .mask = { FF4 }) },
	{ "load_without_brackets_is_whole", "actions=load:0xffff->reg1",
	  SET(FIELD_REG1, SET_LOAD, .value = { 0, 0, 0xff, 0xff }, .mask = { FF4 }) },
	{ "load_into_tun_id_bits", "actions=load:0x1234->NXM_NX_TUN_ID[16..31]",
	  SET(FIELD_TUN_ID, SET_LOAD, .value = { [4] = 0x12, [5] = 0x34 },
	      .mask = { [4] = 0xff, [5] = 0xff }) },
	{ "load_128_bit_value",
	  "ipv6,actions=load:0x20010db8000000000000000000000001->NXM_NX_IPV6_SRC[]",
	  SET(FIELD_IPV6_SRC, SET_LOAD, .value = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	      .mask = { FF8, FF8 }) },
	{ "load_vlan_tci_raw", "actions=load:0x1005->NXM_OF_VLAN_TCI[]",
	  SET(FIELD_VLAN_TCI, SET_LOAD, .value = { 0x10, 0x05 }, .mask = { 0xff, 0xff }) },
	{ "load_in_port", "actions=load:3->NXM_OF_IN_PORT[]",
	  SET(FIELD_IN_PORT, SET_LOAD, .value = { 0, 3 }, .mask = { 0xff, 0xff }) },
	{ "move_whole_fields", "actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
	  { .type = ACT_MOVE, .move = { SUB(FIELD_DL_SRC, 0, 48), SUB(FIELD_DL_DST, 0, 48) } } },
	{ "move_bit_ranges", "actions=move:reg1[0..7]->reg2[8..15]",
	  { .type = ACT_MOVE, .move = { SUB(FIELD_REG1, 0, 8), SUB(FIELD_REG2, 8, 8) } } },
	{ "move_into_tp_dst", "tcp,actions=move:NXM_NX_REG0[0..15]->NXM_OF_TCP_DST[]",
	  { .type = ACT_MOVE, .move = { SUB(FIELD_REG0, 0, 16), SUB(FIELD_TP_DST, 0, 16) } } },
	{ "move_one_bit", "actions=move:NXM_NX_REG0[5]->NXM_NX_REG1[0]",
	  { .type = ACT_MOVE, .move = { SUB(FIELD_REG0, 5, 1), SUB(FIELD_REG1, 0, 1) } } },
	{ "resubmit_port", "actions=resubmit:5",
	  { .type = ACT_RESUBMIT, .resubmit = { .port = 5, .table = FLOW_TABLE_CURRENT } } },
	{ "resubmit_port_name", "actions=resubmit:vm1",
	  { .type = ACT_RESUBMIT, .resubmit = { .port = 1, .table = FLOW_TABLE_CURRENT } } },
	{ "resubmit_port_and_table", "actions=resubmit(2,3)",
	  { .type = ACT_RESUBMIT, .resubmit = { .port = 2, .table = 3 } } },
	{ "resubmit_table_keeps_in_port", "actions=resubmit(,3)",
	  { .type = ACT_RESUBMIT, .resubmit = { .port = OFPORT_NONE, .table = 3 } } },
	{ "resubmit_paren_port_only", "actions=resubmit(vm2)",
	  { .type = ACT_RESUBMIT, .resubmit = { .port = 2, .table = FLOW_TABLE_CURRENT } } },
	{ "resubmit_port_empty_table", "actions=resubmit(4,)",
	  { .type = ACT_RESUBMIT, .resubmit = { .port = 4, .table = FLOW_TABLE_CURRENT } } },
	{ "goto_table_next", "actions=goto_table:1", { .type = ACT_GOTO_TABLE,
	  .goto_table.table = 1 } },
	{ "goto_table_last_table", "table=3,actions=goto_table:254",
	  { .type = ACT_GOTO_TABLE, .goto_table.table = 254 } },
	{ "meter", "actions=meter:1", { .type = ACT_METER, .meter.id = 1 } },
	{ "meter_highest_id", "actions=meter:0xffff0000", { .type = ACT_METER,
	  .meter.id = 0xffff0000u } },
	{ "note_with_dots", "actions=note:01.02.ab",
	  { .type = ACT_NOTE, .note = { .len = 3, .data = { 1, 2, 0xab } } } },
	{ "bundle_hrw", "actions=bundle(symmetric_l3l4+udp,50,hrw,ofport,members:vm1,2,uplink)",
	  { .type = ACT_BUNDLE, .bundle = { .fields = BUNDLE_SYMMETRIC_L3L4_UDP, .basis = 50,
	    .algorithm = BUNDLE_HRW, .n_members = 3, .members = { 1, 2, 10 } } } },
	{ "bundle_active_backup_old_slaves_word",
	  "actions=bundle(eth_src,0,active_backup,ofport,slaves:10,1)",
	  { .type = ACT_BUNDLE, .bundle = { .fields = BUNDLE_ETH_SRC,
	    .algorithm = BUNDLE_ACTIVE_BACKUP, .n_members = 2, .members = { 10, 1 } } } },
	{ "note_without_dots", "actions=note:0102AB",
	  { .type = ACT_NOTE, .note = { .len = 3, .data = { 1, 2, 0xab } } } },
	{ "note_empty", "actions=note:", { .type = ACT_NOTE, .note = { .len = 0 } } },
	{ "note_32_bytes_fits",
	  "actions=note:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  { .type = ACT_NOTE, .note = { .len = 32, .data = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 } } } },
};

static void run_action_case(void **state)
{
	const struct action_case *c = *state;

	parse_ok(c->text, FLOW_PARSE_ADD);
	assert_int_equal(spec.n_actions, 1);
	assert_bytes_equal(&spec.actions[0], &c->want, sizeof(c->want), "action");
}

/* ---- errors: the message, and the word blamed, marked {like this} ---- */

struct error_case {
	const char *name;
	enum flow_parse_mode mode;
	const char *text;
	const char *msg;
};

#define ADD FLOW_PARSE_ADD
#define DEL FLOW_PARSE_DELETE
#define PKT FLOW_PARSE_PACKET

static const struct error_case error_cases[] = {
	/* unknown words */
	{ "unknown_field", ADD, "{nw_dest}=10.0.0.1,actions=drop", "unknown field 'nw_dest'" },
	{ "field_names_are_case_sensitive", ADD, "{TCP},actions=drop", "unknown field 'TCP'" },
	{ "unknown_bare_word", ADD, "ip,{frobnicate},actions=drop", "unknown field 'frobnicate'" },
	{ "field_without_value", ADD, "ip,{nw_src},actions=drop",
	  "nw_src needs a value (nw_src=...)" },
	{ "field_with_empty_value", ADD, "ip,{nw_src}=,actions=drop",
	  "nw_src needs a value (nw_src=...)" },
	{ "header_word_without_value", ADD, "{priority},actions=drop",
	  "priority needs a value (priority=...)" },
	{ "actions_without_equals", ADD, "tcp,{actions}", "actions needs a value (actions=...)" },
	{ "shorthand_with_value", ADD, "{tcp=1},actions=drop", "tcp takes no value" },
	/* bad values */
	{ "bad_ipv4_address", ADD, "ip,nw_src={300.1.1.1},actions=drop",
	  "'300.1.1.1' is not an IPv4 address" },
	{ "ipv4_address_too_short", ADD, "ip,nw_dst={10.1},actions=drop",
	  "'10.1' is not an IPv4 address" },
	{ "bad_ipv4_mask", ADD, "ip,nw_src=10.0.0.0/{255.0.0.x},actions=drop",
	  "'255.0.0.x' is not an IPv4 mask (a prefix length or an address)" },
	{ "ipv4_prefix_too_long", ADD, "ip,nw_src=10.0.0.0/{33},actions=drop",
	  "prefix length 33 is out of range 0..32" },
	{ "bad_ipv6_address", ADD, "ipv6,ipv6_src={2001:db8::g},actions=drop",
	  "'2001:db8::g' is not an IPv6 address" },
	{ "ipv4_address_for_ipv6_field", ADD, "ipv6,ipv6_dst={10.0.0.1},actions=drop",
	  "'10.0.0.1' is not an IPv6 address" },
	{ "ipv6_prefix_too_long", ADD, "ipv6,ipv6_src=2001:db8::/{129},actions=drop",
	  "prefix length 129 is out of range 0..128" },
	{ "mac_too_short", ADD, "dl_src={52:54:00:00:00},actions=drop",
	  "'52:54:00:00:00' is not an Ethernet address" },
	{ "mac_with_three_digit_byte", ADD, "dl_dst={525:54:00:00:00:01},actions=drop",
	  "'525:54:00:00:00:01' is not an Ethernet address" },
	{ "mac_too_long", ADD, "dl_dst={52:54:00:00:00:01:02},actions=drop",
	  "'52:54:00:00:00:01:02' is not an Ethernet address" },
	{ "bad_mac_mask", ADD, "dl_src=52:54:00:00:00:01/{ff:ff},actions=drop",
	  "'ff:ff' is not an Ethernet mask" },
	{ "number_expected", ADD, "tcp,tp_dst={http},actions=drop", "'http' is not a number" },
	{ "negative_number", ADD, "tcp,tp_dst={-1},actions=drop", "'-1' is not a number" },
	{ "hex_prefix_without_digits", ADD, "reg0={0x},actions=drop", "'0x' is not a number" },
	{ "number_with_trailing_junk", ADD, "ip,nw_ttl={64s},actions=drop",
	  "'64s' is not a number" },
	{ "tp_dst_out_of_range", ADD, "tcp,tp_dst={65536},actions=drop",
	  "tp_dst 65536 is out of range 0..65535" },
	{ "tp_dst_mask_out_of_range", ADD, "tcp,tp_dst=80/{0x10000},actions=drop",
	  "tp_dst mask 0x10000 is out of range 0..0xffff" },
	{ "dl_vlan_out_of_range", ADD, "dl_vlan={4096},actions=drop",
	  "dl_vlan 4096 is out of range 0..4095" },
	{ "dl_vlan_pcp_out_of_range", ADD, "dl_vlan_pcp={8},actions=drop",
	  "dl_vlan_pcp 8 is out of range 0..7" },
	{ "vlan_tci_out_of_range", ADD, "vlan_tci={0x10000},actions=drop",
	  "vlan_tci 0x10000 is out of range 0..0xffff" },
	{ "nw_proto_out_of_range", ADD, "ip,nw_proto={256},actions=drop",
	  "nw_proto 256 is out of range 0..255" },
	{ "range_in_decimal_when_written_in_decimal", ADD, "reg1={4294967296},actions=drop",
	  "reg1 4294967296 is out of range 0..4294967295" },
	{ "reg0_out_of_range", ADD, "reg0={0x100000000},actions=drop",
	  "reg0 0x100000000 is out of range 0..0xffffffff" },
	{ "tun_id_beyond_64_bits", ADD, "tun_id={0x10000000000000000},actions=drop",
	  "tun_id 0x10000000000000000 is out of range 0..0xffffffffffffffff" },
	{ "range_message_uses_the_name_written", ADD, "tcp,tcp_dst={70000},actions=drop",
	  "tcp_dst 70000 is out of range 0..65535" },
	{ "icmp_type_out_of_range", ADD, "icmp,icmp_type={256},actions=drop",
	  "icmp_type 256 is out of range 0..255" },
	{ "nw_tos_with_ecn_bits", ADD, "ip,nw_tos={17},actions=drop",
	  "nw_tos 17 has ECN bits set (the low 2 bits must be 0)" },
	{ "nw_tos_out_of_range", ADD, "ip,nw_tos={256},actions=drop",
	  "nw_tos 256 is out of range 0..255" },
	{ "nw_ecn_out_of_range", ADD, "ip,nw_ecn={4},actions=drop",
	  "nw_ecn 4 is out of range 0..3" },
	{ "ip_frag_unknown_word", ADD, "ip,ip_frag={maybe},actions=drop",
	  "'maybe' is not an ip_frag value (no, yes, first, later or not_later)" },
	{ "tcp_flags_unknown_name", ADD, "tcp,tcp_flags=+syn{-foo},actions=drop",
	  "'foo' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr, ns)" },
	{ "mask_on_unmaskable_field", ADD, "ip,nw_proto=6/{0xff},actions=drop",
	  "nw_proto takes no mask" },
	{ "mask_on_dl_vlan", ADD, "dl_vlan=10/{0xfff},actions=drop", "dl_vlan takes no mask" },
	{ "in_port_unknown_name", ADD, "in_port={vm9},actions=drop", "unknown port 'vm9'" },
	{ "in_port_zero", ADD, "in_port={0},actions=drop", "port 0 is out of range 1..65279" },
	{ "in_port_reserved_range", ADD, "in_port={65280},actions=drop",
	  "port 65280 is out of range 1..65279" },
	/* prerequisites */
	{ "tp_dst_needs_l4", ADD, "{tp_dst=80},actions=drop",
	  "tp_dst needs tcp, udp or sctp (e.g. 'tcp,tp_dst=80')" },
	{ "tp_src_on_ip_needs_l4", ADD, "ip,{tp_src=80},actions=drop",
	  "tp_src needs tcp, udp or sctp (e.g. 'tcp,tp_src=80')" },
	{ "nw_src_needs_ip_or_arp", ADD, "ipv6,{nw_src=10.0.0.1},actions=drop",
	  "nw_src needs ip or arp (e.g. 'ip,nw_src=10.0.0.1')" },
	{ "nw_ttl_needs_ip", ADD, "{nw_ttl=64},actions=drop",
	  "nw_ttl needs ip or ipv6 (e.g. 'ip,nw_ttl=64')" },
	{ "nw_proto_needs_ip", ADD, "arp,{nw_proto=1},actions=drop",
	  "nw_proto needs ip or ipv6 (e.g. 'ip,nw_proto=1')" },
	{ "arp_op_needs_arp", ADD, "ip,{arp_op=1},actions=drop",
	  "arp_op needs arp (e.g. 'arp,arp_op=1')" },
	{ "arp_spa_needs_arp", ADD, "ip,{arp_spa=1.1.1.1},actions=drop",
	  "arp_spa needs arp (e.g. 'arp,arp_spa=1.1.1.1')" },
	{ "icmp_type_needs_icmp", ADD, "tcp,{icmp_type=3},actions=drop",
	  "icmp_type needs icmp (e.g. 'icmp,icmp_type=3')" },
	{ "icmpv6_type_needs_icmp6", ADD, "icmp,{icmpv6_type=135},actions=drop",
	  "icmpv6_type needs icmp6 (e.g. 'icmp6,icmpv6_type=135')" },
	{ "ipv6_src_needs_ipv6", ADD, "ip,{ipv6_src=::1},actions=drop",
	  "ipv6_src needs ipv6 (e.g. 'ipv6,ipv6_src=::1')" },
	{ "tcp_flags_needs_tcp", ADD, "udp,{tcp_flags=0x2},actions=drop",
	  "tcp_flags needs tcp (e.g. 'tcp,tcp_flags=0x2')" },
	{ "ip_frag_needs_ip", ADD, "{ip_frag=no},actions=drop",
	  "ip_frag needs ip or ipv6 (e.g. 'ip,ip_frag=no')" },
	{ "first_word_missing_its_prereq_is_blamed", ADD, "{nw_ttl=5},tp_dst=80,actions=drop",
	  "nw_ttl needs ip or ipv6 (e.g. 'ip,nw_ttl=5')" },
	{ "prereq_checked_when_deleting", DEL, "{tp_dst=80}",
	  "tp_dst needs tcp, udp or sctp (e.g. 'tcp,tp_dst=80')" },
	{ "prereq_checked_in_a_packet", PKT, "{tp_dst=80}",
	  "tp_dst needs tcp, udp or sctp (e.g. 'tcp,tp_dst=80')" },
	/* given twice, contradictions */
	{ "field_twice_different_values", ADD, "tcp,tp_dst=80,{tp_dst=81},actions=drop",
	  "tp_dst given twice with different values" },
	{ "field_twice_through_alias", ADD, "ip,nw_src=10.0.0.1,{ip_src=10.0.0.2},actions=drop",
	  "ip_src given twice with different values" },
	{ "field_twice_different_masks", ADD,
	  "ip,nw_src=10.0.0.0/8,{nw_src=10.0.0.0/16},actions=drop",
	  "nw_src given twice with different values" },
	{ "two_protocols", ADD, "tcp,{udp},actions=drop", "'udp' contradicts 'tcp'" },
	{ "ip_and_ipv6", ADD, "ip,{ipv6},actions=drop", "'ipv6' contradicts 'ip'" },
	{ "nw_proto_against_shorthand", ADD, "tcp,{nw_proto=17},actions=drop",
	  "'nw_proto=17' contradicts 'tcp'" },
	{ "shorthand_against_dl_type", ADD, "dl_type=0x0806,{ip},actions=drop",
	  "'ip' contradicts 'dl_type=0x0806'" },
	{ "untagged_against_pcp", ADD, "dl_vlan=0xffff,{dl_vlan_pcp=3},actions=drop",
	  "'dl_vlan_pcp=3' contradicts 'dl_vlan=0xffff'" },
	{ "nw_src_against_arp_spa", ADD, "arp,nw_src=1.1.1.1,{arp_spa=2.2.2.2},actions=drop",
	  "'arp_spa=2.2.2.2' contradicts 'nw_src=1.1.1.1'" },
	/* header words */
	{ "priority_out_of_range", ADD, "priority={70000},actions=drop",
	  "priority 70000 is out of range 0..65535" },
	{ "priority_not_a_number", ADD, "priority={high},actions=drop", "'high' is not a number" },
	{ "table_out_of_range", ADD, "table={255},actions=drop",
	  "table 255 is out of range 0..254" },
	{ "idle_timeout_out_of_range", ADD, "idle_timeout={65536},actions=drop",
	  "idle_timeout 65536 is out of range 0..65535" },
	{ "cookie_out_of_range", ADD, "cookie={0x10000000000000000},actions=drop",
	  "cookie 0x10000000000000000 is out of range 0..0xffffffffffffffff" },
	{ "cookie_mask_when_adding", ADD, "cookie=0x1/{0xff},actions=drop",
	  "a cookie mask is only allowed when selecting flows (del-flows, dump-flows)" },
	{ "cookie_mask_when_modifying", FLOW_PARSE_MODIFY, "cookie=0x1/{0xff},actions=drop",
	  "a cookie mask is only allowed when selecting flows (del-flows, dump-flows)" },
	{ "cookie_mask_not_a_number", DEL, "cookie=0x1/{ff}", "'ff' is not a number" },
	{ "timeout_when_deleting", DEL, "tcp,{hard_timeout}=5",
	  "hard_timeout is only allowed when adding flows (mod-flows changes actions only)" },
	{ "timeout_when_modifying", FLOW_PARSE_MODIFY, "tcp,{idle_timeout}=5,actions=drop",
	  "idle_timeout is only allowed when adding flows (mod-flows changes actions only)" },
	{ "header_word_twice_different_values", ADD, "priority=1,{priority=2},actions=drop",
	  "priority given twice with different values" },
	/* packets */
	{ "mask_in_a_packet", PKT, "tcp,tp_dst=80/{0xff}",
	  "a packet has exact values: no mask for tp_dst" },
	{ "prefix_in_a_packet", PKT, "ip,nw_src=10.0.0.0/{8}",
	  "a packet has exact values: no mask for nw_src" },
	{ "priority_in_a_packet", PKT, "{priority}=5,tcp", "priority is not allowed in a packet" },
	{ "table_in_a_packet", PKT, "tcp,{table}=1", "table is not allowed in a packet" },
	{ "cookie_in_a_packet", PKT, "{cookie}=1", "cookie is not allowed in a packet" },
	{ "actions_in_a_packet", PKT, "tcp,{actions}=output:1",
	  "actions are not allowed in a packet" },
	{ "actions_when_deleting", DEL, "tcp,{actions}=drop",
	  "actions are not allowed when selecting flows" },
	/* actions= missing */
	{ "actions_missing_when_adding", ADD, "tcp,tp_dst=80{}", "actions= is missing" },
	{ "actions_missing_when_modifying", FLOW_PARSE_MODIFY, "{}", "actions= is missing" },
	/* actions */
	{ "unknown_action", ADD, "actions={outptu}:1", "unknown action 'outptu'" },
	{ "unknown_bare_action", ADD, "actions=output:1,{vm9}", "unknown action 'vm9'" },
	{ "action_names_are_case_sensitive", ADD, "actions={DEC_TTL}", "unknown action 'DEC_TTL'" },
	{ "reserved_port_name_with_argument", ADD, "actions={NORMAL}:1", "unknown action 'NORMAL'" },
	{ "in_port_takes_no_mask", ADD, "in_port=1/{0xff},actions=drop", "in_port takes no mask" },
	{ "output_needs_a_port", ADD, "actions={output}", "'output' needs a port" },
	{ "output_empty_port", ADD, "actions={output:}", "'output' needs a port" },
	{ "output_unknown_port", ADD, "actions=output:{vm9}", "unknown port 'vm9'" },
	{ "output_port_zero", ADD, "actions=output:{0}", "port 0 is out of range 1..65279" },
	{ "bare_port_out_of_range", ADD, "actions={70000}", "port 70000 is out of range 1..65279" },
	{ "normal_takes_no_argument", ADD, "actions={normal:1}", "'normal' takes no argument" },
	{ "dec_ttl_takes_no_argument", ADD, "actions={dec_ttl(1)}", "'dec_ttl' takes no argument" },
	{ "drop_before_other_action", ADD, "actions={drop},output:1",
	  "drop must be the only action" },
	{ "drop_after_other_action", ADD, "actions=output:1,{drop}",
	  "drop must be the only action" },
	{ "drop_takes_no_argument", ADD, "actions={drop:1}", "drop takes no argument" },
	{ "goto_table_not_last", ADD, "actions={goto_table:1},output:1",
	  "goto_table must be the last action" },
	{ "goto_table_to_same_table", ADD, "table=2,actions=goto_table:{2}",
	  "goto_table 2 must go to a table after this rule's table 2" },
	{ "goto_table_backwards", ADD, "table=5,actions=goto_table:{1}",
	  "goto_table 1 must go to a table after this rule's table 5" },
	{ "goto_table_out_of_range", ADD, "actions=goto_table:{255}",
	  "goto_table 255 is out of range 0..254" },
	{ "meter_not_first", ADD, "actions=output:1,{meter:1}", "meter must be the first action" },
	{ "meter_zero", ADD, "actions=meter:{0}", "meter 0 is out of range 1..4294901760" },
	{ "bundle_unknown_fields", ADD, "actions=bundle({l2},0,hrw,ofport,members:1)",
	  "'l2' is not a bundle field set (eth_src, ... symmetric_l3)" },
	{ "bundle_unknown_algorithm", ADD, "actions=bundle(nw_src,0,{rr},ofport,members:1)",
	  "'rr' is not a bundle algorithm (active_backup, ... hrw)" },
	{ "bundle_basis_too_big", ADD, "actions=bundle(nw_src,{65536},hrw,ofport,members:1)",
	  "bundle basis 65536 is out of range 0..65535" },
	{ "bundle_without_members", ADD, "actions={bundle(nw_src,0,hrw,ofport)}",
	  "bundle is written bundle(FIELDS,BASIS,ALGORITHM,ofport,members:PORT,...)" },
	{ "bundle_not_in_parentheses", ADD, "actions={bundle:nw_src}",
	  "bundle is written bundle(FIELDS,BASIS,ALGORITHM,ofport,members:PORT,...)" },
	{ "bundle_too_many_members", ADD,
	  "actions=bundle(nw_src,0,hrw,ofport,members:1,2,3,4,5,6,7,8,{9})",
	  "bundle has more than 8 members" },
	{ "bundle_unknown_member", ADD, "actions=bundle(nw_src,0,hrw,ofport,members:1,{vm9})",
	  "unknown port 'vm9'" },
	{ "note_too_long", ADD,
	  "actions=note:{000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20}",
	  "note is longer than 32 bytes" },
	{ "note_bad_hex", ADD, "actions=note:{0g}", "'0g' is not hex bytes like 01.02.ab" },
	{ "note_odd_digits", ADD, "actions=note:{012}", "'012' is not hex bytes like 01.02.ab" },
	{ "mod_nw_src_needs_ip", ADD, "actions={mod_nw_src:10.0.0.1}",
	  "mod_nw_src needs ip or arp in the match (e.g. 'ip,...')" },
	{ "mod_tp_dst_needs_l4", ADD, "ip,actions={mod_tp_dst:80}",
	  "mod_tp_dst needs tcp, udp or sctp in the match (e.g. 'tcp,...')" },
	{ "mod_nw_tos_needs_ip", ADD, "arp,actions={mod_nw_tos:4}",
	  "mod_nw_tos needs ip or ipv6 in the match (e.g. 'ip,...')" },
	{ "mod_nw_tos_with_ecn_bits", ADD, "ip,actions=mod_nw_tos:{3}",
	  "mod_nw_tos 3 has ECN bits set (the low 2 bits must be 0)" },
	{ "mod_vlan_vid_out_of_range", ADD, "actions=mod_vlan_vid:{4096}",
	  "mod_vlan_vid 4096 is out of range 0..4095" },
	{ "mod_vlan_vid_0xffff_is_no_vlan_only_in_matches", ADD, "actions=mod_vlan_vid:{0xffff}",
	  "mod_vlan_vid 0xffff is out of range 0..0xfff" },
	{ "mod_dl_src_bad_mac", ADD, "actions=mod_dl_src:{52:54:00}",
	  "'52:54:00' is not an Ethernet address" },
	{ "mod_dl_src_with_mask", ADD, "actions=mod_dl_src:52:54:00:00:00:01/{ff:ff:ff:ff:ff:ff}",
	  "mod_dl_src takes no mask" },
	{ "mod_dl_src_needs_a_value", ADD, "actions={mod_dl_src}", "'mod_dl_src' needs a value" },
	{ "push_vlan_bad_tpid", ADD, "actions=push_vlan:{0x0800}",
	  "push_vlan takes 0x8100 or 0x88a8, not 0x0800" },
	{ "push_vlan_needs_tpid", ADD, "actions={push_vlan}",
	  "'push_vlan' needs a TPID (0x8100 or 0x88a8)" },
	{ "set_field_without_arrow", ADD, "actions={set_field:10.0.0.1}",
	  "'set_field:10.0.0.1' is not set_field:VALUE->FIELD" },
	{ "set_field_unknown_field", ADD, "actions=set_field:1->{nw_dest}",
	  "unknown field 'nw_dest'" },
	{ "set_field_read_only_field", ADD, "ip,actions=set_field:6->{nw_proto}",
	  "nw_proto cannot be written" },
	{ "set_field_dl_type_read_only", ADD, "actions=set_field:0x800->{dl_type}",
	  "dl_type cannot be written" },
	{ "set_field_bad_value", ADD, "ip,actions=set_field:{10.0.0.300}->nw_dst",
	  "'10.0.0.300' is not an IPv4 address" },
	{ "set_field_mask_on_unmaskable", ADD, "ip,actions=set_field:64/{0xff}->nw_ttl",
	  "nw_ttl takes no mask" },
	{ "set_field_needs_prereq", ADD, "actions={set_field:10.0.0.1->nw_dst}",
	  "nw_dst needs ip or arp in the match (e.g. 'ip,...')" },
	{ "load_value_too_wide", ADD, "actions=load:{0x10}->NXM_NX_REG0[0..3]",
	  "0x10 does not fit in 4 bits" },
	{ "load_value_beyond_128_bits", ADD,
	  "actions=load:{0x100000000000000000000000000000000}->NXM_NX_REG0[]",
	  "0x100000000000000000000000000000000 does not fit in 32 bits" },
	{ "load_not_a_number", ADD, "actions=load:{abc}->NXM_NX_REG0[]", "'abc' is not a number" },
	{ "load_unknown_field", ADD, "actions=load:1->{NXM_NX_REG9}[]",
	  "unknown field 'NXM_NX_REG9'" },
	{ "load_bit_out_of_range", ADD, "actions=load:1->NXM_NX_REG0[{32}]",
	  "NXM_NX_REG0 bit 32 is out of range 0..31" },
	{ "load_end_out_of_range", ADD, "actions=load:1->reg0[0..{40}]",
	  "reg0 bit 40 is out of range 0..31" },
	{ "load_range_reversed", ADD, "actions=load:1->NXM_NX_REG0[{5..3}]",
	  "'5..3' ends before it starts" },
	{ "load_unclosed_bracket", ADD, "actions=load:1->{NXM_NX_REG0[0..3}",
	  "'NXM_NX_REG0[0..3' is not FIELD[], FIELD[bit] or FIELD[start..end]" },
	{ "load_read_only_field", ADD, "actions=load:1->{NXM_OF_ETH_TYPE}[]",
	  "NXM_OF_ETH_TYPE cannot be written" },
	{ "load_needs_prereq", ADD, "actions={load:80->NXM_OF_TCP_DST[]}",
	  "NXM_OF_TCP_DST needs tcp, udp or sctp in the match (e.g. 'tcp,...')" },
	{ "load_without_arrow", ADD, "actions={load:1}", "'load:1' is not load:VALUE->FIELD[...]" },
	{ "move_widths_differ", ADD, "actions={move:NXM_NX_REG0[0..7]->NXM_NX_REG1[0..15]}",
	  "move needs equal widths: NXM_NX_REG0[0..7] has 8 bits, NXM_NX_REG1[0..15] has 16" },
	{ "move_unknown_source", ADD, "actions=move:{NXM_NX_REG7}[]->NXM_NX_REG1[]",
	  "unknown field 'NXM_NX_REG7'" },
	{ "move_read_only_destination", ADD,
	  "ip,actions=move:NXM_NX_REG0[0..7]->{NXM_OF_IP_PROTO}[]",
	  "NXM_OF_IP_PROTO cannot be written" },
	{ "move_source_needs_prereq", ADD, "actions={move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]}",
	  "NXM_OF_IP_SRC needs ip or arp in the match (e.g. 'ip,...')" },
	{ "move_destination_needs_prereq", ADD,
	  "actions={move:NXM_NX_REG0[]->NXM_NX_IPV6_SRC[0..31]}",
	  "NXM_NX_IPV6_SRC needs ipv6 in the match (e.g. 'ipv6,...')" },
	{ "move_without_arrow", ADD, "actions={move:NXM_NX_REG0[]}",
	  "'move:NXM_NX_REG0[]' is not move:SRC[...]->DST[...]" },
	{ "resubmit_needs_an_argument", ADD, "actions={resubmit}",
	  "'resubmit' needs a port or (port,table)" },
	{ "resubmit_needs_port_or_table", ADD, "actions={resubmit(,)}",
	  "resubmit needs a port or a table" },
	{ "resubmit_three_arguments", ADD, "actions={resubmit(1,2,3)}",
	  "resubmit takes (port,table)" },
	{ "resubmit_unknown_port", ADD, "actions=resubmit({vm9},1)", "unknown port 'vm9'" },
	{ "resubmit_table_out_of_range", ADD, "actions=resubmit(1,{255})",
	  "table 255 is out of range 0..254" },
	{ "unclosed_parenthesis", ADD, "actions={resubmit(1,2}",
	  "'resubmit(1,2' has no closing ')'" },
	{ "junk_after_parenthesis", ADD, "actions={resubmit(1,2)x}",
	  "'resubmit(1,2)x' has no closing ')'" },
	{ "empty_action_between_commas", ADD, "actions=output:1,{},normal", "empty action" },
	{ "trailing_comma_in_actions", ADD, "actions=output:1,{}", "empty action" },
	{ "first_error_wins", ADD, "{nw_dest}=1,tp_dst=80,actions=bogus",
	  "unknown field 'nw_dest'" },
};

/* Strip the {} marking the blamed word; its position and length. */
static void unmark(const char *marked, char *text, size_t size, int *pos, int *len)
{
	const char *open = strchr(marked, '{');
	const char *close = strchr(marked, '}');
	size_t n = strlen(marked);

	if (open == NULL || close == NULL || close < open || n >= size)
		fail_msg("test text '%s' must mark the blamed word once with {}", marked);
	*pos = (int)(open - marked);
	*len = (int)(close - open - 1);
	snprintf(text, size, "%.*s%.*s%s", *pos, marked, *len, open + 1, close + 1);
}

static void assert_parse_error(const char *marked, enum flow_parse_mode mode, const char *msg)
{
	char text[1200];
	int pos, len;
	int rc;

	unmark(marked, text, sizeof(text), &pos, &len);
	memset(&perr, 0x55, sizeof(perr));
	rc = flow_spec_parse(text, mode, lookup_port, NULL, &spec, &perr);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(perr.msg, msg);
	if (perr.pos != pos || perr.len != len)
		fail_msg("'%s' blames '%.*s' (%d+%d), expected '%.*s'", text,
			 perr.len, text + perr.pos, perr.pos, perr.len, len, text + pos);
}

static void run_error_case(void **state)
{
	const struct error_case *c = *state;

	assert_parse_error(c->text, c->mode, c->msg);
}

/* ---- round trips: parse, print, parse again: the same bytes ---- */

struct round_trip {
	const char *name;
	const char *text;
};

static const struct round_trip round_trips[] = {
	{ "rt_match_all_drop", "actions=drop" },
	{ "rt_no_actions", "actions=" },
	{ "rt_in_port_name", "in_port=vm1,actions=output:vm2" },
	{ "rt_in_port_unnamed_number", "in_port=7,actions=output:8" },
	{ "rt_header_words",
	  "cookie=0xabc,table=3,priority=100,idle_timeout=30,hard_timeout=60,actions=drop" },
	{ "rt_table_0_given", "table=0,actions=normal" },
	{ "rt_priority_0", "priority=0,actions=drop" },
	{ "rt_cookie_zero", "cookie=0,actions=drop" },
	{ "rt_tcp_port", "tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_nw_dst:10.0.0.9,output:2" },
	{ "rt_udp_masked_port", "udp,tp_src=0x1000/0xf000,actions=flood" },
	{ "rt_sctp", "sctp,tp_dst=5000,actions=all" },
	{ "rt_tcp6", "tcp6,ipv6_src=2001:db8::/32,tp_dst=443,actions=output:1" },
	{ "rt_udp6", "udp6,ipv6_dst=fe80::1,tp_dst=546,actions=output:1" },
	{ "rt_sctp6", "sctp6,actions=drop" },
	{ "rt_icmp", "icmp,icmp_type=8,icmp_code=0,actions=in_port" },
	{ "rt_icmp6", "icmp6,icmpv6_type=135,icmpv6_code=0,actions=normal" },
	{ "rt_arp", "arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/8,actions=flood" },
	{ "rt_arp_by_nw_names", "arp,nw_src=10.0.0.1,nw_dst=10.0.0.2,actions=normal" },
	{ "rt_ip_other_proto", "ip,nw_proto=47,actions=drop" },
	{ "rt_ipv6_other_proto", "ipv6,nw_proto=50,actions=drop" },
	{ "rt_dl_type_without_shorthand", "dl_type=0x88cc,actions=drop" },
	{ "rt_macs_with_masks",
	  "dl_src=52:54:00:00:00:01,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop" },
	{ "rt_vlan_vid", "dl_vlan=10,actions=strip_vlan,output:1" },
	{ "rt_vlan_vid_and_pcp", "dl_vlan=10,dl_vlan_pcp=7,actions=drop" },
	{ "rt_vlan_pcp_only", "dl_vlan_pcp=2,actions=drop" },
	{ "rt_untagged", "dl_vlan=0xffff,actions=push_vlan:0x8100,mod_vlan_vid:10,output:1" },
	{ "rt_any_tagged", "vlan_tci=0x1000/0x1000,actions=drop" },
	{ "rt_vlan_tci_odd_mask", "vlan_tci=0x0005/0x0fff,actions=drop" },
	{ "rt_tos_ecn_ttl", "ip,nw_tos=184,nw_ecn=2,nw_ttl=1,actions=drop" },
	{ "rt_ip_frag_each", "ip,ip_frag=first,actions=drop" },
	{ "rt_ip_frag_not_later", "ipv6,ip_frag=not_later,actions=drop" },
	{ "rt_ip_frag_numeric", "ip,ip_frag=0x2/0x3,actions=drop" },
	{ "rt_tcp_flags_named", "tcp,tcp_flags=+syn-ack,actions=drop" },
	{ "rt_tcp_flags_numeric", "tcp,tcp_flags=0x800/0x810,actions=drop" },
	{ "rt_nw_dotted_mask", "ip,nw_src=10.0.0.0/255.0.255.0,actions=drop" },
	{ "rt_ipv6_address_mask", "ipv6,ipv6_src=2001:db8::ff/ffff:ffff::ff,actions=drop" },
	{ "rt_regs_and_tun_id",
	  "reg0=0x5,reg1=0x10/0xf0,reg2=1,reg3=0xffffffff,tun_id=0x1234,actions=drop" },
	{ "rt_tun_id_masked", "tun_id=0x100000000/0xffffffff00000000,actions=drop" },
	{ "rt_mod_actions",
	  "tcp,actions=mod_dl_src:52:54:00:00:00:01,mod_dl_dst:52:54:00:00:00:02,"
	  "mod_nw_src:1.1.1.1,"
	  "mod_nw_dst:2.2.2.2,mod_nw_tos:8,mod_tp_src:1,mod_tp_dst:2,output:1" },
	{ "rt_vlan_actions",
	  "actions=push_vlan:0x88a8,mod_vlan_vid:4095,mod_vlan_pcp:7,pop_vlan,output:1" },
	{ "rt_set_field",
	  "ip,actions=set_field:10.0.0.1->nw_dst,set_field:0x5/0xf->reg0,dec_ttl,normal" },
	{ "rt_set_field_ipv6",
	  "ipv6,actions=set_field:2001:db8::1->ipv6_src,set_field:fe80::/10->ipv6_dst" },
	{ "rt_set_field_vlan_and_port",
	  "actions=set_field:10->dl_vlan,set_field:vm2->in_port,resubmit(,1)" },
	{ "rt_set_field_tos",
	  "ip,actions=set_field:184->nw_tos,set_field:1->nw_ecn,set_field:9->nw_ttl" },
	{ "rt_load", "actions=load:0x5->NXM_NX_REG0[0..3],load:1->NXM_NX_REG1[31],load:0->reg2[]" },
	{ "rt_load_wide",
	  "ipv6,actions=load:0x20010db8000000000000000000000001->NXM_NX_IPV6_SRC[]" },
	{ "rt_load_vlan", "actions=load:0x5->dl_vlan[],load:3->dl_vlan_pcp[0..1]" },
	{ "rt_load_icmp", "icmp,actions=load:3->NXM_OF_ICMP_TYPE[],load:1->NXM_OF_ICMP_CODE[0]" },
	{ "rt_move",
	  "tcp,actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
	  "move:NXM_NX_REG0[0..15]->NXM_OF_TCP_DST[]" },
	{ "rt_move_bits",
	  "actions=move:reg1[3]->reg2[31],move:NXM_NX_TUN_ID[32..63]->NXM_NX_REG3[]" },
	{ "rt_resubmit_forms", "actions=resubmit:5,resubmit(vm1,2),resubmit(,3),resubmit(4,)" },
	{ "rt_goto_table", "table=1,ip,actions=meter:3,dec_ttl,goto_table:2" },
	{ "rt_note", "actions=note:01.02.ab,note:,output:1" },
	{ "rt_bare_ports", "actions=1,vm2,uplink" },
	{ "rt_reserved_ports", "actions=NORMAL,output:in_port,FLOOD,output:ALL" },
	{ "rt_word_order", "tp_dst=80,priority=5,tcp,in_port=vm1,table=2,actions=output:uplink" },
	{ "rt_everything",
	  "cookie=0x1,table=2,priority=300,idle_timeout=10,hard_timeout=20,in_port=vm1,reg0=0x1,"
	  "dl_vlan=5,dl_src=52:54:00:00:00:01,tcp,nw_src=10.0.0.0/8,nw_dst=192.168.0.1,nw_tos=32,"
	  "nw_ttl=3,ip_frag=no,tp_src=1000,tp_dst=0x50/0xfff0,tcp_flags=+syn,"
	  "actions=meter:1,mod_vlan_vid:6,set_field:1.2.3.4->nw_src,load:0x1->NXM_NX_REG1[0],"
	  "move:NXM_NX_REG0[]->NXM_NX_REG2[],note:ff,output:vm2,resubmit(,5),goto_table:9" },
};

static void check_round_trip(const char *text, flow_port_name_fn name, bool with_header)
{
	static struct flow_spec first;
	char again[4096];
	int n;

	parse_ok(text, FLOW_PARSE_ADD);
	first = spec;
	n = flow_spec_format(&first, with_header, name, NULL, out, sizeof(out));
	assert_int_equal(n, (int)strlen(out));
	parse_ok(out, FLOW_PARSE_ADD);
	if (!with_header) {
		/* without the header words only the match and actions survive */
		assert_bytes_equal(&spec.match, &first.match, sizeof(first.match), out);
		assert_int_equal(spec.n_actions, first.n_actions);
		assert_bytes_equal(spec.actions, first.actions, sizeof(first.actions), out);
		return;
	}
	assert_bytes_equal(&spec, &first, sizeof(spec), out);
	/* and the printing is stable */
	flow_spec_format(&spec, true, name, NULL, again, sizeof(again));
	assert_string_equal(again, out);
}

static void run_round_trip(void **state)
{
	const struct round_trip *c = *state;

	check_round_trip(c->text, port_name, true);
	check_round_trip(c->text, NULL, true);
	check_round_trip(c->text, port_name, false);
}

static void round_trip_of_delete_match_keeps_cookie_mask(void **state)
{
	static struct flow_spec first;

	(void)state;
	parse_ok("cookie=0x30/0xf0,table=1,tcp,tp_dst=22", FLOW_PARSE_DELETE);
	first = spec;
	flow_spec_format(&first, true, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "cookie=0x30/0xf0,table=1,tcp,tp_dst=22,actions=drop");
	/* the header and match part parse back in DELETE mode */
	out[strlen(out) - strlen(",actions=drop")] = '\0';
	parse_ok(out, FLOW_PARSE_DELETE);
	assert_bytes_equal(&spec, &first, sizeof(spec), out);
}

static void round_trip_of_sixty_four_actions(void **state)
{
	static struct flow_spec first;
	char text[1024] = "actions=";

	(void)state;
	for (int i = 1; i <= FLOW_MAX_ACTIONS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%soutput:%d",
			 i > 1 ? "," : "", i);
	parse_ok(text, FLOW_PARSE_ADD);
	assert_int_equal(spec.n_actions, FLOW_MAX_ACTIONS);
	assert_int_equal(spec.actions[63].output.port, 64);
	first = spec;
	flow_spec_format(&first, true, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, text);
	parse_ok(out, FLOW_PARSE_ADD);
	assert_bytes_equal(&spec, &first, sizeof(spec), out);
}

static void sixty_five_actions_are_too_many(void **state)
{
	char text[1024] = "actions=";
	char marked[1100];
	size_t at;

	(void)state;
	for (int i = 1; i <= FLOW_MAX_ACTIONS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "output:%d,", i);
	at = strlen(text);
	snprintf(marked, sizeof(marked), "%.*s{normal}", (int)at, text);
	assert_parse_error(marked, FLOW_PARSE_ADD, "too many actions (at most 64)");
}

/* ---- printing: the exact text ---- */

struct format_case {
	const char *name;
	const char *text;
	const char *want;       /* flow_spec_format with header and port names */
};

static const struct format_case format_cases[] = {
	{ "fmt_defaults_left_out", "priority=32768,actions=drop", "actions=drop" },
	{ "fmt_empty_actions_print_drop", "tcp,actions=", "tcp,actions=drop" },
	{ "fmt_header_order",
	  "hard_timeout=5,idle_timeout=4,priority=7,table=3,cookie=0x10,actions=drop",
	  "cookie=0x10,table=3,priority=7,idle_timeout=4,hard_timeout=5,actions=drop" },
	{ "fmt_header_then_shorthand_then_fields", "tp_dst=80,tcp,priority=5,in_port=1,actions=1",
	  "priority=5,tcp,in_port=vm1,tp_dst=80,actions=output:vm1" },
	{ "fmt_shorthand_from_dl_type_and_proto", "dl_type=0x0800,nw_proto=17,actions=drop",
	  "udp,actions=drop" },
	{ "fmt_ipv6_shorthand", "dl_type=0x86dd,nw_proto=6,actions=drop", "tcp6,actions=drop" },
	{ "fmt_ip_with_other_proto", "dl_type=0x0800,nw_proto=47,actions=drop",
	  "ip,nw_proto=47,actions=drop" },
	{ "fmt_dl_type_hex_4_digits", "dl_type=2054,actions=drop", "arp,actions=drop" },
	{ "fmt_unknown_dl_type", "dl_type=0x88cc,actions=drop", "dl_type=0x88cc,actions=drop" },
	{ "fmt_arp_fields_by_arp_names", "arp,nw_src=10.0.0.1,nw_dst=10.0.0.2,actions=drop",
	  "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,actions=drop" },
	{ "fmt_icmp_fields_by_icmp_names", "icmp,icmp_code=1,icmp_type=3,actions=drop",
	  "icmp,icmp_type=3,icmp_code=1,actions=drop" },
	{ "fmt_ipv4_mask_as_prefix", "ip,nw_src=10.1.2.3/255.255.0.0,actions=drop",
	  "ip,nw_src=10.1.0.0/16,actions=drop" },
	{ "fmt_ipv6_mask_as_prefix", "ipv6,ipv6_src=2001:db8::1/ffff:ffff::,actions=drop",
	  "ipv6,ipv6_src=2001:db8::/32,actions=drop" },
	{ "fmt_untagged_as_vlan_tci", "dl_vlan=0xffff,actions=drop",
	  "vlan_tci=0x0000,actions=drop" },
	{ "fmt_vid_as_dl_vlan", "vlan_tci=0x100a/0x1fff,actions=drop", "dl_vlan=10,actions=drop" },
	{ "fmt_masked_port_in_hex", "tcp,tp_dst=8000/0xfff0,actions=drop",
	  "tcp,tp_dst=0x1f40/0xfff0,actions=drop" },
	{ "fmt_field_order",
	  "ip,nw_ttl=2,nw_dst=2.2.2.2,dl_dst=00:00:00:00:00:02,reg1=1,in_port=9,actions=drop",
	  "ip,reg1=0x1,in_port=9,dl_dst=00:00:00:00:00:02,nw_dst=2.2.2.2,nw_ttl=2,actions=drop" },
	{ "fmt_tcp_flags_by_name_when_all_named", "tcp,tcp_flags=0x002/0x012,actions=drop",
	  "tcp,tcp_flags=+syn-ack,actions=drop" },
	{ "fmt_tcp_flags_exact_in_hex", "tcp,tcp_flags=0x12,actions=drop",
	  "tcp,tcp_flags=0x12,actions=drop" },
	{ "fmt_tcp_flags_reserved_bits_in_hex", "tcp,tcp_flags=0x800/0x810,actions=drop",
	  "tcp,tcp_flags=0x800/0x810,actions=drop" },
	{ "fmt_ip_frag_keyword", "ip,ip_frag=0x1/0x3,actions=drop",
	  "ip,nw_frag=first,actions=drop" },
	{ "fmt_ip_frag_without_keyword_as_number", "ip,ip_frag=0x2/0x3,actions=drop",
	  "ip,nw_frag=2,actions=drop" },
	{ "fmt_ip_frag_partial_mask_in_hex", "ip,ip_frag=0x2/0x2,actions=drop",
	  "ip,nw_frag=0x2/0x2,actions=drop" },
	{ "fmt_bare_port_as_output", "actions=2,10", "actions=output:vm2,output:uplink" },
	/* As ovs-ofctl prints them. */
	{ "fmt_reserved_ports_in_capitals", "actions=normal,output:in_port,Flood,output:all",
	  "actions=NORMAL,IN_PORT,FLOOD,ALL" },
	{ "fmt_pop_vlan_as_strip_vlan", "actions=pop_vlan,strip_vlan",
	  "actions=strip_vlan,strip_vlan" },
	{ "fmt_masked_port_unpadded", "tcp,tp_src=0x400/0xfc00,actions=drop",
	  "tcp,tp_src=0x400/0xfc00,actions=drop" },
	{ "fmt_resubmit_forms", "actions=resubmit(3),resubmit(4,),resubmit(,5),resubmit(1,6)",
	  "actions=resubmit:3,resubmit:4,resubmit(,5),resubmit(vm1,6)" },
	{ "fmt_load_value_in_hex", "ip,actions=load:167772161->NXM_OF_IP_DST[]",
	  "ip,actions=load:0xa000001->NXM_OF_IP_DST[]" },
	{ "fmt_load_by_ofctl_name_prints_nxm_name", "actions=load:3->reg0[4..5]",
	  "actions=load:0x3->NXM_NX_REG0[4..5]" },
	{ "fmt_set_field_by_alias_prints_name", "ip,actions=set_field:10.0.0.1->ip_dst",
	  "ip,actions=set_field:10.0.0.1->nw_dst" },
	{ "fmt_mod_keeps_its_flavor", "ip,actions=mod_nw_tos:184,mod_nw_dst:1.2.3.4",
	  "ip,actions=mod_nw_tos:184,mod_nw_dst:1.2.3.4" },
	{ "fmt_note_with_dots", "actions=note:0102", "actions=note:01.02" },
	{ "fmt_push_vlan_hex", "actions=push_vlan:33024", "actions=push_vlan:0x8100" },
	{ "fmt_move_names", "actions=move:reg0[0..7]->dl_vlan[0..7]",
	  "actions=move:NXM_NX_REG0[0..7]->dl_vlan[0..7]" },
};

static void run_format_case(void **state)
{
	const struct format_case *c = *state;
	int n;

	parse_ok(c->text, FLOW_PARSE_ADD);
	n = flow_spec_format(&spec, true, port_name, NULL, out, sizeof(out));
	assert_string_equal(out, c->want);
	assert_int_equal(n, (int)strlen(c->want));
}

static void format_without_header_leaves_out_header_words(void **state)
{
	(void)state;
	parse_ok("table=4,priority=9,cookie=0x1,tcp,actions=normal", FLOW_PARSE_ADD);
	flow_spec_format(&spec, false, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "tcp,actions=NORMAL");
}

static void match_format_of_match_all_is_empty(void **state)
{
	struct flow_match all = { 0 };

	(void)state;
	assert_int_equal(flow_match_format(&all, NULL, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void match_format_prints_only_the_match(void **state)
{
	(void)state;
	parse_ok("priority=1,udp,tp_dst=53,actions=output:1", FLOW_PARSE_ADD);
	flow_match_format(&spec.match, NULL, NULL, out, sizeof(out));
	assert_string_equal(out, "udp,tp_dst=53");
}

static void actions_format_of_none_is_drop(void **state)
{
	(void)state;
	assert_int_equal(flow_actions_format(NULL, 0, NULL, NULL, out, sizeof(out)), 4);
	assert_string_equal(out, "drop");
}

static void actions_format_prints_only_the_actions(void **state)
{
	(void)state;
	parse_ok("in_port=1,actions=output:2,normal", FLOW_PARSE_ADD);
	flow_actions_format(spec.actions, spec.n_actions, port_name, NULL, out, sizeof(out));
	assert_string_equal(out, "output:vm2,NORMAL");
}

static void format_truncates_like_snprintf(void **state)
{
	char small[8];
	int n;

	(void)state;
	parse_ok("tcp,tp_dst=80,actions=output:1", FLOW_PARSE_ADD);
	memset(small, 'x', sizeof(small));
	n = flow_spec_format(&spec, true, NULL, NULL, small, sizeof(small));
	assert_int_equal(n, (int)strlen("tcp,tp_dst=80,actions=output:1"));
	assert_string_equal(small, "tcp,tp_");
	assert_int_equal(flow_spec_format(&spec, true, NULL, NULL, NULL, 0), n);
	assert_int_equal(flow_match_format(&spec.match, NULL, NULL, small, 4),
			 (int)strlen("tcp,tp_dst=80"));
	assert_string_equal(small, "tcp");
	assert_int_equal(flow_actions_format(spec.actions, 1, NULL, NULL, small, 1),
			 (int)strlen("output:1"));
	assert_string_equal(small, "");
}

/* ---- port names through the callbacks ---- */

static void lookup_gets_the_name_and_aux(void **state)
{
	struct port_calls calls = { 0 };

	(void)state;
	assert_int_equal(flow_spec_parse("in_port=uplink,actions=output:vm2", FLOW_PARSE_ADD,
					 lookup_port, &calls, &spec, &perr), 0);
	assert_int_equal(calls.lookups, 2);
	assert_string_equal(calls.last_lookup, "vm2");
	assert_int_equal(spec.match.key.in_port, RTE_BE16(10));
	assert_int_equal(spec.actions[0].output.port, 2);
}

static void numbers_do_not_call_lookup(void **state)
{
	struct port_calls calls = { 0 };

	(void)state;
	assert_int_equal(flow_spec_parse("in_port=3,actions=output:4,resubmit(5,1)", FLOW_PARSE_ADD,
					 lookup_port, &calls, &spec, &perr), 0);
	assert_int_equal(calls.lookups, 0);
}

static void without_lookup_names_are_unknown_ports(void **state)
{
	(void)state;
	assert_int_equal(flow_spec_parse("actions=output:vm1", FLOW_PARSE_ADD, NULL, NULL,
					 &spec, &perr), -EINVAL);
	assert_string_equal(perr.msg, "unknown port 'vm1'");
	assert_int_equal(flow_spec_parse("in_port=2,actions=output:3", FLOW_PARSE_ADD, NULL, NULL,
					 &spec, &perr), 0);
}

static void name_callback_gets_port_and_aux(void **state)
{
	struct port_calls calls = { 0 };

	(void)state;
	parse_ok("in_port=1,actions=output:65279,resubmit(10,1),set_field:2->in_port",
		 FLOW_PARSE_ADD);
	flow_spec_format(&spec, true, port_name, &calls, out, sizeof(out));
	assert_string_equal(out, "in_port=vm1,actions=output:last,resubmit(uplink,1),"
			    "set_field:vm2->in_port");
	assert_int_equal(calls.names, 4);
}

static void unnamed_ports_print_as_numbers(void **state)
{
	(void)state;
	parse_ok("in_port=7,actions=output:8,resubmit:9", FLOW_PARSE_ADD);
	flow_spec_format(&spec, true, port_name, NULL, out, sizeof(out));
	assert_string_equal(out, "in_port=7,actions=output:8,resubmit:9");
}

static void parse_error_is_optional(void **state)
{
	(void)state;
	assert_int_equal(flow_spec_parse("bogus", FLOW_PARSE_ADD, NULL, NULL, &spec, NULL),
			 -EINVAL);
}

static void parse_resets_the_spec(void **state)
{
	(void)state;
	parse_ok("table=3,priority=9,tcp,tp_dst=1,actions=output:1,output:2", FLOW_PARSE_ADD);
	parse_ok("actions=drop", FLOW_PARSE_ADD);
	assert_int_equal(spec.table, 0);
	assert_int_equal(spec.priority, FLOW_PRIORITY_DEFAULT);
	assert_int_equal(spec.n_actions, 0);
	assert_int_equal(spec.match.mask.tp_dst, 0);
}

static void actions_keep_their_order(void **state)
{
	static const uint8_t want[] = { ACT_METER, ACT_SET_FIELD, ACT_OUTPUT, ACT_GOTO_TABLE };

	(void)state;
	parse_ok("ip,actions=meter:1, mod_nw_dst:10.0.0.9 ,output:2,goto_table:1", FLOW_PARSE_ADD);
	assert_int_equal(spec.n_actions, ARRAY_SIZE(want));
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(spec.actions[i].type, want[i]);
}

static void drop_alone_means_no_actions(void **state)
{
	(void)state;
	parse_ok("tcp,actions=drop", FLOW_PARSE_ADD);
	assert_int_equal(spec.n_actions, 0);
	parse_ok("tcp,actions= drop ", FLOW_PARSE_ADD);
	assert_int_equal(spec.n_actions, 0);
}

/* ---- the registry (field.h) ---- */

static void every_field_is_found_by_its_name(void **state)
{
	(void)state;
	for (int id = 0; id < FIELD__COUNT; id++) {
		const struct field *f = field_get(id);

		assert_non_null(f);
		assert_int_equal(f->id, id);
		assert_ptr_equal(field_by_name(f->name), f);
	}
}

static void every_nxm_name_finds_its_field(void **state)
{
	int named = 0;

	(void)state;
	for (int id = 0; id < FIELD__COUNT; id++) {
		const struct field *f = field_get(id);

		if (f->nxm_name == NULL)
			continue;
		assert_ptr_equal(field_by_name(f->nxm_name), f);
		named++;
	}
	assert_int_equal(named, FIELD__COUNT - 1); /* all but dl_vlan */
}

static void aliases_find_their_fields(void **state)
{
	static const struct {
		const char *name;
		enum field_id id;
	} aliases[] = {
		{ "eth_src", FIELD_DL_SRC }, { "eth_type", FIELD_DL_TYPE }, { "ip_dst",
		  FIELD_NW_DST },
		{ "udp_dst", FIELD_TP_DST }, { "sctp_src", FIELD_TP_SRC }, { "vlan_pcp",
		  FIELD_DL_VLAN_PCP },
		{ "NXM_OF_UDP_SRC", FIELD_TP_SRC }, { "OXM_OF_IPV4_SRC", FIELD_NW_SRC },
		{ "OXM_OF_IPV6_DST", FIELD_IPV6_DST }, { "OXM_OF_TUNNEL_ID", FIELD_TUN_ID },
		{ "OXM_OF_ICMPV4_TYPE", FIELD_ICMP_TYPE }, { "OXM_OF_ARP_TPA", FIELD_ARP_TPA },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(aliases); i++) {
		const struct field *f = field_by_name(aliases[i].name);

		assert_non_null(f);
		assert_int_equal(f->id, aliases[i].id);
	}
}

static void unknown_names_find_nothing(void **state)
{
	(void)state;
	assert_null(field_by_name("nw_dest"));
	assert_null(field_by_name("NW_SRC"));
	assert_null(field_by_name("nxm_nx_reg0"));
	assert_null(field_by_name(""));
	assert_null(field_get(FIELD__COUNT));
}

static void every_field_fits_its_storage(void **state)
{
	(void)state;
	for (int id = 0; id < FIELD__COUNT; id++) {
		const struct field *f = field_get(id);

		assert_true(f->n_bytes > 0 && f->n_bytes <= FIELD_MAX_BYTES);
		assert_true(f->offset + f->n_bytes <= sizeof(struct flow_key));
		assert_true(f->n_bits > 0 && f->n_bits + f->shift <= 8 * f->n_bytes);
		assert_true(!f->maskable || f->format != FIELD_FMT_PORT);
	}
}

static void dl_vlan_storage_adds_the_tagged_bit(void **state)
{
	const struct field *f = field_get(FIELD_DL_VLAN);
	uint8_t v[2] = { 0x00, 0x0a }, m[2] = { 0xff, 0xff }, sv[2], sm[2], v2[2], m2[2];

	(void)state;
	field_to_storage(f, v, m, sv, sm);
	assert_int_equal(sv[0] << 8 | sv[1], 0x100a);
	assert_int_equal(sm[0] << 8 | sm[1], 0x1fff);  /* bits beyond the 12 dropped */
	field_from_storage(f, sv, sm, v2, m2);
	assert_int_equal(v2[0] << 8 | v2[1], 0x000a);
	assert_int_equal(m2[0] << 8 | m2[1], 0x0fff);
}

static void dl_vlan_pcp_storage_is_shifted(void **state)
{
	const struct field *f = field_get(FIELD_DL_VLAN_PCP);
	uint8_t v[2] = { 0, 6 }, m[2] = { 0, 7 }, sv[2], sm[2], v2[2], m2[2];

	(void)state;
	field_to_storage(f, v, m, sv, sm);
	assert_int_equal(sv[0] << 8 | sv[1], 0xd000);
	assert_int_equal(sm[0] << 8 | sm[1], 0xf000);
	field_from_storage(f, sv, sm, v2, m2);
	assert_int_equal(v2[1], 6);
	assert_int_equal(m2[1], 7);
}

static void nw_tos_storage_keeps_dscp_in_place(void **state)
{
	const struct field *f = field_get(FIELD_NW_TOS);
	uint8_t v[1] = { 46 }, m[1] = { 0xff }, sv[1], sm[1];

	(void)state;
	field_to_storage(f, v, m, sv, sm);
	assert_int_equal(sv[0], 46 << 2);
	assert_int_equal(sm[0], 0xfc);
}

static void storage_value_is_masked(void **state)
{
	const struct field *f = field_get(FIELD_REG0);
	uint8_t v[4] = { 0x12, 0x34, 0x56, 0x78 }, m[4] = { 0, 0xff, 0, 0x0f }, sv[4], sm[4];

	(void)state;
	field_to_storage(f, v, m, sv, sm);
	assert_bytes_equal(sv, (uint8_t[]){ 0, 0x34, 0, 0x08 }, 4, "value");
	assert_bytes_equal(sm, m, 4, "mask");
}

static void write_masked_changes_only_masked_bits(void **state)
{
	const struct field *f = field_get(FIELD_TP_DST);
	struct flow_key key = { .tp_dst = RTE_BE16(0x1234), .tp_src = RTE_BE16(0xffff) };
	uint8_t v[2] = { 0xab, 0xcd }, m[2] = { 0xf0, 0x0f }, got[2];

	(void)state;
	field_write_masked(f, &key, v, m);
	assert_int_equal(key.tp_dst, RTE_BE16(0xa23d));
	assert_int_equal(key.tp_src, RTE_BE16(0xffff));
	field_read(f, &key, got);
	assert_int_equal(got[0] << 8 | got[1], 0xa23d);
}

static void icmp_type_reads_the_low_byte_of_tp_src(void **state)
{
	struct flow_key key = { .tp_src = RTE_BE16(0x0008) };
	uint8_t got[1];

	(void)state;
	field_read(field_get(FIELD_ICMP_TYPE), &key, got);
	assert_int_equal(got[0], 8);
}

struct prereq_case {
	const char *name;
	enum field_id field;
	const char *match;       /* parsed in DELETE mode */
	bool ok;
};

static const struct prereq_case prereq_cases[] = {
	{ "prereq_none_always_holds", FIELD_REG0, "", true },
	{ "prereq_ipv4_arp_holds_for_ip", FIELD_NW_SRC, "ip", true },
	{ "prereq_ipv4_arp_holds_for_arp", FIELD_NW_SRC, "arp", true },
	{ "prereq_ipv4_arp_fails_for_ipv6", FIELD_NW_SRC, "ipv6", false },
	{ "prereq_ip_any_holds_for_ipv6", FIELD_NW_TTL, "ipv6", true },
	{ "prereq_ip_any_fails_without_dl_type", FIELD_NW_TTL, "", false },
	{ "prereq_l4_holds_for_udp6", FIELD_TP_DST, "udp6", true },
	{ "prereq_l4_fails_for_icmp", FIELD_TP_DST, "icmp", false },
	{ "prereq_tcp_holds_for_tcp6", FIELD_TCP_FLAGS, "tcp6", true },
	{ "prereq_tcp_fails_for_sctp", FIELD_TCP_FLAGS, "sctp", false },
	{ "prereq_icmp4_fails_for_icmp6", FIELD_ICMP_TYPE, "icmp6", false },
	{ "prereq_icmp6_holds", FIELD_ICMPV6_CODE, "icmp6", true },
	{ "prereq_arp_fails_for_ip", FIELD_ARP_OP, "ip", false },
	{ "prereq_ipv6_fails_for_ip", FIELD_IPV6_SRC, "ip", false },
	{ "prereq_needs_exact_dl_type", FIELD_NW_TTL, "eth_type=0x0800", true },
};

static void run_prereq_case(void **state)
{
	const struct prereq_case *c = *state;

	parse_ok(c->match, FLOW_PARSE_DELETE);
	assert_int_equal(field_prereq_ok(field_get(c->field), &spec.match), c->ok);
}

static void prereq_needs_exact_masks(void **state)
{
	struct flow_match m = { 0 };

	(void)state;
	m.key.dl_type = RTE_BE16(0x0800);
	m.mask.dl_type = RTE_BE16(0xff00);
	assert_false(field_prereq_ok(field_get(FIELD_NW_TTL), &m));
	m.mask.dl_type = RTE_BE16(0xffff);
	assert_true(field_prereq_ok(field_get(FIELD_NW_TTL), &m));
	m.key.nw_proto = 6;
	m.mask.nw_proto = 0x0f;
	assert_false(field_prereq_ok(field_get(FIELD_TP_DST), &m));
}

static void prereq_vlan_needs_tagged(void **state)
{
	struct flow_match m = { 0 };
	const struct field *f = &(struct field){ .prereq = PREREQ_VLAN };

	(void)state;
	assert_false(field_prereq_ok(f, &m));
	parse_ok("dl_vlan=5", FLOW_PARSE_DELETE);
	assert_true(field_prereq_ok(f, &spec.match));
	parse_ok("dl_vlan=0xffff", FLOW_PARSE_DELETE);
	assert_false(field_prereq_ok(f, &spec.match));
}

/* ---- running: each table row is a named test ---- */

#define TABLE_TESTS(tests, n, table, fn)                                              \
	do {                                                                           \
		for (size_t i_ = 0; i_ < ARRAY_SIZE(table); i_++)                      \
			tests[n++] = (struct CMUnitTest){ .name = table[i_].name,      \
				.test_func = fn, .initial_state = (void *)&table[i_] }; \
	} while (0)

static const struct CMUnitTest single_tests[] = {
	cmocka_unit_test(round_trip_of_delete_match_keeps_cookie_mask),
	cmocka_unit_test(round_trip_of_sixty_four_actions),
	cmocka_unit_test(sixty_five_actions_are_too_many),
	cmocka_unit_test(format_without_header_leaves_out_header_words),
	cmocka_unit_test(match_format_of_match_all_is_empty),
	cmocka_unit_test(match_format_prints_only_the_match),
	cmocka_unit_test(actions_format_of_none_is_drop),
	cmocka_unit_test(actions_format_prints_only_the_actions),
	cmocka_unit_test(format_truncates_like_snprintf),
	cmocka_unit_test(lookup_gets_the_name_and_aux),
	cmocka_unit_test(numbers_do_not_call_lookup),
	cmocka_unit_test(without_lookup_names_are_unknown_ports),
	cmocka_unit_test(name_callback_gets_port_and_aux),
	cmocka_unit_test(unnamed_ports_print_as_numbers),
	cmocka_unit_test(parse_error_is_optional),
	cmocka_unit_test(parse_resets_the_spec),
	cmocka_unit_test(actions_keep_their_order),
	cmocka_unit_test(drop_alone_means_no_actions),
	cmocka_unit_test(every_field_is_found_by_its_name),
	cmocka_unit_test(every_nxm_name_finds_its_field),
	cmocka_unit_test(aliases_find_their_fields),
	cmocka_unit_test(unknown_names_find_nothing),
	cmocka_unit_test(every_field_fits_its_storage),
	cmocka_unit_test(dl_vlan_storage_adds_the_tagged_bit),
	cmocka_unit_test(dl_vlan_pcp_storage_is_shifted),
	cmocka_unit_test(nw_tos_storage_keeps_dscp_in_place),
	cmocka_unit_test(storage_value_is_masked),
	cmocka_unit_test(write_masked_changes_only_masked_bits),
	cmocka_unit_test(icmp_type_reads_the_low_byte_of_tp_src),
	cmocka_unit_test(prereq_needs_exact_masks),
	cmocka_unit_test(prereq_vlan_needs_tagged),
};

int main(void)
{
	static struct CMUnitTest tests[ARRAY_SIZE(single_tests) + ARRAY_SIZE(match_cases) +
				       ARRAY_SIZE(header_cases) + ARRAY_SIZE(packet_cases) +
				       ARRAY_SIZE(action_cases) + ARRAY_SIZE(error_cases) +
				       ARRAY_SIZE(round_trips) + ARRAY_SIZE(format_cases) +
				       ARRAY_SIZE(prereq_cases)];
	size_t n = 0;

	TABLE_TESTS(tests, n, match_cases, run_match_case);
	TABLE_TESTS(tests, n, header_cases, run_header_case);
	TABLE_TESTS(tests, n, packet_cases, run_packet_case);
	TABLE_TESTS(tests, n, action_cases, run_action_case);
	TABLE_TESTS(tests, n, error_cases, run_error_case);
	TABLE_TESTS(tests, n, round_trips, run_round_trip);
	TABLE_TESTS(tests, n, format_cases, run_format_case);
	TABLE_TESTS(tests, n, prereq_cases, run_prereq_case);
	for (size_t i = 0; i < ARRAY_SIZE(single_tests); i++)
		tests[n++] = single_tests[i];
	return _cmocka_run_group_tests("flow_spec", tests, n, NULL, NULL);
}
