/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fields of the packet key by name: what the flow syntax parser, the
 * printer, set_field/load/move and trace share.
 *
 * A field is a run of bits inside a run of bytes of struct flow_key (its
 * *storage*). Most fields use whole bytes (nw_src: 4 bytes, all bits);
 * some are a part of them (dl_vlan: the 12 VID bits of vlan_tci, plus the
 * FLOW_VLAN_PRESENT bit that says "tagged"; nw_tos: the 6 DSCP bits of the
 * TOS byte, kept in place as Open vSwitch does; nw_ecn: the low 2 bits).
 * Values are converted between what the user writes and the storage with
 * field_to_storage() / field_from_storage(), so nothing else needs to know.
 */
#ifndef XVIO_FLOW_FIELD_H
#define XVIO_FLOW_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/flow_key.h"

enum field_id {
	FIELD_IN_PORT,
	FIELD_DL_SRC,
	FIELD_DL_DST,
	FIELD_DL_TYPE,
	FIELD_VLAN_TCI,
	FIELD_DL_VLAN,
	FIELD_DL_VLAN_PCP,
	FIELD_NW_SRC,
	FIELD_NW_DST,
	FIELD_NW_PROTO,
	FIELD_NW_TOS,
	FIELD_NW_ECN,
	FIELD_NW_TTL,
	FIELD_IP_FRAG,
	FIELD_TP_SRC,
	FIELD_TP_DST,
	FIELD_TCP_FLAGS,
	FIELD_ICMP_TYPE,
	FIELD_ICMP_CODE,
	FIELD_ICMPV6_TYPE,
	FIELD_ICMPV6_CODE,
	FIELD_ARP_OP,
	FIELD_ARP_SPA,
	FIELD_ARP_TPA,
	FIELD_IPV6_SRC,
	FIELD_IPV6_DST,
	FIELD_REG0,
	FIELD_REG1,
	FIELD_REG2,
	FIELD_REG3,
	FIELD_TUN_ID,
	FIELD__COUNT,
};

enum field_format {
	FIELD_FMT_DEC,    /* 80, or 0x50 */
	FIELD_FMT_HEX,    /* printed 0x0800; parsed as any integer */
	FIELD_FMT_MAC,    /* 52:54:00:00:00:01 */
	FIELD_FMT_IPV4,   /* 10.0.0.1, masks as /24 or /255.255.0.0 */
	FIELD_FMT_IPV6,   /* 2001:db8::1, masks as /64 or an address */
	FIELD_FMT_PORT,   /* in_port: a number or a port name */
	FIELD_FMT_FRAG,   /* ip_frag=no|yes|first|later|not_later */
};

/* What a packet must be for the field to exist; a match or an action on
 * the field is only accepted together with a match that implies it
 * (e.g. "tcp,tp_dst=80", never "tp_dst=80" alone). */
enum field_prereq {
	PREREQ_NONE,
	PREREQ_IPV4,      /* dl_type=0x0800 */
	PREREQ_IPV6,      /* dl_type=0x86dd */
	PREREQ_IP_ANY,    /* IPv4 or IPv6 */
	PREREQ_ARP,       /* dl_type=0x0806 */
	PREREQ_IPV4_ARP,  /* nw_src/nw_dst: IPv4 or ARP */
	PREREQ_L4,        /* IP (v4 or v6) and nw_proto one of tcp/udp/sctp */
	PREREQ_TCP,       /* IP and nw_proto=6 */
	PREREQ_ICMP4,     /* IPv4 and nw_proto=1 */
	PREREQ_ICMP6,     /* IPv6 and nw_proto=58 */
	PREREQ_VLAN,      /* tagged (vlan_tci has FLOW_VLAN_PRESENT matched 1) */
};

struct field {
	enum field_id id;
	const char *name;       /* ovs-ofctl name: "nw_src" */
	const char *nxm_name;   /* for load/move: "NXM_OF_IP_SRC" */
	uint8_t offset;         /* storage: offsetof(struct flow_key, ...) */
	uint8_t n_bytes;        /* storage size */
	uint8_t n_bits;         /* width of the user's value */
	uint8_t shift;          /* the value's bit 0 is storage bit `shift`
				 * (bits counted from the storage's LSB) */
	enum field_format format;
	enum field_prereq prereq;
	bool maskable;          /* value/mask accepted in matches */
	bool writable;          /* set_field/load/move may write it */
};

/* Storage is at most 16 bytes (IPv6). */
#define FIELD_MAX_BYTES 16

const struct field *field_get(enum field_id id);
/* By ovs-ofctl name or NXM/OXM name; NULL if unknown. */
const struct field *field_by_name(const char *name);

/*
 * Convert a user value and mask (big-endian, n_bytes of storage, right
 * aligned: the field's bit 0 is the LSB of the last byte) into storage
 * value and mask bytes, adding the implied bits (dl_vlan and dl_vlan_pcp
 * also match FLOW_VLAN_PRESENT = 1). And back.
 */
void field_to_storage(const struct field *f, const uint8_t *value, const uint8_t *mask,
		      uint8_t *st_value, uint8_t *st_mask);
void field_from_storage(const struct field *f, const uint8_t *st_value,
			const uint8_t *st_mask, uint8_t *value, uint8_t *mask);

/* The field's width mask: n_bits ones, right aligned in n_bytes. */
void field_width_mask(const struct field *f, uint8_t *mask);

/* Read / write a field's storage bytes in a key. */
void field_read(const struct field *f, const struct flow_key *key, uint8_t *bytes);
/* key = (key & ~mask) | (value & mask), storage bytes. */
void field_write_masked(const struct field *f, struct flow_key *key,
			const uint8_t *value, const uint8_t *mask);

/* Is the field's prerequisite implied by the match? */
bool field_prereq_ok(const struct field *f, const struct flow_match *m);

#endif
