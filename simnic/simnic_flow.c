/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * rte_flow for simnic.  Attributes, pattern and actions are parsed into a
 * struct simnic_rule, which then goes into the lookup engine
 * (simnic_flow_table.c).
 *
 * Supported: ingress rules of group 0 with any priority (lower wins);
 * items ETH, VLAN (one, the outer tag), IPV4, IPV6, TCP, UDP, SCTP, ICMP,
 * ICMP6, INTEGRITY (one, anywhere; l3_ok, l4_ok, l3_len_ok), VOID with
 * DPDK's spec/mask semantics ("last" only where it makes no range);
 * actions MARK, FLAG, COUNT, QUEUE, RSS, DROP, PASSTHRU, VOID.  On the
 * transfer proxy of a switch domain (simnic_switch.c): transfer rules of
 * group 0, with the items above and REPRESENTED_PORT or PORT_ID (the
 * port a frame came in by), and the actions REPRESENTED_PORT, PORT_ID,
 * DROP, COUNT, VOID and the header rewrites of simnic_modify.c.
 * Every refusal says why in rte_flow_error and points at the offending
 * attribute, item or action.  A pattern that no frame could match (its
 * items contradict each other) is refused too, rather than installed as a
 * rule that silently never hits.
 *
 * Handles: applications get an opaque handle, not a pointer: a slot index
 * and a generation number.  A handle that outlived its rule (destroyed,
 * flushed, or dropped when the port stopped) is refused with ENOENT rather
 * than followed into freed memory.  The slot index also names the rule's
 * COUNT counters, one per Rx queue (simnic_rxq.counters).
 *
 * Locking (see simnic_private.flow_lock): every change of the rules runs
 * with flow_lock held for writing and every Rx queue locked, and bumps
 * flow_gen, which invalidates the verdicts gen ports cache.  The emulated
 * insertion latency (devarg insert_latency_us) is spent holding no lock.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include <rte_flow.h>
#include <rte_flow_driver.h>

#include "simnic.h"

/* RSS rules keep their queues in a 64-bit map. */
_Static_assert(SIMNIC_MAX_QUEUES <= 64, "RSS queue maps are 64 bits");

/* Handles pack a 32-bit index and a 32-bit generation into a pointer. */
_Static_assert(sizeof(uintptr_t) == sizeof(uint64_t),
	       "flow handles need 64-bit pointers");

#define SIMNIC_NO_SLOT		UINT32_MAX
#define SIMNIC_MIN_SLOTS	64u

struct simnic_flow_slot {
	struct simnic_rule *rule;	/* NULL when free */
	uint32_t gen;			/* bumped each time the slot frees */
	uint32_t next_free;
};

/*
 * Layers, outer to inner; pattern items must follow this order.  An item
 * of layer NONE describes no header (INTEGRITY) and may go anywhere.
 */
enum simnic_layer {
	SIMNIC_LAYER_NONE,
	SIMNIC_LAYER_ETH,
	SIMNIC_LAYER_VLAN,
	SIMNIC_LAYER_L3,
	SIMNIC_LAYER_L4,
};

struct simnic_parse {
	const struct rte_eth_dev *dev;
	const struct simnic_private *priv;
	struct simnic_rule *rule;
	struct rte_flow_error *error;
	const struct rte_flow_item *item;	/* being parsed */
	enum simnic_layer layer;		/* of the last item */
	const char *last_item_name;
	const struct rte_flow_item *integrity;	/* the INTEGRITY item */
	bool transfer;
	bool seen_port_item;
	int vlan_tags;			/* outer tags after the actions so far */
	bool seen_mark;
	bool seen_flag;
	bool seen_count;
	bool seen_fate;
};

/*
 * rte_flow_error keeps a pointer to its message, so messages built at run
 * time live in a per-thread buffer, valid until that thread's next error.
 */
static __thread char simnic_flow_errmsg[256];

int __rte_format_printf(5, 6)
simnic_flow_error(struct rte_flow_error *error, int code,
		  enum rte_flow_error_type type, const void *cause,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(simnic_flow_errmsg, sizeof(simnic_flow_errmsg), fmt, ap);
	va_end(ap);
	SIMNIC_LOG(DEBUG, "flow refused: %s", simnic_flow_errmsg);
	return rte_flow_error_set(error, code, type, cause,
				  simnic_flow_errmsg);
}

static const char *
simnic_item_type_name(enum rte_flow_item_type type)
{
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ITEM_NAME_PTR, &name, sizeof(name),
			  (const void *)(uintptr_t)type, NULL) < 0 ||
	    name == NULL)
		return "(unknown)";
	return name;
}

static const char *
simnic_action_type_name(enum rte_flow_action_type type)
{
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, &name,
			  sizeof(name), (const void *)(uintptr_t)type,
			  NULL) < 0 || name == NULL)
		return "(unknown)";
	return name;
}

/* Pattern: compiling item fields into the rule's key and mask. */

static int
simnic_item_refuse_field(struct simnic_parse *p, const char *item,
			 const char *field)
{
	return simnic_flow_error(p->error, ENOTSUP,
				 RTE_FLOW_ERROR_TYPE_ITEM_MASK, p->item,
				 "%s item: matching on %s is not supported",
				 item, field);
}

/*
 * Merges spec/mask bytes into the key/mask fields kf/mf.  Bits already
 * constrained by an earlier item must agree, or the rule could never match.
 */
static int
simnic_merge(struct simnic_parse *p, void *kf, void *mf, const void *spec,
	     const void *mask, size_t len)
{
	uint8_t *k = kf, *m = mf;
	const uint8_t *s = spec, *sm = mask;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((k[i] ^ s[i]) & m[i] & sm[i])
			return simnic_flow_error(p->error, EINVAL,
				RTE_FLOW_ERROR_TYPE_ITEM, p->item,
				"item contradicts an earlier item of the pattern: the rule could never match");
	}
	for (i = 0; i < len; i++) {
		k[i] = (k[i] & m[i]) | (s[i] & sm[i]);
		m[i] |= sm[i];
	}
	return 0;
}

static int
simnic_merge_u8(struct simnic_parse *p, uint8_t *kf, uint8_t *mf,
		uint8_t spec, uint8_t mask)
{
	return simnic_merge(p, kf, mf, &spec, &mask, 1);
}

static int
simnic_merge_flag(struct simnic_parse *p, uint8_t flag, bool set)
{
	struct simnic_rule *r = p->rule;

	return simnic_merge_u8(p, &r->key.flags, &r->mask.flags,
			       set ? flag : 0, flag);
}

#define SIMNIC_MERGE(p, field, item_spec, item_mask) \
	simnic_merge((p), &(p)->rule->key.field, &(p)->rule->mask.field, \
		     &(item_spec), &(item_mask), sizeof((p)->rule->key.field))

/*
 * Contradictions between fields.  Each item is checked against what it
 * and the items before it pinned, entirely or in some masked bits: a rule
 * whose fields no frame can have together (an EtherType that no IPv6
 * packet has, a protocol number that no TCP header follows) is refused.
 * The checks follow simnic_flow_key_extract(): what a key can hold is
 * what a frame can match.
 */

static const rte_be16_t simnic_tpids[] = {
	RTE_BE16(RTE_ETHER_TYPE_VLAN),
	RTE_BE16(RTE_ETHER_TYPE_QINQ),
	RTE_BE16(RTE_ETHER_TYPE_QINQ1),
};

/* Whether a field that a rule pins to (key, mask) can hold v. */
static bool
simnic_could_be16(rte_be16_t key, rte_be16_t mask, rte_be16_t v)
{
	return ((key ^ v) & mask) == 0;
}

static bool
simnic_could_be8(uint8_t key, uint8_t mask, uint8_t v)
{
	return ((key ^ v) & mask) == 0;
}

static bool
simnic_is_tpid(rte_be16_t v)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_tpids); i++)
		if (simnic_tpids[i] == v)
			return true;
	return false;
}

/* Whether an EtherType field can hold a VLAN TPID (tpid) or another value. */
static bool
simnic_could_be_tpid(rte_be16_t key, rte_be16_t mask, bool tpid)
{
	rte_be16_t free = (rte_be16_t)~mask;
	unsigned int i;

	if (tpid) {
		for (i = 0; i < RTE_DIM(simnic_tpids); i++)
			if (simnic_could_be16(key, mask, simnic_tpids[i]))
				return true;
		return false;
	}
	/* Two free bits or more give four values, not all of them TPIDs. */
	if (__builtin_popcount(free) >= 2)
		return true;
	return !simnic_is_tpid(key & mask) ||
	       (free != 0 && !simnic_is_tpid((key & mask) | free));
}

static bool
simnic_flag_could_be(const struct simnic_rule *r, uint8_t flag, bool set)
{
	return !(r->mask.flags & flag) || ((r->key.flags & flag) != 0) == set;
}

/*
 * Whether a frame that the rule's ETH and VLAN fields allow can have
 * EtherType 'type' (not a TPID) after its VLAN tags.  The key reads
 * frames untagged (type is ETH's), with one tag (type is VLAN's
 * inner_type) or with two (type is the second tag's, not in the key).
 */
static bool
simnic_ethertype_possible(const struct simnic_rule *r, rte_be16_t type)
{
	const struct simnic_flow_key *k = &r->key, *m = &r->mask;

	if (simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_VLAN, false) &&
	    simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_MORE_VLAN, false) &&
	    simnic_could_be16(k->eth_type, m->eth_type, type))
		return true;
	if (!simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_VLAN, true) ||
	    !simnic_could_be_tpid(k->eth_type, m->eth_type, true))
		return false;
	if (simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_MORE_VLAN, false) &&
	    simnic_could_be16(k->vlan_inner_type, m->vlan_inner_type, type))
		return true;
	return simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_MORE_VLAN, true) &&
	       simnic_could_be_tpid(k->vlan_inner_type, m->vlan_inner_type,
				    true);
}

/* Refuses the item being parsed: with it, no frame matches the rule. */
static int __rte_format_printf(2, 3)
simnic_item_never_matches(struct simnic_parse *p, const char *fmt, ...)
{
	char why[224];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return simnic_flow_error(p->error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM,
				 p->item, "%s; the rule could never match",
				 why);
}

/* A frame has has_vlan 1 exactly when its EtherType is a TPID. */
static int
simnic_check_eth(struct simnic_parse *p)
{
	const struct simnic_rule *r = p->rule;

	if (simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_VLAN, false) ||
	    simnic_could_be_tpid(r->key.eth_type, r->mask.eth_type, true))
		return 0;
	return simnic_item_never_matches(p,
		"ETH item: has_vlan 1 with a type that is no VLAN TPID (0x8100, 0x88a8, 0x9100)");
}

static int
simnic_check_vlan(struct simnic_parse *p)
{
	const struct simnic_rule *r = p->rule;
	const struct simnic_flow_key *k = &r->key, *m = &r->mask;

	if (!simnic_could_be_tpid(k->eth_type, m->eth_type, true))
		return simnic_item_never_matches(p,
			"VLAN item after an ETH item whose type is no VLAN TPID (0x8100, 0x88a8, 0x9100)");
	/* Another tag follows exactly when inner_type is a TPID. */
	if ((simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_MORE_VLAN, false) &&
	     simnic_could_be_tpid(k->vlan_inner_type, m->vlan_inner_type,
				  false)) ||
	    (simnic_flag_could_be(r, SIMNIC_KEY_F_HAS_MORE_VLAN, true) &&
	     simnic_could_be_tpid(k->vlan_inner_type, m->vlan_inner_type,
				  true)))
		return 0;
	return simnic_item_never_matches(p,
		"VLAN item: has_more_vlan contradicts inner_type, which is a VLAN TPID exactly when another tag follows");
}

