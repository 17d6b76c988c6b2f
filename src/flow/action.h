/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow actions as the datapath runs them.
 *
 * A rule's actions are a flat array of fixed-size struct action, run in
 * order. ovs-ofctl's many spellings map onto few types: mod_dl_src,
 * mod_nw_dst, set_field and load all become ACT_SET_FIELD (a storage value
 * and mask, see field.h); `flavor` remembers which spelling was used so
 * dump-flows prints the rule back the way the operator wrote it.
 * An empty array, or the single word "drop", drops the packet.
 *
 * Each type belongs to one action family, which says how it is written
 * (flow/action_text.h) and what it does (switch/action_table.h).
 */
#ifndef XVIO_FLOW_ACTION_H
#define XVIO_FLOW_ACTION_H

#include <stdint.h>

#include "flow/field.h"

/* Port numbers: 1..OFPORT_MAX are the bridge's ports (ofports). */
#define OFPORT_MAX 0xfeff
#define OFPORT_NONE 0xffff      /* resubmit(,T): keep the current in_port */

#define FLOW_TABLE_MAX 254      /* tables 0..254 */
#define FLOW_TABLE_CURRENT 255  /* resubmit(P): the current table */

#define ACTION_NOTE_MAX 32
#define BUNDLE_MAX_MEMBERS 8

/* What bundle hashes to choose a member (as Open vSwitch names them). */
enum bundle_fields {
	BUNDLE_ETH_SRC,            /* eth_src */
	BUNDLE_SYMMETRIC_L4,       /* symmetric_l4: both MACs, VLAN, type, IP, ports */
	BUNDLE_SYMMETRIC_L3L4,     /* symmetric_l3l4: IP addresses, protocol, TCP ports */
	BUNDLE_SYMMETRIC_L3L4_UDP, /* symmetric_l3l4+udp: and UDP ports */
	BUNDLE_NW_SRC,             /* nw_src */
	BUNDLE_NW_DST,             /* nw_dst */
	BUNDLE_SYMMETRIC_L3,       /* symmetric_l3: IP addresses */
};

enum bundle_algorithm {
	BUNDLE_ACTIVE_BACKUP,      /* the first live member (switch/action_bundle.c) */
	BUNDLE_HRW,                /* highest random weight over the live ones */
};

enum action_type {
	ACT_OUTPUT,      /* output:P */
	ACT_IN_PORT,     /* in_port (output back where it came from) */
	ACT_NORMAL,      /* normal: MAC learning L2 switch with VLANs */
	ACT_FLOOD,       /* flood: every port but the input (and no-flood) */
	ACT_ALL,         /* all: every port but the input */
	ACT_SET_FIELD,   /* mod_*, set_field, load, mod_vlan_vid/pcp */
	ACT_MOVE,        /* move:SRC[a..b]->DST[c..d] */
	ACT_PUSH_VLAN,   /* push_vlan:0x8100 (VID 0 until set) */
	ACT_POP_VLAN,    /* strip_vlan / pop_vlan */
	ACT_DEC_TTL,     /* dec_ttl: drop (counted) when it reaches 0 */
	ACT_RESUBMIT,    /* resubmit(P,T) */
	ACT_GOTO_TABLE,  /* goto_table:T (last action only) */
	ACT_METER,       /* meter:N (first action only) */
	ACT_NOTE,        /* note:xx.xx.. (does nothing) */
	ACT_BUNDLE,      /* bundle(fields,basis,alg,ofport,members:P,...) */
	ACT_RECIRC,      /* recirc(id): made by translation only, never written */
	ACT__COUNT,
};

/* How a set was written, for printing it back. */
enum set_flavor {
	SET_MOD,         /* mod_dl_src:..., mod_vlan_vid:10, ... */
	SET_SET_FIELD,   /* set_field:10.0.0.1->nw_dst */
	SET_LOAD,        /* load:0x5->NXM_NX_REG0[0..3] */
};

struct recirc_state;     /* switch/recirc.h */

struct subfield {
	uint8_t field;   /* enum field_id */
	uint8_t ofs;     /* first bit, from the field's bit 0 */
	uint8_t n_bits;
};

struct action {
	uint8_t type;    /* enum action_type */
	union {
		struct { uint16_t port; } output;
		struct {
			uint8_t field;   /* enum field_id */
			uint8_t flavor;  /* enum set_flavor */
			uint8_t value[FIELD_MAX_BYTES]; /* storage bytes */
			uint8_t mask[FIELD_MAX_BYTES];  /* storage bytes */
		} set;
		struct { struct subfield src, dst; } move;
		struct { rte_be16_t tpid; } push_vlan;
		struct { uint16_t port; uint8_t table; } resubmit;
		struct { uint8_t table; } goto_table;
		struct { uint32_t id; } meter;
		struct { uint8_t len; uint8_t data[ACTION_NOTE_MAX]; } note;
		struct {
			uint8_t fields;      /* enum bundle_fields */
			uint8_t algorithm;   /* enum bundle_algorithm */
			uint16_t basis;      /* hash basis */
			uint8_t n_members;
			uint16_t members[BUNDLE_MAX_MEMBERS];
		} bundle;
		struct {
			uint32_t id;
			const struct recirc_state *state; /* held by the program */
		} recirc;
	};
};

#endif