static int
simnic_check_l3(struct simnic_parse *p, uint16_t ethertype)
{
	if (simnic_ethertype_possible(p->rule, rte_cpu_to_be_16(ethertype)))
		return 0;
	return simnic_item_never_matches(p,
		"%s item contradicts the EtherType that the items before it pin (ETH type, VLAN inner_type, has_vlan, has_more_vlan)",
		simnic_item_type_name(p->item->type));
}

/* has_frag_ext is 1 exactly when proto is 44, a fragment header. */
static int
simnic_check_ipv6(struct simnic_parse *p)
{
	const struct simnic_rule *r = p->rule;
	uint8_t key = r->key.ip_proto, mask = r->mask.ip_proto;
	int ret;

	ret = simnic_check_l3(p, RTE_ETHER_TYPE_IPV6);
	if (ret != 0)
		return ret;
	if ((simnic_flag_could_be(r, SIMNIC_KEY_F_IP6_FRAG_EXT, false) &&
	     (mask != 0xff || key != IPPROTO_FRAGMENT)) ||
	    (simnic_flag_could_be(r, SIMNIC_KEY_F_IP6_FRAG_EXT, true) &&
	     simnic_could_be8(key, mask, IPPROTO_FRAGMENT)))
		return 0;
	return simnic_item_never_matches(p,
		"IPV6 item: has_frag_ext contradicts proto, which is 44 (a fragment header) exactly when has_frag_ext is 1");
}

/* An L4 item after an IPv4 item: the header must be able to carry it. */
static int
simnic_check_l4_ipv4(struct simnic_parse *p, uint8_t proto)
{
	const struct simnic_flow_key *k = &p->rule->key, *m = &p->rule->mask;

	if (!simnic_could_be8(k->ip_proto, m->ip_proto, proto))
		return simnic_item_never_matches(p,
			"%s item contradicts the IPV4 item's next_proto_id (protocol %u)",
			simnic_item_type_name(p->item->type), proto);
	if (proto == IPPROTO_ICMPV6)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"ICMP6 item after an IPV4 item: use ICMP");
	/* Only a first fragment (offset 0) has an L4 header. */
	if (k->ip4_frag & m->ip4_frag & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
		return simnic_item_never_matches(p,
			"%s item after an IPV4 item whose fragment_offset matches non-first fragments only, which carry no L4 header",
			simnic_item_type_name(p->item->type));
	return 0;
}

/* An L4 item after an IPv6 item: directly, or after a fragment header. */
static int
simnic_check_l4_ipv6(struct simnic_parse *p, uint8_t proto)
{
	const struct simnic_rule *r = p->rule;
	uint8_t key = r->key.ip_proto, mask = r->mask.ip_proto;

	if (proto == IPPROTO_ICMP)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"ICMP item after an IPV6 item: use ICMP6");
	if ((simnic_flag_could_be(r, SIMNIC_KEY_F_IP6_FRAG_EXT, false) &&
	     simnic_could_be8(key, mask, proto)) ||
	    (simnic_flag_could_be(r, SIMNIC_KEY_F_IP6_FRAG_EXT, true) &&
	     simnic_could_be8(key, mask, IPPROTO_FRAGMENT)))
		return 0;
	return simnic_item_never_matches(p,
		"%s item contradicts the IPV6 item's proto and has_frag_ext (proto %u, or 44 for a fragment header with has_frag_ext 1)",
		simnic_item_type_name(p->item->type), proto);
}

/*
 * An L4 item means "this L4 header was parsed": the IP item before it, or
 * without one the EtherType, must allow it.
 */
static int
simnic_check_l4(struct simnic_parse *p, uint8_t proto)
{
	const struct simnic_rule *r = p->rule;
	bool v4, v6;

	if (r->mask.l3 && r->key.l3 == SIMNIC_L3_IPV4)
		return simnic_check_l4_ipv4(p, proto);
	if (r->mask.l3)
		return simnic_check_l4_ipv6(p, proto);
	/* ICMP is parsed in IPv4 only, ICMP6 in IPv6 only. */
	v4 = proto != IPPROTO_ICMPV6 &&
	     simnic_ethertype_possible(r, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	v6 = proto != IPPROTO_ICMP &&
	     simnic_ethertype_possible(r, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	if (v4 || v6)
		return 0;
	return simnic_item_never_matches(p,
		"%s item contradicts the EtherType that the items before it pin (ETH type, VLAN inner_type, has_vlan, has_more_vlan): no %s packet",
		simnic_item_type_name(p->item->type),
		proto == IPPROTO_ICMP ? "IPv4" :
		proto == IPPROTO_ICMPV6 ? "IPv6" : "IPv4 or IPv6");
}

/* The checks of the item just compiled; see "Contradictions" above. */
static int
simnic_check_item(struct simnic_parse *p)
{
	switch (p->item->type) {
	case RTE_FLOW_ITEM_TYPE_ETH:
		return simnic_check_eth(p);
	case RTE_FLOW_ITEM_TYPE_VLAN:
		return simnic_check_vlan(p);
	case RTE_FLOW_ITEM_TYPE_IPV4:
		return simnic_check_l3(p, RTE_ETHER_TYPE_IPV4);
	case RTE_FLOW_ITEM_TYPE_IPV6:
		return simnic_check_ipv6(p);
	case RTE_FLOW_ITEM_TYPE_TCP:
		return simnic_check_l4(p, IPPROTO_TCP);
	case RTE_FLOW_ITEM_TYPE_UDP:
		return simnic_check_l4(p, IPPROTO_UDP);
	case RTE_FLOW_ITEM_TYPE_SCTP:
		return simnic_check_l4(p, IPPROTO_SCTP);
	case RTE_FLOW_ITEM_TYPE_ICMP:
		return simnic_check_l4(p, IPPROTO_ICMP);
	case RTE_FLOW_ITEM_TYPE_ICMP6:
		return simnic_check_l4(p, IPPROTO_ICMPV6);
	default:
		return 0;
	}
}

static int
simnic_compile_eth(struct simnic_parse *p, const void *spec_v,
		   const void *mask_v)
{
	const struct rte_flow_item_eth *spec = spec_v, *mask = mask_v;
	int ret;

	if (spec == NULL)
		return 0;
	if (mask->reserved)
		return simnic_item_refuse_field(p, "ETH", "reserved bits");
	ret = SIMNIC_MERGE(p, eth_dst, spec->hdr.dst_addr, mask->hdr.dst_addr);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, eth_src, spec->hdr.src_addr,
				   mask->hdr.src_addr);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, eth_type, spec->hdr.ether_type,
				   mask->hdr.ether_type);
	if (ret == 0 && mask->has_vlan)
		ret = simnic_merge_flag(p, SIMNIC_KEY_F_HAS_VLAN,
					spec->has_vlan);
	return ret;
}

static int
simnic_compile_vlan(struct simnic_parse *p, const void *spec_v,
		    const void *mask_v)
{
	const struct rte_flow_item_vlan *spec = spec_v, *mask = mask_v;
	int ret;

	/* A VLAN item, even without spec, means "the packet is tagged". */
	ret = simnic_merge_flag(p, SIMNIC_KEY_F_HAS_VLAN, true);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->reserved)
		return simnic_item_refuse_field(p, "VLAN", "reserved bits");
	ret = SIMNIC_MERGE(p, vlan_tci, spec->hdr.vlan_tci, mask->hdr.vlan_tci);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, vlan_inner_type, spec->hdr.eth_proto,
				   mask->hdr.eth_proto);
	if (ret == 0 && mask->has_more_vlan)
		ret = simnic_merge_flag(p, SIMNIC_KEY_F_HAS_MORE_VLAN,
					spec->has_more_vlan);
	return ret;
}

static int
simnic_compile_l3(struct simnic_parse *p, uint8_t l3)
{
	struct simnic_rule *r = p->rule;

	return simnic_merge_u8(p, &r->key.l3, &r->mask.l3, l3, 0xff);
}

static int
simnic_compile_ipv4(struct simnic_parse *p, const void *spec_v,
		    const void *mask_v)
{
	const struct rte_flow_item_ipv4 *spec = spec_v, *mask = mask_v;
	struct simnic_rule *r = p->rule;
	int ret;

	ret = simnic_compile_l3(p, SIMNIC_L3_IPV4);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->hdr.version_ihl)
		return simnic_item_refuse_field(p, "IPV4", "version_ihl");
	if (mask->hdr.total_length)
		return simnic_item_refuse_field(p, "IPV4", "total_length");
	if (mask->hdr.packet_id)
		return simnic_item_refuse_field(p, "IPV4", "packet_id");
	if (mask->hdr.hdr_checksum)
		return simnic_item_refuse_field(p, "IPV4", "hdr_checksum");

	ret = SIMNIC_MERGE(p, ip_tos, spec->hdr.type_of_service,
			   mask->hdr.type_of_service);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip4_frag, spec->hdr.fragment_offset,
				   mask->hdr.fragment_offset);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip_ttl, spec->hdr.time_to_live,
				   mask->hdr.time_to_live);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip_proto, spec->hdr.next_proto_id,
				   mask->hdr.next_proto_id);
	if (ret == 0)
		ret = simnic_merge(p, r->key.ip_src, r->mask.ip_src,
				   &spec->hdr.src_addr, &mask->hdr.src_addr, 4);
	if (ret == 0)
		ret = simnic_merge(p, r->key.ip_dst, r->mask.ip_dst,
				   &spec->hdr.dst_addr, &mask->hdr.dst_addr, 4);
	return ret;
}

static int
simnic_compile_ipv6(struct simnic_parse *p, const void *spec_v,
		    const void *mask_v)
{
	const struct rte_flow_item_ipv6 *spec = spec_v, *mask = mask_v;
	int ret;

	ret = simnic_compile_l3(p, SIMNIC_L3_IPV6);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->hdr.payload_len)
		return simnic_item_refuse_field(p, "IPV6", "payload_len");
	if (mask->has_hop_ext || mask->has_route_ext || mask->has_auth_ext ||
	    mask->has_esp_ext || mask->has_dest_ext || mask->has_mobil_ext ||
	    mask->has_hip_ext || mask->has_shim6_ext || mask->reserved)
		return simnic_item_refuse_field(p, "IPV6",
			"extension headers other than has_frag_ext");

	ret = SIMNIC_MERGE(p, ip6_vtc_flow, spec->hdr.vtc_flow,
			   mask->hdr.vtc_flow);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip_proto, spec->hdr.proto,
				   mask->hdr.proto);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip_ttl, spec->hdr.hop_limits,
				   mask->hdr.hop_limits);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip_src, spec->hdr.src_addr,
				   mask->hdr.src_addr);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, ip_dst, spec->hdr.dst_addr,
				   mask->hdr.dst_addr);
	if (ret == 0 && mask->has_frag_ext)
		ret = simnic_merge_flag(p, SIMNIC_KEY_F_IP6_FRAG_EXT,
					spec->has_frag_ext);
	return ret;
}

/* An L4 item means "this L4 header was parsed"; see simnic_check_l4(). */
static int
simnic_compile_l4(struct simnic_parse *p, uint8_t proto)
{
	struct simnic_rule *r = p->rule;

	return simnic_merge_u8(p, &r->key.l4, &r->mask.l4, proto, 0xff);
}

/* Ports by value: item headers are packed, their fields may be unaligned. */
static int
simnic_merge_ports(struct simnic_parse *p, rte_be16_t spec_src,
		   rte_be16_t spec_dst, rte_be16_t mask_src,
		   rte_be16_t mask_dst)
{
	int ret;

	ret = SIMNIC_MERGE(p, l4_src, spec_src, mask_src);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, l4_dst, spec_dst, mask_dst);
	return ret;
}

static int
simnic_compile_tcp(struct simnic_parse *p, const void *spec_v,
		   const void *mask_v)
{
	const struct rte_flow_item_tcp *spec = spec_v, *mask = mask_v;
	int ret;

	ret = simnic_compile_l4(p, IPPROTO_TCP);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->hdr.sent_seq || mask->hdr.recv_ack)
		return simnic_item_refuse_field(p, "TCP", "sequence numbers");
	if (mask->hdr.rx_win || mask->hdr.cksum || mask->hdr.tcp_urp)
		return simnic_item_refuse_field(p, "TCP",
						"rx_win, cksum or tcp_urp");
	ret = simnic_merge_ports(p, spec->hdr.src_port, spec->hdr.dst_port,
				 mask->hdr.src_port, mask->hdr.dst_port);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, tcp_data_off, spec->hdr.data_off,
				   mask->hdr.data_off);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, tcp_flags, spec->hdr.tcp_flags,
				   mask->hdr.tcp_flags);
	return ret;
}

static int
simnic_compile_udp(struct simnic_parse *p, const void *spec_v,
		   const void *mask_v)
{
	const struct rte_flow_item_udp *spec = spec_v, *mask = mask_v;
	int ret;

	ret = simnic_compile_l4(p, IPPROTO_UDP);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->hdr.dgram_len || mask->hdr.dgram_cksum)
		return simnic_item_refuse_field(p, "UDP",
						"dgram_len or dgram_cksum");
	return simnic_merge_ports(p, spec->hdr.src_port, spec->hdr.dst_port,
				  mask->hdr.src_port, mask->hdr.dst_port);
}

static int
simnic_compile_sctp(struct simnic_parse *p, const void *spec_v,
		    const void *mask_v)
{
	const struct rte_flow_item_sctp *spec = spec_v, *mask = mask_v;
	int ret;

	ret = simnic_compile_l4(p, IPPROTO_SCTP);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->hdr.tag || mask->hdr.cksum)
		return simnic_item_refuse_field(p, "SCTP", "tag or cksum");
	return simnic_merge_ports(p, spec->hdr.src_port, spec->hdr.dst_port,
				  mask->hdr.src_port, mask->hdr.dst_port);
}

static int
simnic_compile_icmp(struct simnic_parse *p, const void *spec_v,
		    const void *mask_v)
{
	const struct rte_flow_item_icmp *spec = spec_v, *mask = mask_v;
	int ret;

	ret = simnic_compile_l4(p, IPPROTO_ICMP);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->hdr.icmp_cksum || mask->hdr.icmp_ident ||
	    mask->hdr.icmp_seq_nb)
		return simnic_item_refuse_field(p, "ICMP",
			"icmp_cksum, icmp_ident or icmp_seq_nb");
	ret = SIMNIC_MERGE(p, icmp_type, spec->hdr.icmp_type,
			   mask->hdr.icmp_type);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, icmp_code, spec->hdr.icmp_code,
				   mask->hdr.icmp_code);
	return ret;
}

static int
simnic_compile_icmp6(struct simnic_parse *p, const void *spec_v,
		     const void *mask_v)
{
	const struct rte_flow_item_icmp6 *spec = spec_v, *mask = mask_v;
	int ret;

	ret = simnic_compile_l4(p, IPPROTO_ICMPV6);
	if (ret != 0 || spec == NULL)
		return ret;
	if (mask->checksum)
		return simnic_item_refuse_field(p, "ICMP6", "checksum");
	ret = SIMNIC_MERGE(p, icmp_type, spec->type, mask->type);
	if (ret == 0)
		ret = SIMNIC_MERGE(p, icmp_code, spec->code, mask->code);
	return ret;
}

/*
 * INTEGRITY: the bits simnic computes (see simnic_flow_table.c), each
 * matched as 1 (ok) or 0 (not ok).  The others are refused by name:
 * simnic checks no checksums, and packet_ok and l2_ok would promise more
 * than the length checks it does.
 */
static int
simnic_integrity_check_mask(struct simnic_parse *p,
			    const struct rte_flow_item_integrity *mask)
{
	const char *field = NULL;

	if (mask->packet_ok)
		field = "packet_ok";
	else if (mask->l2_ok)
		field = "l2_ok";
	else if (mask->l2_crc_ok)
		field = "l2_crc_ok";
	else if (mask->ipv4_csum_ok)
		field = "ipv4_csum_ok";
	else if (mask->l4_csum_ok)
		field = "l4_csum_ok";
	else if (mask->reserved)
		field = "reserved bits";
	if (field == NULL)
		return 0;
	return simnic_flow_error(p->error, ENOTSUP,
		RTE_FLOW_ERROR_TYPE_ITEM_MASK, p->item,
		"INTEGRITY item: %s not supported (simnic matches l3_ok, l4_ok and l3_len_ok only)",
		field);
}

static int
simnic_compile_integrity(struct simnic_parse *p, const void *spec_v,
			 const void *mask_v)
{
	const struct rte_flow_item_integrity *spec = spec_v, *mask = mask_v;
	int ret;

	if (spec == NULL)
		return 0;
	/* Tunnels are not parsed: the outermost headers are all there is. */
	if (spec->level != 0 || mask->level != 0)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"INTEGRITY item: level %" PRIu32 " not supported: simnic checks the outermost headers only (level 0)",
			spec->level != 0 ? spec->level : mask->level);
	ret = simnic_integrity_check_mask(p, mask);
	if (ret == 0 && mask->l3_ok)
		ret = simnic_merge_flag(p, SIMNIC_KEY_F_L3_OK, spec->l3_ok);
	if (ret == 0 && mask->l4_ok)
		ret = simnic_merge_flag(p, SIMNIC_KEY_F_L4_OK, spec->l4_ok);
	if (ret == 0 && mask->l3_len_ok)
		ret = simnic_merge_flag(p, SIMNIC_KEY_F_L3_LEN_OK,
					spec->l3_len_ok);
	return ret;
}

struct simnic_item_desc {
	enum rte_flow_item_type type;
	const char *name;
	enum simnic_layer layer;
	const void *default_mask;
	/* spec and mask are both NULL, or both set. */
	int (*compile)(struct simnic_parse *p, const void *spec,
		       const void *mask);
};

static const struct simnic_item_desc simnic_items[] = {
	{ RTE_FLOW_ITEM_TYPE_ETH, "ETH", SIMNIC_LAYER_ETH,
	  &rte_flow_item_eth_mask, simnic_compile_eth },
	{ RTE_FLOW_ITEM_TYPE_VLAN, "VLAN", SIMNIC_LAYER_VLAN,
	  &rte_flow_item_vlan_mask, simnic_compile_vlan },
	{ RTE_FLOW_ITEM_TYPE_IPV4, "IPV4", SIMNIC_LAYER_L3,
	  &rte_flow_item_ipv4_mask, simnic_compile_ipv4 },
	{ RTE_FLOW_ITEM_TYPE_IPV6, "IPV6", SIMNIC_LAYER_L3,
	  &rte_flow_item_ipv6_mask, simnic_compile_ipv6 },
	{ RTE_FLOW_ITEM_TYPE_TCP, "TCP", SIMNIC_LAYER_L4,
	  &rte_flow_item_tcp_mask, simnic_compile_tcp },
	{ RTE_FLOW_ITEM_TYPE_UDP, "UDP", SIMNIC_LAYER_L4,
	  &rte_flow_item_udp_mask, simnic_compile_udp },
	{ RTE_FLOW_ITEM_TYPE_SCTP, "SCTP", SIMNIC_LAYER_L4,
	  &rte_flow_item_sctp_mask, simnic_compile_sctp },
	{ RTE_FLOW_ITEM_TYPE_ICMP, "ICMP", SIMNIC_LAYER_L4,
	  &rte_flow_item_icmp_mask, simnic_compile_icmp },
	{ RTE_FLOW_ITEM_TYPE_ICMP6, "ICMP6", SIMNIC_LAYER_L4,
	  &rte_flow_item_icmp6_mask, simnic_compile_icmp6 },
	{ RTE_FLOW_ITEM_TYPE_INTEGRITY, "INTEGRITY", SIMNIC_LAYER_NONE,
	  &rte_flow_item_integrity_mask, simnic_compile_integrity },
};

static const struct simnic_item_desc *
simnic_item_desc_find(enum rte_flow_item_type type)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_items); i++)
		if (simnic_items[i].type == type)
			return &simnic_items[i];
	return NULL;
}

/* The fields of a key, each the image of one item field, for "last". */
struct simnic_key_field {
	uint16_t off;
	uint16_t len;
};

#define SIMNIC_KEY_FIELD(f) { offsetof(struct simnic_flow_key, f), \
			      sizeof(((struct simnic_flow_key *)NULL)->f) }

/* All but flags (one-bit fields, apart), l3 and l4 (no item fields). */
static const struct simnic_key_field simnic_key_fields[] = {
	SIMNIC_KEY_FIELD(eth_dst), SIMNIC_KEY_FIELD(eth_src),
	SIMNIC_KEY_FIELD(eth_type), SIMNIC_KEY_FIELD(vlan_tci),
	SIMNIC_KEY_FIELD(vlan_inner_type), SIMNIC_KEY_FIELD(ip_src),
	SIMNIC_KEY_FIELD(ip_dst), SIMNIC_KEY_FIELD(ip6_vtc_flow),
	SIMNIC_KEY_FIELD(ip4_frag), SIMNIC_KEY_FIELD(ip_proto),
	SIMNIC_KEY_FIELD(ip_tos), SIMNIC_KEY_FIELD(ip_ttl),
	SIMNIC_KEY_FIELD(tcp_data_off), SIMNIC_KEY_FIELD(tcp_flags),
	SIMNIC_KEY_FIELD(l4_src), SIMNIC_KEY_FIELD(l4_dst),
	SIMNIC_KEY_FIELD(icmp_type), SIMNIC_KEY_FIELD(icmp_code),
};

/* A field's last value makes a range unless it is 0 or spec's value. */
static bool
simnic_field_is_range(const uint8_t *spec, const uint8_t *last, size_t len)
{
	size_t i;

	if (memcmp(spec, last, len) == 0)
		return false;
	for (i = 0; i < len; i++)
		if (last[i] != 0)
			return true;
	return false;
}

/*
 * "last" (rte_flow): "Field values in last which are either 0 or equal to
 * the corresponding values in spec are ignored; they do not generate a
 * range."  The mask applies to both.  Any other value makes a range,
 * which simnic does not match.  spec and last are each compiled alone,
 * into a rule of their own, and compared field by field of the key.
 */
static int
simnic_check_last(const struct simnic_parse *p,
		  const struct simnic_item_desc *desc, const void *mask)
{
	const struct rte_flow_item *item = p->item;
	struct simnic_rule spec_rule, last_rule;
	struct simnic_parse q = *p;
	const uint8_t *ks, *kl;
	unsigned int i;
	bool range;
	int ret;

	memset(&spec_rule, 0, sizeof(spec_rule));
	memset(&last_rule, 0, sizeof(last_rule));
	q.rule = &spec_rule;
	ret = desc->compile(&q, item->spec, mask);
	q.rule = &last_rule;
	if (ret == 0)
		ret = desc->compile(&q, item->last, mask);
	if (ret != 0)
		return ret;

	ks = (const uint8_t *)&spec_rule.key;
	kl = (const uint8_t *)&last_rule.key;
	/* A one-bit field makes a range only from 0 to 1. */
	range = (last_rule.key.flags & ~spec_rule.key.flags) != 0;
	for (i = 0; i < RTE_DIM(simnic_key_fields) && !range; i++)
		range = simnic_field_is_range(ks + simnic_key_fields[i].off,
					      kl + simnic_key_fields[i].off,
					      simnic_key_fields[i].len);
	if (!range)
		return 0;
	return simnic_flow_error(p->error, ENOTSUP,
		RTE_FLOW_ERROR_TYPE_ITEM_LAST, item->last,
		"%s item: ranges (\"last\") are not supported", desc->name);
}

/* Compiles an item that has a spec: mask or default mask, and last. */
static int
simnic_compile_spec(struct simnic_parse *p,
		    const struct simnic_item_desc *desc)
{
	const struct rte_flow_item *item = p->item;
	const void *mask = item->mask != NULL ? item->mask : desc->default_mask;
	int ret;

	if (item->last != NULL) {
		ret = simnic_check_last(p, desc, mask);
		if (ret != 0)
			return ret;
	}
	return desc->compile(p, item->spec, mask);
}

/* A header item: it must come after the layers before it. */
static int
simnic_parse_item_layer(struct simnic_parse *p,
			const struct simnic_item_desc *desc)
{
	if (desc->layer == SIMNIC_LAYER_VLAN && p->layer == SIMNIC_LAYER_VLAN)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"only one VLAN item (the outer tag) is supported");
	if (desc->layer <= p->layer)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"%s item cannot follow %s item: items go outer to inner (ETH, VLAN, IPV4/IPV6, L4)",
			desc->name, p->last_item_name);
	p->layer = desc->layer;
	p->last_item_name = desc->name;
	return 0;
}

/*
 * INTEGRITY, which describes no header: anywhere, once.  What it needs
 * from the rest of the pattern is checked once the pattern is complete
 * (simnic_check_integrity()).
 */
static int
simnic_parse_item_integrity(struct simnic_parse *p)
{
	if (!p->priv->caps.integrity)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"INTEGRITY is disabled on this port: it was created with devarg integrity=0");
	if (p->integrity != NULL)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"only one INTEGRITY item per pattern");
	p->integrity = p->item;
	return 0;
}

/* The port id of a REPRESENTED_PORT or PORT_ID item, and its mask. */
static void
simnic_item_port(const struct rte_flow_item *item, uint32_t *port,
		 uint32_t *mask)
{
	if (item->type == RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT) {
		const struct rte_flow_item_ethdev *spec = item->spec;
		const struct rte_flow_item_ethdev *m = item->mask;

		*port = spec->port_id;
		*mask = (m != NULL ? m : &rte_flow_item_ethdev_mask)->port_id;
		if (*mask == UINT16_MAX)
			*mask = UINT32_MAX;
	} else {
		const struct rte_flow_item_port_id *spec = item->spec;
		const struct rte_flow_item_port_id *m = item->mask;

		*port = spec->id;
		*mask = (m != NULL ? m : &rte_flow_item_port_id_mask)->id;
	}
}

/*
 * REPRESENTED_PORT, PORT_ID: frames that came into the switch by that
 * port (from the entity it represents: the wire, a VF).
 */
static int
simnic_parse_item_port(struct simnic_parse *p, const struct rte_flow_item *item)
{
	const char *name = simnic_item_type_name(item->type);
	uint32_t port, mask;

	if (!p->transfer)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, item,
			"%s item matches the port a frame came into the switch by: transfer rules only",
			name);
	if (p->seen_port_item)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM, item,
			"one REPRESENTED_PORT or PORT_ID item per rule");
	p->seen_port_item = true;
	if (item->spec == NULL)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC, item,
			"%s item needs a spec: the port id", name);
	if (item->last != NULL)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_LAST, item,
			"%s item: ranges of ports (last) are not supported",
			name);
	simnic_item_port(item, &port, &mask);
	if (mask == 0)
		return 0;	/* any port */
	if (mask != UINT32_MAX)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_MASK, item,
			"%s item: the port id is matched whole or not at all",
			name);
	if (!simnic_switch_has_port(p->priv, port))
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC, item,
			"%s item: port %" PRIu32 " is not a port of switch %s",
			name, port, simnic_switch_name(p->priv));
	p->rule->key.in_port = (uint16_t)port;
	p->rule->mask.in_port = UINT16_MAX;
	return 0;
}

static int
simnic_parse_item(struct simnic_parse *p, const struct rte_flow_item *item)
{
	const struct simnic_item_desc *desc;
	int ret;

	p->item = item;
	if (item->type == RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT ||
	    item->type == RTE_FLOW_ITEM_TYPE_PORT_ID)
		return simnic_parse_item_port(p, item);
	desc = simnic_item_desc_find(item->type);
	if (desc == NULL)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, item,
			"pattern item %s is not supported (supported: ETH, VLAN, IPV4, IPV6, TCP, UDP, SCTP, ICMP, ICMP6, INTEGRITY, VOID%s)",
			simnic_item_type_name(item->type),
			p->transfer ? ", REPRESENTED_PORT, PORT_ID" : "");
	/* rte_flow: "Setting either mask or last without spec is an error." */
	if (item->spec == NULL && (item->mask != NULL || item->last != NULL))
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC, item,
			"%s item: %s without spec is an error; to match any %s packet, set none of spec, mask and last",
			desc->name, item->mask != NULL ? "mask" : "last",
			desc->name);
	if (desc->layer == SIMNIC_LAYER_NONE)
		ret = simnic_parse_item_integrity(p);
	else
		ret = simnic_parse_item_layer(p, desc);
	if (ret != 0)
		return ret;

	/* No spec matches any packet of the protocol. */
	if (item->spec == NULL)
		ret = desc->compile(p, NULL, NULL);
	else
		ret = simnic_compile_spec(p, desc);
	if (ret == 0)
		ret = simnic_check_item(p);
	return ret;
}

/*
 * INTEGRITY, once the pattern is complete: as mlx5 does, a layer's check
 * needs that layer's item, so that "ok" always speaks of a header the
 * rule names (l3_ok 0 on its own would match every non-IP frame too).
 */
static int
simnic_integrity_needs_layers(struct simnic_parse *p)
{
	const struct simnic_rule *r = p->rule;

	if ((r->mask.flags & SIMNIC_KEY_F_L3_OK) && !r->mask.l3)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"INTEGRITY item: l3_ok needs an IPV4 or IPV6 item in the pattern");
	if ((r->mask.flags & SIMNIC_KEY_F_L3_LEN_OK) && !r->mask.l3)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"INTEGRITY item: l3_len_ok needs an IPV4 or IPV6 item in the pattern");
	if ((r->mask.flags & SIMNIC_KEY_F_L4_OK) && !r->mask.l4)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM, p->item,
			"INTEGRITY item: l4_ok needs an L4 item (TCP, UDP, SCTP, ICMP or ICMP6) in the pattern");
	return 0;
}

/* Whether the rule pins flag 'ok' to 1 and flag 'implied' to 0. */
static bool
simnic_integrity_denies_implied(const struct simnic_rule *r, uint8_t ok,
				uint8_t implied)
{
	return !simnic_flag_could_be(r, ok, false) &&
	       !simnic_flag_could_be(r, implied, true);
}

/* Whether a TCP data_off field pinned to (key, mask) can be 5 to 15. */
static bool
simnic_tcp_data_off_could_fit(uint8_t key, uint8_t mask)
{
	unsigned int words;

	for (words = 5; words <= 15; words++)
		if (simnic_could_be8(key, mask & 0xf0, (uint8_t)(words << 4)))
			return true;
	return false;
}

/*
 * l4_ok implies l3_ok, which implies l3_len_ok (see simnic.h), and l4_ok
 * on TCP needs a data offset of 5 words or more.
 */
static int
simnic_integrity_check_possible(struct simnic_parse *p)
{
	const struct simnic_rule *r = p->rule;

	if (simnic_integrity_denies_implied(r, SIMNIC_KEY_F_L4_OK,
					    SIMNIC_KEY_F_L3_OK) ||
	    simnic_integrity_denies_implied(r, SIMNIC_KEY_F_L4_OK,
					    SIMNIC_KEY_F_L3_LEN_OK))
		return simnic_item_never_matches(p,
			"INTEGRITY item: l4_ok 1 needs l3_ok and l3_len_ok 1");
	if (simnic_integrity_denies_implied(r, SIMNIC_KEY_F_L3_OK,
					    SIMNIC_KEY_F_L3_LEN_OK))
		return simnic_item_never_matches(p,
			"INTEGRITY item: l3_ok 1 needs l3_len_ok 1");
	if (!simnic_flag_could_be(r, SIMNIC_KEY_F_L4_OK, false) &&
	    r->key.l4 == IPPROTO_TCP &&
	    !simnic_tcp_data_off_could_fit(r->key.tcp_data_off,
					   r->mask.tcp_data_off))
		return simnic_item_never_matches(p,
			"INTEGRITY item: l4_ok 1 with a TCP data_off below 5 words (20 bytes), which no well-formed TCP header has");
	return 0;
}

static int
simnic_check_integrity(struct simnic_parse *p)
{
	int ret;

	p->item = p->integrity;
	ret = simnic_integrity_needs_layers(p);
	if (ret == 0)
		ret = simnic_integrity_check_possible(p);
	return ret;
}

static int
simnic_parse_pattern(struct simnic_parse *p,
		     const struct rte_flow_item pattern[])
{
	const struct rte_flow_item *item;
	int ret;

	if (pattern == NULL)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL,
			"pattern is NULL");
	for (item = pattern; item->type != RTE_FLOW_ITEM_TYPE_END; item++) {
		if (item->type == RTE_FLOW_ITEM_TYPE_VOID)
			continue;
		ret = simnic_parse_item(p, item);
		if (ret != 0)
			return ret;
	}
	return p->integrity != NULL ? simnic_check_integrity(p) : 0;
}

/* Attributes. */

/* Transfer rules: on the switch's transfer proxy, for the whole switch. */
static int
simnic_parse_transfer(struct simnic_parse *p, const struct rte_flow_attr *attr)
{
	uint16_t proxy;

	if (p->priv->sw == NULL)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER, attr,
			"transfer rules need an embedded switch: port %s is in no switch domain (devarg switch)",
			p->priv->name);
	if (!simnic_switch_is_proxy(p->priv)) {
		if (simnic_switch_proxy(p->priv, &proxy) != 0)
			return simnic_flow_error(p->error, ENODEV,
				RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER, attr,
				"switch %s has no PF port to take transfer rules",
				simnic_switch_name(p->priv));
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER, attr,
			"transfer rules of switch %s go to its transfer proxy, port %u (rte_flow_pick_transfer_proxy)",
			simnic_switch_name(p->priv), proxy);
	}
	/* As rte_flow_validate() says, for create too. */
	if (attr->ingress || attr->egress)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ATTR, attr,
			"transfer rules take neither ingress nor egress: they see what comes into the switch by any port");
	p->transfer = true;
	p->rule->transfer = true;
	return 0;
}

static int
simnic_parse_attr(struct simnic_parse *p, const struct rte_flow_attr *attr)
{
	if (attr == NULL)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ATTR, NULL, "attributes are NULL");
	if (attr->transfer) {
		int ret = simnic_parse_transfer(p, attr);

		if (ret != 0)
			return ret;
	} else if (attr->egress) {
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, attr,
			"egress rules are not supported: simnic classifies received packets only");
	}
	if (!attr->ingress && !attr->transfer)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ATTR_INGRESS, attr,
			"ingress must be set");
	if (attr->group != 0)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ATTR_GROUP, attr,
			"group %" PRIu32 " does not exist: simnic has group 0 only",
			attr->group);
	if (attr->reserved)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ATTR, attr,
			"reserved attribute bits are set");
	p->rule->priority = attr->priority;
	return 0;
}

/* Actions. */

static int
simnic_action_conf_missing(struct simnic_parse *p,
			   const struct rte_flow_action *action)
{
	return simnic_flow_error(p->error, EINVAL,
		RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
		"%s action needs a configuration (conf is NULL)",
		simnic_action_type_name(action->type));
}

static int
simnic_action_once(struct simnic_parse *p, bool *seen,
		   const struct rte_flow_action *action)
{
	if (*seen)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"%s action given twice",
			simnic_action_type_name(action->type));
	*seen = true;
	return 0;
}

static int
simnic_set_fate(struct simnic_parse *p, const struct rte_flow_action *action,
		enum simnic_fate fate)
{
	if (p->seen_fate)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"only one fate action (%s) per rule",
			p->transfer ? "REPRESENTED_PORT, PORT_ID, DROP" :
				      "QUEUE, RSS, DROP, PASSTHRU");
	p->seen_fate = true;
	p->rule->fate = fate;
	return 0;
}

static int
simnic_parse_mark(struct simnic_parse *p, const struct rte_flow_action *action)
{
	const struct rte_flow_action_mark *mark = action->conf;
	int ret;

	if (!p->priv->caps.mark)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"MARK is disabled on this port (devarg mark=0)");
	ret = simnic_action_once(p, &p->seen_mark, action);
	if (ret != 0)
		return ret;
	if (mark == NULL)
		return simnic_action_conf_missing(p, action);
	if (mark->id > p->priv->caps.max_mark)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"MARK id %" PRIu32 " is above max_mark %" PRIu32,
			mark->id, p->priv->caps.max_mark);
	p->rule->has_mark = true;
	p->rule->mark_id = mark->id;
	return 0;
}

static int
simnic_parse_flag(struct simnic_parse *p, const struct rte_flow_action *action)
{
	if (!p->priv->caps.mark)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"FLAG is disabled on this port (devarg mark=0)");
	p->rule->has_flag = true;
	return simnic_action_once(p, &p->seen_flag, action);
}

static int
simnic_parse_count(struct simnic_parse *p,
		   const struct rte_flow_action *action)
{
	if (!p->priv->caps.count)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"COUNT is disabled on this port (devarg count=0)");
	p->rule->has_count = true;
	return simnic_action_once(p, &p->seen_count, action);
}

static int
simnic_check_queue(struct simnic_parse *p,
		   const struct rte_flow_action *action, uint32_t queue)
{
	uint16_t nb_rxq = p->dev->data->nb_rx_queues;

	if (queue >= nb_rxq)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"queue %" PRIu32 " does not exist: the port has %u Rx queue(s)",
			queue, nb_rxq);
	return 0;
}

static int
simnic_parse_queue(struct simnic_parse *p,
		   const struct rte_flow_action *action)
{
	const struct rte_flow_action_queue *queue = action->conf;
	int ret;

	if (queue == NULL)
		return simnic_action_conf_missing(p, action);
	ret = simnic_check_queue(p, action, queue->index);
	if (ret == 0)
		ret = simnic_set_fate(p, action, SIMNIC_FATE_QUEUE);
	p->rule->queue = queue->index;
	return ret;
}

static int
simnic_parse_rss(struct simnic_parse *p, const struct rte_flow_action *action)
{
	const struct rte_flow_action_rss *rss = action->conf;
	uint32_t i;
	int ret;

	if (rss == NULL)
		return simnic_action_conf_missing(p, action);
	if (rss->func != RTE_ETH_HASH_FUNCTION_DEFAULT &&
	    rss->func != RTE_ETH_HASH_FUNCTION_TOEPLITZ)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"RSS: only the default (Toeplitz) hash function is supported");
	if (rss->level > 1)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"RSS: level %" PRIu32 " asks for inner headers; simnic hashes the outer ones",
			rss->level);
	if (rss->key_len != 0 && (rss->key == NULL || rss->key_len != 40))
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"RSS: key_len must be 0 (default key) or 40 with a key");
	if (rss->queue_num > 0 && rss->queue == NULL)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"RSS: queue_num is %" PRIu32 " but queue is NULL",
			rss->queue_num);
	for (i = 0; i < rss->queue_num; i++) {
		ret = simnic_check_queue(p, action, rss->queue[i]);
		if (ret != 0)
			return ret;
	}
	ret = simnic_set_fate(p, action, SIMNIC_FATE_RSS);
	p->rule->queue = rss->queue_num > 0 ? rss->queue[0] : 0;
	p->rule->rss_queue_num = (uint16_t)RTE_MIN(rss->queue_num,
						   (uint32_t)UINT16_MAX);
	/*
	 * Frames go to one of the listed queues by hash; duplicates and
	 * order do not matter (no indirection table).  No list: any queue.
	 */
	for (i = 0; i < rss->queue_num; i++)
		p->rule->rss_queues |= RTE_BIT64(rss->queue[i]);
	/* Types 0: the PMD's default.  The key is always the port's. */
	p->rule->rss_types = rss->types != 0 ? rss->types : SIMNIC_RSS_TYPES;
	if (rss->queue_num == 0)
		p->rule->rss_queues = p->dev->data->nb_rx_queues >= 64 ?
			UINT64_MAX :
			RTE_BIT64(p->dev->data->nb_rx_queues) - 1;
	return ret;
}

/* REPRESENTED_PORT, PORT_ID: out of that port of the switch. */
static int
simnic_parse_port_action(struct simnic_parse *p,
			 const struct rte_flow_action *action)
{
	const char *name = simnic_action_type_name(action->type);
	uint32_t port;
	int ret;

	if (!p->transfer)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"%s action sends frames out of a port of the switch: transfer rules only",
			name);
	if (action->conf == NULL)
		return simnic_action_conf_missing(p, action);
	if (action->type == RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT) {
		const struct rte_flow_action_ethdev *conf = action->conf;

		port = conf->port_id;
	} else {
		const struct rte_flow_action_port_id *conf = action->conf;

		if (conf->original)
			return simnic_flow_error(p->error, ENOTSUP,
				RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
				"PORT_ID: original is not supported; give the port id");
		port = conf->id;
	}
	if (!simnic_switch_has_port(p->priv, port))
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"%s: port %" PRIu32 " is not a port of switch %s",
			name, port, simnic_switch_name(p->priv));
	ret = simnic_set_fate(p, action, SIMNIC_FATE_PORT);
	p->rule->out_port = (uint16_t)port;
	return ret;
}

/*
 * What a transfer rule can do, by testpmd's names of the actions: the
 * names that devarg actions_off takes.  COUNT has devarg count.
 */
static const struct {
	enum rte_flow_action_type type;
	const char *name;
} simnic_transfer_actions[] = {
	{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, "represented_port" },
	{ RTE_FLOW_ACTION_TYPE_PORT_ID, "port_id" },
	{ RTE_FLOW_ACTION_TYPE_DROP, "drop" },
	{ RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, "of_pop_vlan" },
	{ RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, "of_push_vlan" },
	{ RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, "of_set_vlan_vid" },
	{ RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, "of_set_vlan_pcp" },
	{ RTE_FLOW_ACTION_TYPE_SET_MAC_SRC, "set_mac_src" },
	{ RTE_FLOW_ACTION_TYPE_SET_MAC_DST, "set_mac_dst" },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC, "set_ipv4_src" },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV4_DST, "set_ipv4_dst" },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC, "set_ipv6_src" },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV6_DST, "set_ipv6_dst" },
	{ RTE_FLOW_ACTION_TYPE_SET_TP_SRC, "set_tp_src" },
	{ RTE_FLOW_ACTION_TYPE_SET_TP_DST, "set_tp_dst" },
	{ RTE_FLOW_ACTION_TYPE_SET_TTL, "set_ttl" },
	{ RTE_FLOW_ACTION_TYPE_DEC_TTL, "dec_ttl" },
};

_Static_assert(RTE_DIM(simnic_transfer_actions) <= 64,
	       "actions_off is a 64-bit map");

int
simnic_transfer_action_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_transfer_actions); i++)
		if (strcmp(simnic_transfer_actions[i].name, name) == 0)
			return (int)i;
	return -1;
}

void
simnic_transfer_action_names(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(simnic_transfer_actions) && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				simnic_transfer_actions[i].name);
}

/* The action's index in simnic_transfer_actions, -1 if not there. */
static int
simnic_transfer_action_index(enum rte_flow_action_type type)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_transfer_actions); i++)
		if (simnic_transfer_actions[i].type == type)
			return (int)i;
	return -1;
}

/* A transfer action the port has, or COUNT. */
static int
simnic_check_transfer_action(struct simnic_parse *p,
			     const struct rte_flow_action *action)
{
	int index = simnic_transfer_action_index(action->type);

	if (action->type == RTE_FLOW_ACTION_TYPE_COUNT)
		return 0;
	if (index < 0)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"action %s is not supported in transfer rules (supported: COUNT, VOID and the actions devarg actions_off names)",
			simnic_action_type_name(action->type));
	if (p->priv->caps.actions_off & RTE_BIT64(index))
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"%s is disabled on this port (devarg actions_off)",
			simnic_action_type_name(action->type));
	return 0;
}

/* What a rewrite needs the pattern to say of the frame. */
enum simnic_modify_need {
	SIMNIC_NEED_NOTHING,
	SIMNIC_NEED_VLAN,	/* a tag: a VLAN item, or a push before */
	SIMNIC_NEED_IP,		/* an IPV4 or IPV6 item */
	SIMNIC_NEED_IPV4,
	SIMNIC_NEED_IPV6,
	SIMNIC_NEED_TCP_UDP,
};

static const char *const simnic_modify_need_names[] = {
	[SIMNIC_NEED_VLAN] = "a VLAN tag (a VLAN item, or a push before it)",
	[SIMNIC_NEED_IP] = "IPv4 or IPv6 (an IP item)",
	[SIMNIC_NEED_IPV4] = "IPv4 (an IPV4 item)",
	[SIMNIC_NEED_IPV6] = "IPv6 (an IPV6 item)",
	[SIMNIC_NEED_TCP_UDP] = "TCP or UDP (a TCP or UDP item)",
};

/* Each rewrite: where its value is in its conf, and what it needs. */
#define SIMNIC_MODIFY(type, op, conf, field, need) \
	{ RTE_FLOW_ACTION_TYPE_ ## type, SIMNIC_MOD_ ## op, \
	  offsetof(struct conf, field), \
	  sizeof(((struct conf *)NULL)->field), SIMNIC_NEED_ ## need }

static const struct simnic_modify_desc {
	enum rte_flow_action_type type;
	enum simnic_modify_op op;
	size_t value_off;
	size_t value_len;		/* 0: no conf */
	enum simnic_modify_need need;
} simnic_modify_descs[] = {
	{ RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, SIMNIC_MOD_POP_VLAN, 0, 0,
	  SIMNIC_NEED_VLAN },
	SIMNIC_MODIFY(OF_PUSH_VLAN, PUSH_VLAN, rte_flow_action_of_push_vlan,
		      ethertype, NOTHING),
	SIMNIC_MODIFY(OF_SET_VLAN_VID, SET_VLAN_VID,
		      rte_flow_action_of_set_vlan_vid, vlan_vid, VLAN),
	SIMNIC_MODIFY(OF_SET_VLAN_PCP, SET_VLAN_PCP,
		      rte_flow_action_of_set_vlan_pcp, vlan_pcp, VLAN),
	SIMNIC_MODIFY(SET_MAC_SRC, SET_MAC_SRC, rte_flow_action_set_mac,
		      mac_addr, NOTHING),
	SIMNIC_MODIFY(SET_MAC_DST, SET_MAC_DST, rte_flow_action_set_mac,
		      mac_addr, NOTHING),
	SIMNIC_MODIFY(SET_IPV4_SRC, SET_IPV4_SRC, rte_flow_action_set_ipv4,
		      ipv4_addr, IPV4),
	SIMNIC_MODIFY(SET_IPV4_DST, SET_IPV4_DST, rte_flow_action_set_ipv4,
		      ipv4_addr, IPV4),
	SIMNIC_MODIFY(SET_IPV6_SRC, SET_IPV6_SRC, rte_flow_action_set_ipv6,
		      ipv6_addr, IPV6),
	SIMNIC_MODIFY(SET_IPV6_DST, SET_IPV6_DST, rte_flow_action_set_ipv6,
		      ipv6_addr, IPV6),
	SIMNIC_MODIFY(SET_TP_SRC, SET_TP_SRC, rte_flow_action_set_tp, port,
		      TCP_UDP),
	SIMNIC_MODIFY(SET_TP_DST, SET_TP_DST, rte_flow_action_set_tp, port,
		      TCP_UDP),
	SIMNIC_MODIFY(SET_TTL, SET_TTL, rte_flow_action_set_ttl, ttl_value,
		      IP),
	{ RTE_FLOW_ACTION_TYPE_DEC_TTL, SIMNIC_MOD_DEC_TTL, 0, 0,
	  SIMNIC_NEED_IP },
};

static const struct simnic_modify_desc *
simnic_modify_desc_find(enum rte_flow_action_type type)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_modify_descs); i++)
		if (simnic_modify_descs[i].type == type)
			return &simnic_modify_descs[i];
	return NULL;
}

static bool
simnic_modify_need_met(const struct simnic_parse *p,
		       enum simnic_modify_need need)
{
	const struct simnic_rule *r = p->rule;

	switch (need) {
	case SIMNIC_NEED_VLAN:
		return p->vlan_tags > 0;
	case SIMNIC_NEED_IP:
		return r->mask.l3 != 0 && r->key.l3 != SIMNIC_L3_NONE;
	case SIMNIC_NEED_IPV4:
		return r->mask.l3 != 0 && r->key.l3 == SIMNIC_L3_IPV4;
	case SIMNIC_NEED_IPV6:
		return r->mask.l3 != 0 && r->key.l3 == SIMNIC_L3_IPV6;
	case SIMNIC_NEED_TCP_UDP:
		return r->mask.l4 != 0 && (r->key.l4 == IPPROTO_TCP ||
					   r->key.l4 == IPPROTO_UDP);
	default:
		return true;
	}
}

/* The values that the VLAN rewrites' confs may not have. */
static int
simnic_check_modify_value(struct simnic_parse *p,
			  const struct rte_flow_action *action,
			  const struct simnic_modify *mod)
{
	uint16_t v = (uint16_t)(mod->value[0] << 8 | mod->value[1]);

	if (mod->op == SIMNIC_MOD_PUSH_VLAN && v != RTE_ETHER_TYPE_VLAN &&
	    v != RTE_ETHER_TYPE_QINQ)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"OF_PUSH_VLAN: ethertype 0x%04x is not a TPID (0x8100, 0x88a8)",
			v);
	if (mod->op == SIMNIC_MOD_SET_VLAN_VID && v > RTE_VLAN_ID_MASK)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"OF_SET_VLAN_VID: %u is not a VLAN id (0-4095)", v);
	if (mod->op == SIMNIC_MOD_SET_VLAN_PCP && mod->value[0] > 7)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
			"OF_SET_VLAN_PCP: %u is not a priority (0-7)",
			mod->value[0]);
	return 0;
}

/* Checks a rewrite's conf and what it needs; copies its value. */
static int
simnic_compile_modify(struct simnic_parse *p,
		      const struct rte_flow_action *action,
		      struct simnic_modify *mod)
{
	const struct simnic_modify_desc *d =
		simnic_modify_desc_find(action->type);
	int ret;

	mod->op = d->op;
	if (d->value_len != 0) {
		if (action->conf == NULL)
			return simnic_action_conf_missing(p, action);
		memcpy(mod->value, (const uint8_t *)action->conf +
		       d->value_off, d->value_len);
		ret = simnic_check_modify_value(p, action, mod);
		if (ret != 0)
			return ret;
	}
	if (!simnic_modify_need_met(p, d->need))
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"%s rewrites %s: the pattern must match only such frames",
			simnic_action_type_name(action->type),
			simnic_modify_need_names[d->need]);
	if (d->op == SIMNIC_MOD_PUSH_VLAN)
		p->vlan_tags++;
	else if (d->op == SIMNIC_MOD_POP_VLAN)
		p->vlan_tags--;
	return 0;
}

/* A header rewrite of a transfer rule, before its fate. */
static int
simnic_parse_modify(struct simnic_parse *p,
		    const struct rte_flow_action *action)
{
	struct simnic_rule *r = p->rule;
	int ret;

	if (p->seen_fate)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"%s after the fate action: header rewrites come before it",
			simnic_action_type_name(action->type));
	if (r->n_mods == SIMNIC_MAX_MODIFY)
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"more than %d header rewrites in a rule",
			SIMNIC_MAX_MODIFY);
	if (r->mods == NULL) {
		r->mods = calloc(SIMNIC_MAX_MODIFY, sizeof(*r->mods));
		if (r->mods == NULL)
			return simnic_flow_error(p->error, ENOMEM,
				RTE_FLOW_ERROR_TYPE_ACTION, action,
				"no memory for header rewrites");
	}
	ret = simnic_compile_modify(p, action, &r->mods[r->n_mods]);
	if (ret == 0)
		r->n_mods++;
	return ret;
}

static int
simnic_parse_action(struct simnic_parse *p,
		    const struct rte_flow_action *action)
{
	int ret;

	if (p->transfer) {
		ret = simnic_check_transfer_action(p, action);
		if (ret != 0)
			return ret;
	}
	if (simnic_modify_desc_find(action->type) != NULL) {
		if (!p->transfer)
			return simnic_flow_error(p->error, ENOTSUP,
				RTE_FLOW_ERROR_TYPE_ACTION, action,
				"%s rewrites headers: transfer rules only",
				simnic_action_type_name(action->type));
		return simnic_parse_modify(p, action);
	}
	switch (action->type) {
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ACTION_TYPE_PORT_ID:
		return simnic_parse_port_action(p, action);
	case RTE_FLOW_ACTION_TYPE_MARK:
		return simnic_parse_mark(p, action);
	case RTE_FLOW_ACTION_TYPE_FLAG:
		return simnic_parse_flag(p, action);
	case RTE_FLOW_ACTION_TYPE_COUNT:
		return simnic_parse_count(p, action);
	case RTE_FLOW_ACTION_TYPE_QUEUE:
		return simnic_parse_queue(p, action);
	case RTE_FLOW_ACTION_TYPE_RSS:
		return simnic_parse_rss(p, action);
	case RTE_FLOW_ACTION_TYPE_DROP:
		return simnic_set_fate(p, action, SIMNIC_FATE_DROP);
	case RTE_FLOW_ACTION_TYPE_PASSTHRU:
		return simnic_set_fate(p, action, SIMNIC_FATE_PASSTHRU);
	default:
		return simnic_flow_error(p->error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"action %s is not supported (supported: MARK, FLAG, COUNT, QUEUE, RSS, DROP, PASSTHRU, VOID)",
			simnic_action_type_name(action->type));
	}
}

static int
simnic_parse_actions(struct simnic_parse *p,
		     const struct rte_flow_action actions[])
{
	const struct rte_flow_action *action;
	int ret;

	if (actions == NULL)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
			"action list is NULL");
	/* The tags a frame of the rule has, for VLAN rewrites. */
	if ((p->rule->mask.flags & SIMNIC_KEY_F_HAS_VLAN) &&
	    (p->rule->key.flags & SIMNIC_KEY_F_HAS_VLAN))
		p->vlan_tags = (p->rule->mask.flags &
				SIMNIC_KEY_F_HAS_MORE_VLAN) &&
			       (p->rule->key.flags &
				SIMNIC_KEY_F_HAS_MORE_VLAN) ? 2 : 1;
	for (action = actions; action->type != RTE_FLOW_ACTION_TYPE_END;
	     action++) {
		if (action->type == RTE_FLOW_ACTION_TYPE_VOID)
			continue;
		ret = simnic_parse_action(p, action);
		if (ret != 0)
			return ret;
	}
	/* A switch has no host to leave a frame to. */
	if (p->transfer && !p->seen_fate)
		return simnic_flow_error(p->error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
			"a transfer rule needs a fate action: REPRESENTED_PORT, PORT_ID or DROP");
	return 0;
}

/* Parses a whole rule into *rule (zeroed by the caller). */
static int
simnic_flow_parse(const struct rte_eth_dev *dev,
		  const struct rte_flow_attr *attr,
		  const struct rte_flow_item pattern[],
		  const struct rte_flow_action actions[],
		  struct simnic_rule *rule, bool create,
		  struct rte_flow_error *error)
{
	const struct simnic_private *priv = dev->data->dev_private;
	const struct simnic_profile *profile = priv->profile;
	struct simnic_parse p = {
		.dev = dev,
		.priv = dev->data->dev_private,
		.rule = rule,
		.error = error,
		.layer = SIMNIC_LAYER_NONE,
		.last_item_name = "(none)",
	};
	int ret;

	ret = simnic_parse_attr(&p, attr);
	if (ret == 0)
		ret = simnic_parse_pattern(&p, pattern);
	if (ret == 0)
		ret = simnic_parse_actions(&p, actions);
	/*
	 * What simnic refuses, the NIC would too: the profile comes after.
	 * Profiles speak of a port's ingress rules; the switch takes every
	 * transfer rule simnic does.
	 */
	if (rule->transfer)
		return ret;
	if (ret == 0 && profile->check != NULL)
		ret = profile->check(dev, attr, pattern, actions, rule, create,
				     error);
	if (ret == 0 && profile->widen != NULL)
		profile->widen(pattern, rule);
	return ret;
}

/* The table a rule goes into: the switch's, for transfer rules. */
static struct simnic_flow_table *
simnic_rule_table(const struct simnic_private *priv,
		  const struct simnic_rule *rule)
{
	return rule->transfer ? simnic_switch_table(priv) : priv->flow_table;
}

/*
 * Capacity: checked with flow_lock held.  Transfer rules take room among
 * the PF's max_rules, as a NIC's rules share its memory.
 */
static int
simnic_flow_check_room(const struct simnic_private *priv,
		       const struct simnic_rule *rule,
		       struct rte_flow_error *error)
{
	if (priv->n_rules >= priv->caps.max_rules &&
	    priv->profile->full_errno != 0)
		return simnic_flow_error(error, priv->profile->full_errno,
			RTE_FLOW_ERROR_TYPE_HANDLE, NULL, "%s",
			priv->profile->full_msg);
	if (priv->n_rules >= priv->caps.max_rules)
		return simnic_flow_error(error, ENOSPC,
			RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			"rule table is full: %" PRIu32 " rules installed (devarg max_rules)",
			priv->caps.max_rules);
	if (!simnic_flow_table_has_room(simnic_rule_table(priv, rule),
					&rule->mask))
		return simnic_flow_error(error, ENOSPC,
			RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			"rule needs a new match mask but all %" PRIu32 " mask tables are in use (devarg max_masks)",
			priv->caps.max_masks);
	return 0;
}

static void
simnic_rule_free(struct simnic_rule *rule)
{
	if (rule != NULL)
		free(rule->mods);
	free(rule);
}

/* Handles. */

static struct rte_flow *
simnic_handle_encode(uint32_t index, uint32_t gen)
{
	return (struct rte_flow *)(uintptr_t)(((uint64_t)gen << 32) | index);
}

static struct simnic_rule *
simnic_handle_decode(const struct simnic_private *priv,
		     const struct rte_flow *flow)
{
	uint64_t h = (uint64_t)(uintptr_t)flow;
	uint32_t index = (uint32_t)h, gen = (uint32_t)(h >> 32);

	if (index >= priv->n_flow_slots || priv->flow_slots[index].gen != gen)
		return NULL;
	return priv->flow_slots[index].rule;
}

/* Every Rx queue gets counters for n slots; the queues are locked. */
static int
simnic_counters_grow(struct simnic_private *priv, uint32_t n)
{
	const struct rte_eth_dev_data *data = priv->dev_data;
	uint16_t i;

	for (i = 0; i < data->nb_rx_queues; i++) {
		struct simnic_rxq *rxq = data->rx_queues[i];

		if (rxq != NULL && simnic_rxq_counters_resize(rxq, n) != 0)
			return -ENOMEM;
	}
	return 0;
}

static int
simnic_slots_grow(struct simnic_private *priv)
{
	uint32_t n_old = priv->n_flow_slots, n_new, i;
	struct simnic_flow_slot *slots;

	if (n_old >= priv->caps.max_rules)
		return -ENOSPC;
	n_new = RTE_MIN(RTE_MAX(n_old * 2, SIMNIC_MIN_SLOTS),
			priv->caps.max_rules);
	/* Counters first: a slot must never lack them. */
	if (simnic_counters_grow(priv, n_new) != 0)
		return -ENOMEM;
	slots = realloc(priv->flow_slots, (size_t)n_new * sizeof(*slots));
	if (slots == NULL)
		return -ENOMEM;
	for (i = n_old; i < n_new; i++) {
		slots[i].rule = NULL;
		slots[i].gen = 1;
		slots[i].next_free = i + 1 < n_new ? i + 1 : priv->flow_free_slot;
	}
	priv->flow_slots = slots;
	priv->n_flow_slots = n_new;
	priv->flow_free_slot = n_old;
	return 0;
}

static int
simnic_slot_alloc(struct simnic_private *priv, struct simnic_rule *rule)
{
	uint32_t index;
	int ret;

	if (priv->flow_free_slot == SIMNIC_NO_SLOT) {
		ret = simnic_slots_grow(priv);
		if (ret != 0)
			return ret;
	}
	index = priv->flow_free_slot;
	priv->flow_free_slot = priv->flow_slots[index].next_free;
	priv->flow_slots[index].rule = rule;
	rule->handle_index = index;
	return 0;
}

static void
simnic_slot_free(struct simnic_private *priv, uint32_t index)
{
	struct simnic_flow_slot *slot = &priv->flow_slots[index];

	slot->rule = NULL;
	/* Generation 0 never appears, so no handle is ever NULL. */
	if (++slot->gen == 0)
		slot->gen = 1;
	slot->next_free = priv->flow_free_slot;
	priv->flow_free_slot = index;
}

/* A new rule's counters start from zero on every queue. */
static void
simnic_counters_clear(struct simnic_private *priv, uint32_t index)
{
	const struct rte_eth_dev_data *data = priv->dev_data;
	uint16_t i;

	for (i = 0; i < data->nb_rx_queues; i++) {
		struct simnic_rxq *rxq = data->rx_queues[i];

		if (rxq != NULL)
			memset(&rxq->counters[index], 0,
			       sizeof(rxq->counters[index]));
	}
}

/* Sums a rule's counters over the Rx queues; the queues are locked. */
static void
simnic_counters_sum(const struct simnic_private *priv, uint32_t index,
		    uint64_t *hits, uint64_t *bytes)
{
	const struct rte_eth_dev_data *data = priv->dev_data;
	uint16_t i;

	*hits = 0;
	*bytes = 0;
	for (i = 0; i < data->nb_rx_queues; i++) {
		const struct simnic_rxq *rxq = data->rx_queues[i];

		if (rxq != NULL) {
			*hits += rxq->counters[index].hits;
			*bytes += rxq->counters[index].bytes;
		}
	}
}

/*
 * Begins and ends a change of what Rx sees; see simnic_private.flow_lock.
 * The generation moves on at the end, so verdicts cached meanwhile by
 * nobody (the queues are locked) cannot survive it.
 */
static void
simnic_change_begin(struct simnic_private *priv)
{
	rte_rwlock_write_lock(&priv->flow_lock);
	/* The proxy's rules include the switch's, which all its ports use. */
	if (simnic_switch_is_proxy(priv))
		simnic_switch_rxqs_lock(priv);
	else
		simnic_rxqs_lock(priv);
}

/* Ends a simnic_change_begin() that changed nothing Rx sees. */
static void
simnic_change_unlock(struct simnic_private *priv)
{
	if (simnic_switch_is_proxy(priv))
		simnic_switch_rxqs_unlock(priv);
	else
		simnic_rxqs_unlock(priv);
	rte_rwlock_write_unlock(&priv->flow_lock);
}

static void
simnic_change_end(struct simnic_private *priv)
{
	priv->flow_gen++;
	/* Gen ports of the switch cache the switch's verdicts too. */
	if (simnic_switch_is_proxy(priv))
		simnic_switch_gen_bump(priv);
	simnic_change_unlock(priv);
}

/*
 * Devarg insert_latency_us: a real NIC inserts (and removes) a rule
 * through a command to its firmware, and the call returns once the
 * hardware has done it.  The calling thread waits here, holding no lock,
 * so that Rx and other rte_flow calls go on meanwhile (concurrent calls
 * wait side by side, as with a NIC that takes several commands at once).
 * An absolute deadline makes the wait at least the latency, signals or
 * not.
 */
static void
simnic_flow_latency(const struct simnic_private *priv)
{
	uint32_t us = priv->caps.insert_latency_us;
	struct timespec deadline;

	if (us == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += us / 1000000;
	deadline.tv_nsec += (long)(us % 1000000) * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline,
			       NULL) == EINTR)
		;
}

/* The rule in handle slot 'index'; the caller holds a lock that keeps it. */
struct simnic_rule *
simnic_flow_rule_at(const struct simnic_private *priv, uint32_t index)
{
	return priv->flow_slots[index].rule;
}

/* Makes gen ports compute their cached verdicts again. */
void
simnic_flow_gen_bump(struct simnic_private *priv)
{
	simnic_change_begin(priv);
	simnic_change_end(priv);
}

/* Unlinks and frees a rule, within simnic_change_begin/end. */
static void
simnic_rule_remove(struct simnic_private *priv, struct simnic_rule *rule)
{
	simnic_flow_table_remove(simnic_rule_table(priv, rule), rule);
	if (rule->transfer)
		simnic_switch_n_rules_add(priv, -1);
	else if (priv->profile->account != NULL)
		priv->profile->account(priv, rule, -1);
	simnic_slot_free(priv, rule->handle_index);
	__atomic_store_n(&priv->n_rules, priv->n_rules - 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&priv->flow_destroys, 1, __ATOMIC_RELAXED);
	simnic_rule_free(rule);
}

/* Installs a parsed rule, within simnic_change_begin/end. */
static struct rte_flow *
simnic_rule_install(struct simnic_private *priv, struct simnic_rule *rule,
		    struct rte_flow_error *error)
{
	uint64_t calls;
	int ret;

	if (simnic_flow_check_room(priv, rule, error) != 0)
		return NULL;
	if (!rule->transfer && priv->profile->admit != NULL &&
	    priv->profile->admit(priv, rule, error) != 0)
		return NULL;

	calls = ++priv->flow_create_calls;
	if (priv->caps.fail_every != 0 && calls % priv->caps.fail_every == 0) {
		simnic_flow_error(error, EIO, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
			NULL,
			"injected failure: create #%" PRIu64 " fails (devarg fail_every=%" PRIu32 ")",
			calls, priv->caps.fail_every);
		return NULL;
	}

	ret = simnic_slot_alloc(priv, rule);
	if (ret != 0) {
		simnic_flow_error(error, -ret, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "no memory for a flow handle");
		return NULL;
	}
	rule->seq = priv->flow_seq++;
	simnic_counters_clear(priv, rule->handle_index);
	ret = simnic_flow_table_insert(simnic_rule_table(priv, rule), rule);
	if (ret != 0) {
		simnic_slot_free(priv, rule->handle_index);
		simnic_flow_error(error, -ret, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				  NULL, "cannot insert the rule: %s",
				  strerror(-ret));
		return NULL;
	}
	if (rule->transfer)
		simnic_switch_n_rules_add(priv, 1);
	else if (priv->profile->account != NULL)
		priv->profile->account(priv, rule, 1);
	__atomic_store_n(&priv->n_rules, priv->n_rules + 1, __ATOMIC_RELAXED);
	return simnic_handle_encode(rule->handle_index,
		priv->flow_slots[rule->handle_index].gen);
}

/* rte_flow ops. */

static int
simnic_flow_validate(struct rte_eth_dev *dev,
		     const struct rte_flow_attr *attr,
		     const struct rte_flow_item pattern[],
		     const struct rte_flow_action actions[],
		     struct rte_flow_error *error)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct simnic_rule rule;
	int ret;

	memset(&rule, 0, sizeof(rule));
	ret = simnic_flow_parse(dev, attr, pattern, actions, &rule, false,
				error);
	/* Real PMDs check the format only: room is a matter for create. */
	if (ret == 0 && priv->profile->validate_checks_room) {
		rte_rwlock_read_lock(&priv->flow_lock);
		ret = simnic_flow_check_room(priv, &rule, error);
		rte_rwlock_read_unlock(&priv->flow_lock);
	}
	free(rule.mods);
	return ret;
}

static struct rte_flow *
simnic_flow_create(struct rte_eth_dev *dev,
		   const struct rte_flow_attr *attr,
		   const struct rte_flow_item pattern[],
		   const struct rte_flow_action actions[],
		   struct rte_flow_error *error)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct simnic_rule *rule;
	struct rte_flow *flow = NULL;

	rule = calloc(1, sizeof(*rule));
	if (rule == NULL) {
		simnic_flow_error(error, ENOMEM,
				  RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				  "no memory for a rule");
	} else if (simnic_flow_parse(dev, attr, pattern, actions, rule, true,
				     error) == 0) {
		/* The NIC is asked: a rule it refuses costs the wait too. */
		simnic_flow_latency(priv);
		simnic_change_begin(priv);
		flow = simnic_rule_install(priv, rule, error);
		simnic_change_end(priv);
	}

	if (flow == NULL) {
		simnic_rule_free(rule);
		__atomic_fetch_add(&priv->flow_create_failures, 1,
				   __ATOMIC_RELAXED);
		return NULL;
	}
	__atomic_fetch_add(&priv->flow_creates, 1, __ATOMIC_RELAXED);
	return flow;
}

static int
simnic_flow_stale_handle(struct rte_flow_error *error,
			 const struct rte_flow *flow)
{
	return simnic_flow_error(error, ENOENT, RTE_FLOW_ERROR_TYPE_HANDLE,
		flow,
		"unknown flow handle: destroyed, flushed, or dropped when the port stopped");
}

static bool
simnic_flow_handle_valid(struct simnic_private *priv,
			 const struct rte_flow *flow)
{
	bool valid;

	rte_rwlock_read_lock(&priv->flow_lock);
	valid = simnic_handle_decode(priv, flow) != NULL;
	rte_rwlock_read_unlock(&priv->flow_lock);
	return valid;
}

static int
simnic_flow_destroy(struct rte_eth_dev *dev, struct rte_flow *flow,
		    struct rte_flow_error *error)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct simnic_rule *rule;

	/*
	 * The rule stays in force while the NIC removes it; a stale handle
	 * is refused at once, by the driver.
	 */
	if (priv->caps.insert_latency_us != 0 &&
	    simnic_flow_handle_valid(priv, flow))
		simnic_flow_latency(priv);
	simnic_change_begin(priv);
	rule = simnic_handle_decode(priv, flow);
	if (rule != NULL)
		simnic_rule_remove(priv, rule);
	simnic_change_end(priv);

	return rule != NULL ? 0 : simnic_flow_stale_handle(error, flow);
}

/* Frees every rule, within simnic_change_begin/end. */
static void
simnic_flow_flush_locked(struct simnic_private *priv)
{
	uint32_t i;

	/* Clear the tables at once rather than rule by rule. */
	simnic_flow_table_clear(priv->flow_table);
	if (simnic_switch_is_proxy(priv)) {
		simnic_flow_table_clear(simnic_switch_table(priv));
		simnic_switch_n_rules_add(priv,
					  -(int)simnic_switch_n_rules(priv));
	}
	for (i = 0; i < priv->n_flow_slots; i++) {
		struct simnic_rule *rule = priv->flow_slots[i].rule;

		if (rule == NULL)
			continue;
		simnic_slot_free(priv, i);
		simnic_rule_free(rule);
		__atomic_fetch_add(&priv->flow_destroys, 1, __ATOMIC_RELAXED);
	}
	/* No rule left: nothing the first rules fixed stays fixed. */
	memset(&priv->profile_state, 0, sizeof(priv->profile_state));
	__atomic_store_n(&priv->n_rules, 0, __ATOMIC_RELAXED);
}

void
simnic_flow_flush_all(struct simnic_private *priv)
{
	simnic_change_begin(priv);
	simnic_flow_flush_locked(priv);
	simnic_change_end(priv);
}

static int
simnic_flow_flush(struct rte_eth_dev *dev,
		  struct rte_flow_error *error __rte_unused)
{
	struct simnic_private *priv = dev->data->dev_private;

	/* One command removes them all; nothing to remove, nothing to ask. */
	if (__atomic_load_n(&priv->n_rules, __ATOMIC_RELAXED) > 0)
		simnic_flow_latency(priv);
	simnic_flow_flush_all(priv);
	return 0;
}

/*
 * A rule's COUNT.  The queues are locked, a transfer rule's by the
 * switch: no burst is between a hit and its bytes.
 */
static void
simnic_rule_counts(const struct simnic_private *priv,
		   const struct simnic_rule *rule, uint64_t *hits,
		   uint64_t *bytes)
{
	if (rule->transfer) {
		*hits = __atomic_load_n(&rule->switch_hits, __ATOMIC_RELAXED);
		*bytes = __atomic_load_n(&rule->switch_bytes, __ATOMIC_RELAXED);
	} else {
		simnic_counters_sum(priv, rule->handle_index, hits, bytes);
	}
}

/* The queues are locked: no burst is between a hit and its bytes. */
static void
simnic_flow_query_count(struct simnic_private *priv,
			struct simnic_rule *rule,
			struct rte_flow_query_count *count)
{
	uint64_t hits, bytes;

	simnic_rule_counts(priv, rule, &hits, &bytes);
	count->hits = hits;
	count->bytes = bytes;
	count->hits_set = 1;
	count->bytes_set = 1;
	if (!count->reset)
		return;
	if (rule->transfer) {
		__atomic_store_n(&rule->switch_hits, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&rule->switch_bytes, 0, __ATOMIC_RELAXED);
	} else {
		simnic_counters_clear(priv, rule->handle_index);
	}
}

static int
simnic_flow_query(struct rte_eth_dev *dev, struct rte_flow *flow,
		  const struct rte_flow_action *action, void *data,
		  struct rte_flow_error *error)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct rte_flow_query_count *count = data;
	struct simnic_rule *rule;
	int ret = 0;

	if (action == NULL || action->type != RTE_FLOW_ACTION_TYPE_COUNT)
		return simnic_flow_error(error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"only COUNT can be queried");
	if (count == NULL)
		return simnic_flow_error(error, EINVAL,
			RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			"query data is NULL");

	/*
	 * The queues are locked so that no Rx burst is between adding hits
	 * and adding bytes: the pair read, and a reset, stay consistent.
	 */
	simnic_change_begin(priv);
	rule = simnic_handle_decode(priv, flow);
	if (rule == NULL)
		ret = simnic_flow_stale_handle(error, flow);
	else if (!rule->has_count)
		ret = simnic_flow_error(error, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, action,
			"the rule has no COUNT action");
	else
		simnic_flow_query_count(priv, rule, count);
	simnic_change_unlock(priv);
	return ret;
}

static int
simnic_flow_isolate(struct rte_eth_dev *dev, int set,
		    struct rte_flow_error *error __rte_unused)
{
	struct simnic_private *priv = dev->data->dev_private;

	__atomic_store_n(&priv->isolated, set != 0, __ATOMIC_RELAXED);
	SIMNIC_LOG(INFO, "%s: isolated mode %s", priv->name,
		   set ? "on" : "off");
	return 0;
}

/* "default": no fate action; the frame goes where it would without rules. */
static const char *
simnic_fate_name(enum simnic_fate fate)
{
	switch (fate) {
	case SIMNIC_FATE_PASSTHRU:
		return "passthru";
	case SIMNIC_FATE_DROP:
		return "drop";
	case SIMNIC_FATE_QUEUE:
		return "queue";
	case SIMNIC_FATE_RSS:
		return "rss";
	case SIMNIC_FATE_PORT:
		return "port";
	default:
		return "default";
	}
}

/*
 * The INTEGRITY bits a rule matches, e.g. " integrity l3_ok 1 l4_ok 1":
 * unlike header fields, they are not visible in the frames it marks.
 */
static void
simnic_rule_dump_integrity(FILE *f, const struct simnic_rule *r)
{
	static const struct {
		uint8_t flag;
		const char *name;
	} bits[] = {
		{ SIMNIC_KEY_F_L3_OK, "l3_ok" },
		{ SIMNIC_KEY_F_L4_OK, "l4_ok" },
		{ SIMNIC_KEY_F_L3_LEN_OK, "l3_len_ok" },
	};
	unsigned int i;
	bool any = false;

	for (i = 0; i < RTE_DIM(bits); i++) {
		if (!(r->mask.flags & bits[i].flag))
			continue;
		fprintf(f, "%s %s %d", any ? "" : " integrity", bits[i].name,
			(r->key.flags & bits[i].flag) != 0);
		any = true;
	}
}

/* The queues are locked, for the counters. */
static void
simnic_rule_dump(const struct simnic_private *priv, FILE *f, uint32_t index,
		 const struct simnic_rule *r)
{
	uint64_t hits, bytes;

	fprintf(f, "rule %" PRIu32 ": priority %" PRIu32 " seq %" PRIu64
		" fate %s", index, r->priority, r->seq,
		simnic_fate_name(r->fate));
	if (r->fate == SIMNIC_FATE_PORT)
		fprintf(f, " %" PRIu16, r->out_port);
	if (r->transfer)
		fprintf(f, " transfer");
	if (r->mask.in_port != 0)
		fprintf(f, " in_port %" PRIu16, r->key.in_port);
	if (r->has_mark)
		fprintf(f, " mark %" PRIu32, r->mark_id);
	if (r->has_flag)
		fprintf(f, " flag");
	simnic_rule_dump_integrity(f, r);
	if (r->has_count) {
		simnic_rule_counts(priv, r, &hits, &bytes);
		fprintf(f, " hits %" PRIu64 " bytes %" PRIu64, hits, bytes);
	}
	fprintf(f, "\n");
}

static int
simnic_flow_dev_dump(struct rte_eth_dev *dev, struct rte_flow *flow,
		     FILE *file, struct rte_flow_error *error)
{
	struct simnic_private *priv = dev->data->dev_private;
	const struct simnic_rule *rule;
	uint32_t i;
	int ret = 0;

	simnic_change_begin(priv);
	if (flow != NULL) {
		rule = simnic_handle_decode(priv, flow);
		if (rule == NULL)
			ret = simnic_flow_stale_handle(error, flow);
		else
			simnic_rule_dump(priv, file, rule->handle_index, rule);
	} else {
		fprintf(file, "%s: %" PRIu32 " rule(s), %" PRIu32 " mask(s)",
			priv->name, priv->n_rules,
			simnic_flow_table_n_masks(priv->flow_table));
		/* Generic ports dump as they always did. */
		if (priv->profile != &simnic_profile_generic)
			fprintf(file, ", profile %s", priv->profile->name);
		fprintf(file, "\n");
		for (i = 0; i < priv->n_flow_slots; i++)
			if (priv->flow_slots[i].rule != NULL)
				simnic_rule_dump(priv, file, i,
						 priv->flow_slots[i].rule);
	}
	simnic_change_unlock(priv);
	return ret;
}

static int
simnic_flow_pick_transfer_proxy(struct rte_eth_dev *dev, uint16_t *proxy,
				struct rte_flow_error *error)
{
	const struct simnic_private *priv = dev->data->dev_private;
	int ret = simnic_switch_proxy(priv, proxy);

	if (ret == -ENOTSUP)
		return simnic_flow_error(error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			"port %s is in no switch domain (devarg switch): it has no transfer proxy",
			priv->name);
	if (ret != 0)
		return simnic_flow_error(error, -ret,
			RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
			"switch %s has no PF port, its transfer proxy",
			simnic_switch_name(priv));
	return 0;
}

const struct rte_flow_ops simnic_flow_ops = {
	.validate = simnic_flow_validate,
	.create = simnic_flow_create,
	.destroy = simnic_flow_destroy,
	.flush = simnic_flow_flush,
	.query = simnic_flow_query,
	.isolate = simnic_flow_isolate,
	.dev_dump = simnic_flow_dev_dump,
	.pick_transfer_proxy = simnic_flow_pick_transfer_proxy,
};

int
simnic_flow_init(struct simnic_private *priv)
{
	rte_rwlock_init(&priv->flow_lock);
	priv->flow_table = simnic_flow_table_create(priv->caps.max_masks);
	if (priv->flow_table == NULL)
		return -ENOMEM;
	priv->flow_slots = NULL;
	priv->n_flow_slots = 0;
	priv->flow_free_slot = SIMNIC_NO_SLOT;
	/* Verdicts start at generation 0, stale from the first burst. */
	priv->flow_gen = 1;
	return 0;
}

void
simnic_flow_uninit(struct simnic_private *priv)
{
	if (priv->flow_table == NULL)
		return;
	simnic_flow_flush_all(priv);
	simnic_flow_table_free(priv->flow_table);
	priv->flow_table = NULL;
	free(priv->flow_slots);
	priv->flow_slots = NULL;
	priv->n_flow_slots = 0;
	priv->flow_free_slot = SIMNIC_NO_SLOT;
}
