/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Profiles (devarg profile): a port that accepts, refuses and widens rules
 * as a real NIC's PMD does, for the rules an OVS offload translator emits:
 * ingress, group 0, pattern ETH [VLAN] IPV4|IPV6 [TCP|UDP|SCTP|ICMP|ICMP6],
 * actions among MARK, COUNT, QUEUE, RSS, DROP.
 *
 * Each refusal below names the function of DPDK 22.11's PMD it comes
 * from, with the PMD's errno, error type and message.  simnic's own
 * parser runs first (simnic_flow.c): what it refuses, it refuses with its
 * own message, whatever the profile.  README.md ("Profiles") lists what
 * each profile does and where it simplifies.
 *
 * generic: simnic as it always was; no hook.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_flow.h>

#include "simnic.h"

/* Every profile: class 0 is "no state", e.g. i40e's RSS rules. */
#define SIMNIC_CLASS_NONE	0

const struct simnic_profile simnic_profile_generic = {
	.name = "generic",
	.max_rules = 1u << 20,
	.validate_checks_room = true,
};

/* Helpers. */

static const struct rte_flow_item *
simnic_item_skip_void(const struct rte_flow_item *item)
{
	while (item->type == RTE_FLOW_ITEM_TYPE_VOID)
		item++;
	return item;
}

static const struct rte_flow_item *
simnic_item_next(const struct rte_flow_item *item)
{
	return simnic_item_skip_void(item + 1);
}

static const struct rte_flow_action *
simnic_action_skip_void(const struct rte_flow_action *action)
{
	while (action->type == RTE_FLOW_ACTION_TYPE_VOID)
		action++;
	return action;
}

static bool
simnic_bytes_are(const void *p, size_t len, uint8_t v)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != v)
			return false;
	return true;
}

#define SIMNIC_ZERO(field) simnic_bytes_are(&(field), sizeof(field), 0)
#define SIMNIC_FULL(field) simnic_bytes_are(&(field), sizeof(field), 0xff)

/* Forgets a field of the compiled rule: the rule matches any value. */
#define SIMNIC_UNMATCH(rule, field) do { \
	memset(&(rule)->key.field, 0, sizeof((rule)->key.field)); \
	memset(&(rule)->mask.field, 0, sizeof((rule)->mask.field)); \
} while (0)

/*
 * ixgbe (82599, the X520's controller), flow director in perfect mode.
 *
 * ixgbe_flow_validate() and ixgbe_flow_create() try the ntuple,
 * ethertype, SYN, fdir, L2 tunnel and RSS parsers in turn; a rule no
 * parser takes fails with the error of the last one tried,
 * ixgbe_parse_rss_filter(): EINVAL, ACTION, "Not supported action." at
 * the first action, unless that action is RSS.  ixgbe_flow_create() then
 * overwrites whatever error there is at its "out" label: EINVAL (the
 * parser's), HANDLE, "Failed to create flow.".
 */

enum simnic_ixgbe_class {
	SIMNIC_IXGBE_FDIR = 1,
	SIMNIC_IXGBE_RSS,
};

/* A perfect filter per 1 << 10 entries: pballoc 64K (the default). */
#define SIMNIC_IXGBE_FDIR_ENTRIES	(1u << (10 + 1))

static int
simnic_ixgbe_refuse(const struct rte_flow_action *cause, bool create,
		    const char *message, struct rte_flow_error *error)
{
	if (create)
		return simnic_flow_error(error, EINVAL,
					 RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
					 "Failed to create flow.");
	return simnic_flow_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION,
				 cause, "%s", message);
}

/*
 * ixgbe_parse_fdir_act_attr(): QUEUE or DROP, then MARK or nothing, then
 * END.  COUNT, RSS after it, MARK first: refused.
 */
static bool
simnic_ixgbe_fdir_actions_ok(const struct rte_flow_action *first)
{
	const struct rte_flow_action *act;

	/* Checked first: past an END there is nothing to read. */
	if (first->type != RTE_FLOW_ACTION_TYPE_QUEUE &&
	    first->type != RTE_FLOW_ACTION_TYPE_DROP)
		return false;
	act = simnic_action_skip_void(first + 1);
	if (act->type == RTE_FLOW_ACTION_TYPE_MARK)
		act = simnic_action_skip_void(act + 1);
	return act->type == RTE_FLOW_ACTION_TYPE_END;
}

/* ixgbe_parse_fdir_filter_normal(), IPV4: a mask; src and dst only. */
static bool
simnic_ixgbe_ipv4_ok(const struct rte_flow_item *item)
{
	const struct rte_flow_item_ipv4 *m = item->mask;

	return item->last == NULL && m != NULL &&
	       m->hdr.version_ihl == 0 && m->hdr.type_of_service == 0 &&
	       m->hdr.total_length == 0 && m->hdr.packet_id == 0 &&
	       m->hdr.fragment_offset == 0 && m->hdr.time_to_live == 0 &&
	       m->hdr.next_proto_id == 0 && m->hdr.hdr_checksum == 0;
}

/*
 * ixgbe_parse_fdir_filter_normal(), TCP, UDP, SCTP: a mask on ports
 * only; on the 82599, SCTP ports cannot be matched at all (X550 only).
 * *ports: the spec's ports, which ixgbe_parse_fdir_filter() looks at.
 */
static bool
simnic_ixgbe_l4_ok(const struct rte_flow_item *item, bool *ports)
{
	const struct rte_flow_item_tcp *tcp = item->mask, *tcp_s = item->spec;
	const struct rte_flow_item_udp *udp = item->mask, *udp_s = item->spec;
	const struct rte_flow_item_sctp *sctp = item->mask;

	if (item->last != NULL)
		return false;
	switch (item->type) {
	case RTE_FLOW_ITEM_TYPE_TCP:
		if (tcp == NULL || tcp->hdr.sent_seq || tcp->hdr.recv_ack ||
		    tcp->hdr.data_off || tcp->hdr.tcp_flags ||
		    tcp->hdr.rx_win || tcp->hdr.cksum || tcp->hdr.tcp_urp)
			return false;
		*ports = tcp_s != NULL &&
			 (tcp_s->hdr.src_port || tcp_s->hdr.dst_port);
		return true;
	case RTE_FLOW_ITEM_TYPE_UDP:
		if (udp == NULL || udp->hdr.dgram_len || udp->hdr.dgram_cksum)
			return false;
		*ports = udp_s != NULL &&
			 (udp_s->hdr.src_port || udp_s->hdr.dst_port);
		return true;
	case RTE_FLOW_ITEM_TYPE_SCTP:
		return sctp == NULL ||
		       (!sctp->hdr.src_port && !sctp->hdr.dst_port &&
			!sctp->hdr.tag && !sctp->hdr.cksum);
	default:
		return false;
	}
}

/*
 * ixgbe_parse_fdir_filter_normal() in perfect mode, for our shapes.  ETH
 * without spec and mask only: a spec without a mask is refused, and any
 * mask, even all zeros, asks for MAC-VLAN mode, where only VLAN then END
 * may follow.  VLAN must be followed by END, IPV6 needs signature mode
 * (fuzzy items), ICMP is not a flow director type.  82599: a DROP rule
 * must not give ports (ixgbe_parse_fdir_filter()).
 */
static bool
simnic_ixgbe_fdir_pattern_ok(const struct rte_flow_item pattern[], bool drop)
{
	const struct rte_flow_item *item = simnic_item_skip_void(pattern);
	bool ports = false;

	if (item->type == RTE_FLOW_ITEM_TYPE_ETH) {
		if (item->spec != NULL || item->mask != NULL ||
		    item->last != NULL)
			return false;
		item = simnic_item_next(item);
		if (item->type != RTE_FLOW_ITEM_TYPE_IPV4)
			return false;
	}
	if (item->type == RTE_FLOW_ITEM_TYPE_IPV4) {
		if (!simnic_ixgbe_ipv4_ok(item))
			return false;
		item = simnic_item_next(item);
	}
	if (item->type != RTE_FLOW_ITEM_TYPE_END) {
		if (!simnic_ixgbe_l4_ok(item, &ports))
			return false;
		item = simnic_item_next(item);
	}
	return item->type == RTE_FLOW_ITEM_TYPE_END && !(drop && ports);
}

/* ixgbe_parse_rss_filter(): RSS alone, with queues; the pattern is unused. */
static int
simnic_ixgbe_check_rss(const struct rte_flow_attr *attr,
		       const struct rte_flow_action *first,
		       struct simnic_rule *rule, bool create,
		       struct rte_flow_error *error)
{
	const struct rte_flow_action_rss *rss = first->conf;
	const struct rte_flow_action *next = simnic_action_skip_void(first + 1);

	rule->profile_class = SIMNIC_IXGBE_RSS;
	if (rss->queue_num == 0)
		return simnic_ixgbe_refuse(first, create, "no valid queues",
					   error);
	if (next->type != RTE_FLOW_ACTION_TYPE_END)
		return simnic_ixgbe_refuse(next, create,
					   "Not supported action.", error);
	if (attr->priority > 0xffff) {
		if (create)
			return simnic_ixgbe_refuse(first, true, NULL, error);
		return simnic_flow_error(error, EINVAL,
					 RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY,
					 attr, "Error priority.");
	}
	return 0;
}

static int
simnic_ixgbe_check(const struct rte_eth_dev *dev __rte_unused,
		   const struct rte_flow_attr *attr,
		   const struct rte_flow_item pattern[],
		   const struct rte_flow_action actions[],
		   struct simnic_rule *rule, bool create,
		   struct rte_flow_error *error)
{
	const struct rte_flow_action *first = simnic_action_skip_void(actions);

	if (first->type == RTE_FLOW_ACTION_TYPE_RSS)
		return simnic_ixgbe_check_rss(attr, first, rule, create, error);
	rule->profile_class = SIMNIC_IXGBE_FDIR;
	/* ixgbe_parse_fdir_act_attr(): "Not support priority.", hidden. */
	if (attr->priority != 0 || !simnic_ixgbe_fdir_actions_ok(first) ||
	    !simnic_ixgbe_fdir_pattern_ok(pattern,
			first->type == RTE_FLOW_ACTION_TYPE_DROP))
		return simnic_ixgbe_refuse(first, create,
					   "Not supported action.", error);
	return 0;
}

/*
 * An RSS filter (ixgbe_config_rss_filter()) sets the port's RSS for every
 * frame the flow director leaves alone: it matches everything, after the
 * fdir rules.
 */
static void
simnic_ixgbe_widen(const struct rte_flow_item pattern[] __rte_unused,
		   struct simnic_rule *rule)
{
	if (rule->profile_class != SIMNIC_IXGBE_RSS)
		return;
	memset(&rule->key, 0, sizeof(rule->key));
	memset(&rule->mask, 0, sizeof(rule->mask));
	rule->priority = UINT32_MAX;
}

/* The fields of struct ixgbe_hw_fdir_mask that our shapes can set. */
static bool
simnic_ixgbe_same_mask(const struct simnic_flow_key *a,
		       const struct simnic_flow_key *b)
{
	return memcmp(a->ip_src, b->ip_src, 4) == 0 &&
	       memcmp(a->ip_dst, b->ip_dst, 4) == 0 &&
	       a->l4_src == b->l4_src && a->l4_dst == b->l4_dst;
}

/*
 * ixgbe_flow_create(): one global mask, set by the first fdir rule
 * (ixgbe_fdir_set_input_mask()); a rule with another one fails ("Only
 * support one global mask").  It is released when the last fdir rule
 * goes (ixgbe_flow_destroy(), ixgbe_flow_flush()).  One RSS filter at a
 * time (ixgbe_config_rss_filter()).  Both end at "out": "Failed to create
 * flow.".
 */
static int
simnic_ixgbe_admit(const struct simnic_private *priv,
		   const struct simnic_rule *rule,
		   struct rte_flow_error *error)
{
	const struct simnic_profile_state *st = &priv->profile_state;
	uint8_t cls = rule->profile_class;

	if (st->n_rules[cls] == 0 ||
	    (cls == SIMNIC_IXGBE_FDIR &&
	     simnic_ixgbe_same_mask(&st->mask, &rule->mask)))
		return 0;
	return simnic_ixgbe_refuse(NULL, true, NULL, error);
}

static void
simnic_ixgbe_account(struct simnic_private *priv,
		     const struct simnic_rule *rule, int delta)
{
	struct simnic_profile_state *st = &priv->profile_state;
	uint8_t cls = rule->profile_class;

	if (cls == SIMNIC_IXGBE_FDIR && delta > 0 && st->n_rules[cls] == 0)
		st->mask = rule->mask;
	st->n_rules[cls] += delta;
}

static const struct simnic_profile simnic_profile_ixgbe = {
	.name = "ixgbe",
	.max_rules = SIMNIC_IXGBE_FDIR_ENTRIES,
	.check = simnic_ixgbe_check,
	.widen = simnic_ixgbe_widen,
	.admit = simnic_ixgbe_admit,
	.account = simnic_ixgbe_account,
};

/*
 * i40e (X710/XL710), flow director.  i40e_flow_validate() matches the
 * pattern against its table, then i40e_flow_parse_fdir_filter() parses
 * the pattern, the actions and the attributes, in that order; create
 * runs the same validation first, so parse-time errors are the same.
 * A rule whose first action is RSS is an RSS configuration
 * (i40e_hash_parse()), not emulated: it stays a generic rule.
 */

/* Packet types (pctypes), each with its own input set. */
enum simnic_i40e_pctype {
	SIMNIC_I40E_L2 = 1,
	SIMNIC_I40E_IPV4_OTHER,
	SIMNIC_I40E_IPV4_TCP,
	SIMNIC_I40E_IPV4_UDP,
	SIMNIC_I40E_IPV4_SCTP,
	SIMNIC_I40E_IPV6_OTHER,
	SIMNIC_I40E_IPV6_TCP,
	SIMNIC_I40E_IPV6_UDP,
	SIMNIC_I40E_IPV6_SCTP,
	SIMNIC_I40E_IPV6_FRAG,
};

/* Input set fields (our own bits, after I40E_INSET_*). */
#define SIMNIC_INSET_DMAC	RTE_BIT64(0)
#define SIMNIC_INSET_SMAC	RTE_BIT64(1)
#define SIMNIC_INSET_ETYPE	RTE_BIT64(2)
#define SIMNIC_INSET_VLAN	RTE_BIT64(3)
#define SIMNIC_INSET_SRC	RTE_BIT64(4)
#define SIMNIC_INSET_DST	RTE_BIT64(5)
#define SIMNIC_INSET_TOS	RTE_BIT64(6)	/* IPv4 TOS, IPv6 TC */
#define SIMNIC_INSET_TTL	RTE_BIT64(7)	/* TTL, hop limit */
#define SIMNIC_INSET_PROTO	RTE_BIT64(8)
#define SIMNIC_INSET_SPORT	RTE_BIT64(9)
#define SIMNIC_INSET_DPORT	RTE_BIT64(10)
#define SIMNIC_INSET_L2		(SIMNIC_INSET_DMAC | SIMNIC_INSET_SMAC)
#define SIMNIC_INSET_L3		(SIMNIC_INSET_SRC | SIMNIC_INSET_DST | \
				 SIMNIC_INSET_TOS | SIMNIC_INSET_TTL | \
				 SIMNIC_INSET_PROTO)
#define SIMNIC_INSET_L4		(SIMNIC_INSET_SPORT | SIMNIC_INSET_DPORT)

/* I40E_FDIR_MAX_FILTER_NUM: guaranteed plus best-effort filters. */
#define SIMNIC_I40E_FDIR_ENTRIES	(1024u * 8)
/* I40E_IPV6_TC_MASK */
#define SIMNIC_I40E_IPV6_TC_MASK	(0xffu << 20)

/* What i40e_flow_parse_fdir_pattern() builds as it goes. */
struct simnic_i40e_parse {
	const struct rte_flow_item *item;
	struct rte_flow_error *error;
	uint64_t inset;
	uint8_t pctype;
	bool ipv6;
};

static int
simnic_i40e_error(struct simnic_i40e_parse *p, const char *message)
{
	return simnic_flow_error(p->error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM,
				 p->item, "%s", message);
}

/*
 * i40e_flow_validate(): the pattern must be one of i40e_supported_
 * patterns; for flow director and our items: ETH [VLAN] [IPV4|IPV6
 * [TCP|UDP|SCTP]].  No ICMP, ICMP6 or INTEGRITY.
 */
static bool
simnic_i40e_pattern_known(const struct rte_flow_item pattern[])
{
	const struct rte_flow_item *item = simnic_item_skip_void(pattern);

	if (item->type != RTE_FLOW_ITEM_TYPE_ETH)
		return false;
	item = simnic_item_next(item);
	if (item->type == RTE_FLOW_ITEM_TYPE_VLAN)
		item = simnic_item_next(item);
	if (item->type == RTE_FLOW_ITEM_TYPE_IPV4 ||
	    item->type == RTE_FLOW_ITEM_TYPE_IPV6)
		item = simnic_item_next(item);
	if (item->type == RTE_FLOW_ITEM_TYPE_TCP ||
	    item->type == RTE_FLOW_ITEM_TYPE_UDP ||
	    item->type == RTE_FLOW_ITEM_TYPE_SCTP)
		item = simnic_item_next(item);
	return item->type == RTE_FLOW_ITEM_TYPE_END;
}

/* An EtherType i40e_flow_parse_fdir_pattern() will not take (tpid 8100). */
static bool
simnic_i40e_bad_ethertype(rte_be16_t type)
{
	return type == RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	       type == RTE_BE16(RTE_ETHER_TYPE_IPV6) ||
	       type == RTE_BE16(RTE_ETHER_TYPE_VLAN);
}

static int
simnic_i40e_eth(struct simnic_i40e_parse *p)
{
	const struct rte_flow_item_eth *spec = p->item->spec;
	const struct rte_flow_item_eth *mask = p->item->mask;
	bool end = simnic_item_next(p->item)->type == RTE_FLOW_ITEM_TYPE_END;

	p->pctype = SIMNIC_I40E_L2;
	if (end && (spec == NULL || mask == NULL))
		return simnic_i40e_error(p, "NULL eth spec/mask.");
	if (spec == NULL || mask == NULL)
		return 0;
	/* Each MAC address fully or not at all. */
	if (SIMNIC_FULL(mask->hdr.dst_addr) && SIMNIC_ZERO(mask->hdr.src_addr))
		p->inset |= SIMNIC_INSET_DMAC;
	else if (SIMNIC_ZERO(mask->hdr.dst_addr) &&
		 SIMNIC_FULL(mask->hdr.src_addr))
		p->inset |= SIMNIC_INSET_SMAC;
	else if (SIMNIC_FULL(mask->hdr.dst_addr) &&
		 SIMNIC_FULL(mask->hdr.src_addr))
		p->inset |= SIMNIC_INSET_L2;
	else if (!SIMNIC_ZERO(mask->hdr.dst_addr) ||
		 !SIMNIC_ZERO(mask->hdr.src_addr))
		return simnic_i40e_error(p, "Invalid MAC_addr mask.");
	/* The type counts only when nothing follows ETH. */
	if (!end)
		return 0;
	if (mask->hdr.ether_type != RTE_BE16(0xffff))
		return simnic_i40e_error(p, "Invalid type mask.");
	if (simnic_i40e_bad_ethertype(spec->hdr.ether_type))
		return simnic_i40e_error(p, "Unsupported ether_type.");
	p->inset |= SIMNIC_INSET_ETYPE;
	return 0;
}

/* Any TCI mask is taken (a bad one sets an error nobody returns). */
static int
simnic_i40e_vlan(struct simnic_i40e_parse *p)
{
	const struct rte_flow_item_vlan *spec = p->item->spec;
	const struct rte_flow_item_vlan *mask = p->item->mask;

	p->pctype = SIMNIC_I40E_L2;
	if (spec == NULL || mask == NULL)
		return 0;
	p->inset |= SIMNIC_INSET_VLAN;
	if (mask->hdr.eth_proto == 0)
		return 0;
	if (mask->hdr.eth_proto != RTE_BE16(0xffff))
		return simnic_i40e_error(p, "Invalid inner_type mask.");
	if (spec->hdr.eth_proto == RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    spec->hdr.eth_proto == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return simnic_i40e_error(p, "Unsupported inner_type.");
	if (simnic_i40e_bad_ethertype(spec->hdr.eth_proto))
		return simnic_i40e_error(p, "Unsupported ether_type.");
	p->inset |= SIMNIC_INSET_ETYPE;
	return 0;
}

/* fragment_offset: not at all, or 0x3fff for unfragmented packets. */
static int
simnic_i40e_ipv4_frag(struct simnic_i40e_parse *p, rte_be16_t spec,
		      rte_be16_t mask)
{
	if (mask == 0)
		return spec != 0 ?
		       simnic_i40e_error(p, "Invalid fragment_offset") : 0;
	if (mask != RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG))
		return simnic_i40e_error(p,
			"Invalid IPv4 fragment_offset mask");
	/* The fragment rule (spec 8, last 0x2000) is a range: refused. */
	if (spec != 0)
		return simnic_i40e_error(p,
			"Invalid IPv4 fragment_offset rule");
	return 0;
}

static int
simnic_i40e_ipv4(struct simnic_i40e_parse *p)
{
	const struct rte_flow_item_ipv4 *spec = p->item->spec;
	const struct rte_flow_item_ipv4 *mask = p->item->mask;
	int ret;

	p->pctype = SIMNIC_I40E_IPV4_OTHER;
	/* "last": fragment_offset ranges only, which simnic refuses. */
	if (p->item->last != NULL)
		return simnic_i40e_error(p, "Not support range");
	if (spec == NULL || mask == NULL)
		return 0;
	if (mask->hdr.version_ihl || mask->hdr.total_length ||
	    mask->hdr.packet_id || mask->hdr.hdr_checksum)
		return simnic_i40e_error(p, "Invalid IPv4 mask.");
	if (mask->hdr.src_addr == UINT32_MAX)
		p->inset |= SIMNIC_INSET_SRC;
	if (mask->hdr.dst_addr == UINT32_MAX)
		p->inset |= SIMNIC_INSET_DST;
	if (mask->hdr.type_of_service == UINT8_MAX)
		p->inset |= SIMNIC_INSET_TOS;
	if (mask->hdr.time_to_live == UINT8_MAX)
		p->inset |= SIMNIC_INSET_TTL;
	if (mask->hdr.next_proto_id == UINT8_MAX)
		p->inset |= SIMNIC_INSET_PROTO;
	ret = simnic_i40e_ipv4_frag(p, spec->hdr.fragment_offset,
				    mask->hdr.fragment_offset);
	if (ret == 0 && (p->inset & SIMNIC_INSET_L2) &&
	    (p->inset & SIMNIC_INSET_L3))
		ret = simnic_i40e_error(p, "L2 and L3 input set are exclusive.");
	return ret;
}

static int
simnic_i40e_ipv6(struct simnic_i40e_parse *p)
{
	const struct rte_flow_item_ipv6 *spec = p->item->spec;
	const struct rte_flow_item_ipv6 *mask = p->item->mask;

	p->pctype = SIMNIC_I40E_IPV6_OTHER;
	p->ipv6 = true;
	if (spec == NULL || mask == NULL)
		return 0;
	if (mask->hdr.payload_len)
		return simnic_i40e_error(p, "Invalid IPv6 mask");
	if (SIMNIC_FULL(mask->hdr.src_addr))
		p->inset |= SIMNIC_INSET_SRC;
	if (SIMNIC_FULL(mask->hdr.dst_addr))
		p->inset |= SIMNIC_INSET_DST;
	if ((mask->hdr.vtc_flow & RTE_BE32(SIMNIC_I40E_IPV6_TC_MASK)) ==
	    RTE_BE32(SIMNIC_I40E_IPV6_TC_MASK))
		p->inset |= SIMNIC_INSET_TOS;
	if (mask->hdr.proto == UINT8_MAX)
		p->inset |= SIMNIC_INSET_PROTO;
	if (mask->hdr.hop_limits == UINT8_MAX)
		p->inset |= SIMNIC_INSET_TTL;
	/* The spec's proto alone, masked or not. */
	if (spec->hdr.proto == IPPROTO_FRAGMENT)
		p->pctype = SIMNIC_I40E_IPV6_FRAG;
	return 0;
}

static void
simnic_i40e_ports(struct simnic_i40e_parse *p, rte_be16_t src, rte_be16_t dst)
{
	if (src == UINT16_MAX)
		p->inset |= SIMNIC_INSET_SPORT;
	if (dst == UINT16_MAX)
		p->inset |= SIMNIC_INSET_DPORT;
}

static int
simnic_i40e_l4(struct simnic_i40e_parse *p)
{
	const struct rte_flow_item *item = p->item;
	const struct rte_flow_item_tcp *tcp = item->mask;
	const struct rte_flow_item_udp *udp = item->mask;
	const struct rte_flow_item_sctp *sctp = item->mask;
	uint8_t base = p->ipv6 ? SIMNIC_I40E_IPV6_OTHER :
				 SIMNIC_I40E_IPV4_OTHER;

	if (item->spec == NULL || item->mask == NULL) {
		/* The pctype still follows the L4 item. */
		tcp = NULL;
		udp = NULL;
		sctp = NULL;
	}
	switch (item->type) {
	case RTE_FLOW_ITEM_TYPE_TCP:
		p->pctype = base + 1;
		if (tcp == NULL)
			return 0;
		if (tcp->hdr.sent_seq || tcp->hdr.recv_ack ||
		    tcp->hdr.data_off || tcp->hdr.tcp_flags ||
		    tcp->hdr.rx_win || tcp->hdr.cksum || tcp->hdr.tcp_urp)
			return simnic_i40e_error(p, "Invalid TCP mask");
		simnic_i40e_ports(p, tcp->hdr.src_port, tcp->hdr.dst_port);
		break;
	case RTE_FLOW_ITEM_TYPE_UDP:
		p->pctype = base + 2;
		if (udp == NULL)
			return 0;
		if (udp->hdr.dgram_len || udp->hdr.dgram_cksum)
			return simnic_i40e_error(p, "Invalid UDP mask");
		simnic_i40e_ports(p, udp->hdr.src_port, udp->hdr.dst_port);
		break;
	default:
		p->pctype = base + 3;
		if (sctp == NULL)
			return 0;
		/* Sic: i40e says UDP for SCTP's checksum. */
		if (sctp->hdr.cksum)
			return simnic_i40e_error(p, "Invalid UDP mask");
		simnic_i40e_ports(p, sctp->hdr.src_port, sctp->hdr.dst_port);
		return 0;
	}
	if ((p->inset & SIMNIC_INSET_L2) && (p->inset & SIMNIC_INSET_L4))
		return simnic_i40e_error(p, "L2 and L4 input set are exclusive.");
	return 0;
}

/* i40e_flow_parse_fdir_pattern(), for our items. */
static int
simnic_i40e_check_pattern(struct simnic_i40e_parse *p,
			  const struct rte_flow_item pattern[])
{
	const struct rte_flow_item *item;
	int ret = 0;

	if (!simnic_i40e_pattern_known(pattern))
		return simnic_flow_error(p->error, EINVAL,
					 RTE_FLOW_ERROR_TYPE_ITEM, pattern,
					 "Unsupported pattern");
	for (item = simnic_item_skip_void(pattern);
	     item->type != RTE_FLOW_ITEM_TYPE_END && ret == 0;
	     item = simnic_item_next(item)) {
		p->item = item;
		if (item->last != NULL &&
		    item->type != RTE_FLOW_ITEM_TYPE_IPV4)
			return simnic_i40e_error(p, "Not support range");
		switch (item->type) {
		case RTE_FLOW_ITEM_TYPE_ETH:
			ret = simnic_i40e_eth(p);
			break;
		case RTE_FLOW_ITEM_TYPE_VLAN:
			ret = simnic_i40e_vlan(p);
			break;
		case RTE_FLOW_ITEM_TYPE_IPV4:
			ret = simnic_i40e_ipv4(p);
			break;
		case RTE_FLOW_ITEM_TYPE_IPV6:
			ret = simnic_i40e_ipv6(p);
			break;
		default:
			ret = simnic_i40e_l4(p);
			break;
		}
	}
	return ret;
}

static int
simnic_i40e_bad_action(struct rte_flow_error *error,
		       const struct rte_flow_action *act)
{
	return simnic_flow_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION,
				 act, "Invalid action.");
}

/*
 * i40e_flow_parse_fdir_action(): QUEUE, DROP, PASSTHRU or MARK; then
 * MARK, FLAG, RSS (after PASSTHRU or MARK only) or nothing; then END.
 * No COUNT.
 */
static int
simnic_i40e_check_actions(const struct rte_flow_action *first,
			  struct rte_flow_error *error)
{
	bool mark = first->type == RTE_FLOW_ACTION_TYPE_MARK;
	bool passthru = mark || first->type == RTE_FLOW_ACTION_TYPE_PASSTHRU;
	const struct rte_flow_action *act;

	/* Checked first: past an END there is nothing to read. */
	if (first->type != RTE_FLOW_ACTION_TYPE_QUEUE &&
	    first->type != RTE_FLOW_ACTION_TYPE_DROP && !passthru)
		return simnic_i40e_bad_action(error, first);
	act = simnic_action_skip_void(first + 1);
	switch (act->type) {
	case RTE_FLOW_ACTION_TYPE_END:
		return 0;
	case RTE_FLOW_ACTION_TYPE_MARK:
	case RTE_FLOW_ACTION_TYPE_FLAG:
		if (mark)
			return simnic_i40e_bad_action(error, act);
		break;
	case RTE_FLOW_ACTION_TYPE_RSS:
		if (!passthru)
			return simnic_i40e_bad_action(error, act);
		break;
	default:
		return simnic_i40e_bad_action(error, act);
	}
	act = simnic_action_skip_void(act + 1);
	if (act->type != RTE_FLOW_ACTION_TYPE_END)
		return simnic_i40e_bad_action(error, act);
	return 0;
}

static int
simnic_i40e_check(const struct rte_eth_dev *dev __rte_unused,
		  const struct rte_flow_attr *attr,
		  const struct rte_flow_item pattern[],
		  const struct rte_flow_action actions[],
		  struct simnic_rule *rule, bool create __rte_unused,
		  struct rte_flow_error *error)
{
	const struct rte_flow_action *first = simnic_action_skip_void(actions);
	struct simnic_i40e_parse p = { .error = error };
	int ret;

	if (first->type == RTE_FLOW_ACTION_TYPE_RSS)
		return 0;
	ret = simnic_i40e_check_pattern(&p, pattern);
	if (ret == 0)
		ret = simnic_i40e_check_actions(first, error);
	/* i40e_flow_parse_attr(), after pattern and actions. */
	if (ret == 0 && attr->priority != 0)
		ret = simnic_flow_error(error, EINVAL,
					RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY,
					attr, "Not support priority.");
	rule->profile_class = p.pctype;
	rule->profile_inset = p.inset;
	return ret;
}

/*
 * i40e_flow_parse_fdir_pattern() puts a field into the input set only
 * when its mask is full (an item without spec or mask: no field at all);
 * the others are left out of the match, silently: a /24 on an address
 * matches every address.  IPv6's traffic class counts, its flow label
 * not; ETH's type only alone (then it is in the set).
 */
static void
simnic_i40e_widen(const struct rte_flow_item pattern[] __rte_unused,
		  struct simnic_rule *rule)
{
	uint64_t inset = rule->profile_inset;

	if (rule->profile_class == SIMNIC_CLASS_NONE)
		return;
	if (!(inset & SIMNIC_INSET_DMAC))
		SIMNIC_UNMATCH(rule, eth_dst);
	if (!(inset & SIMNIC_INSET_SMAC))
		SIMNIC_UNMATCH(rule, eth_src);
	if (!(inset & SIMNIC_INSET_ETYPE)) {
		SIMNIC_UNMATCH(rule, eth_type);
		SIMNIC_UNMATCH(rule, vlan_inner_type);
	}
	if (!(inset & SIMNIC_INSET_VLAN))
		SIMNIC_UNMATCH(rule, vlan_tci);
	if (!(inset & SIMNIC_INSET_SRC))
		SIMNIC_UNMATCH(rule, ip_src);
	if (!(inset & SIMNIC_INSET_DST))
		SIMNIC_UNMATCH(rule, ip_dst);
	if (!(inset & SIMNIC_INSET_TOS))
		SIMNIC_UNMATCH(rule, ip_tos);
	rule->mask.ip6_vtc_flow &= (inset & SIMNIC_INSET_TOS) ?
		RTE_BE32(SIMNIC_I40E_IPV6_TC_MASK) : 0;
	rule->key.ip6_vtc_flow &= rule->mask.ip6_vtc_flow;
	if (!(inset & SIMNIC_INSET_TTL))
		SIMNIC_UNMATCH(rule, ip_ttl);
	if (!(inset & SIMNIC_INSET_PROTO))
		SIMNIC_UNMATCH(rule, ip_proto);
	if (!(inset & SIMNIC_INSET_SPORT))
		SIMNIC_UNMATCH(rule, l4_src);
	if (!(inset & SIMNIC_INSET_DPORT))
		SIMNIC_UNMATCH(rule, l4_dst);
}

/*
 * i40e_flow_add_del_fdir_filter() -> i40e_flow_set_fdir_inset(): the
 * first rule of a pctype sets its input set, and a rule of that pctype
 * with another one fails ("Conflict with the first rule's input set.",
 * logged only); i40e_flow_create() reports EINVAL, HANDLE, "Failed to
 * create flow.".  The set is free again when the pctype has no rule
 * left (flow_count[pctype], updated on add and delete; flush zeroes it).
 */
static int
simnic_i40e_admit(const struct simnic_private *priv,
		  const struct simnic_rule *rule,
		  struct rte_flow_error *error)
{
	const struct simnic_profile_state *st = &priv->profile_state;
	uint8_t cls = rule->profile_class;

	if (cls == SIMNIC_CLASS_NONE || st->n_rules[cls] == 0 ||
	    st->inset[cls] == rule->profile_inset)
		return 0;
	SIMNIC_LOG(DEBUG, "%s: Conflict with the first rule's input set.",
		   priv->name);
	return simnic_flow_error(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE,
				 NULL, "Failed to create flow.");
}

static void
simnic_i40e_account(struct simnic_private *priv,
		    const struct simnic_rule *rule, int delta)
{
	struct simnic_profile_state *st = &priv->profile_state;
	uint8_t cls = rule->profile_class;

	if (cls == SIMNIC_CLASS_NONE)
		return;
	if (delta > 0 && st->n_rules[cls] == 0)
		st->inset[cls] = rule->profile_inset;
	st->n_rules[cls] += delta;
}

/* i40e_flow_create(): i40e_fdir_entry_pool_get() finds no free entry. */
static const struct simnic_profile simnic_profile_i40e = {
	.name = "i40e",
	.max_rules = SIMNIC_I40E_FDIR_ENTRIES,
	.full_errno = ENOBUFS,
	.full_msg = "Fdir space full",
	.check = simnic_i40e_check,
	.widen = simnic_i40e_widen,
	.admit = simnic_i40e_admit,
	.account = simnic_i40e_account,
};

/*
 * mlx5 (ConnectX, DV flow engine): flow_dv_validate() takes MARK, COUNT
 * and partial masks alike, but an ingress rule needs a fate action.
 * Rules live in host memory the NIC reads (ICM): no fixed table size;
 * simnic emulates 65536.
 */

/* MLX5_FLOW_MARK_MAX, with the default (legacy) metadata mode's mask. */
#define SIMNIC_MLX5_MARK_MAX	0xfffff0u
#define SIMNIC_MLX5_RULES	65536u

/* flow_dv_validate_action_mark() and _flag(). */
static int
simnic_mlx5_check_action(const struct rte_flow_action *act, bool *mark,
			 bool *flag, struct rte_flow_error *error)
{
	const struct rte_flow_action_mark *conf = act->conf;

	switch (act->type) {
	case RTE_FLOW_ACTION_TYPE_MARK:
		if (conf->id >= SIMNIC_MLX5_MARK_MAX)
			return simnic_flow_error(error, EINVAL,
				RTE_FLOW_ERROR_TYPE_ACTION_CONF, &conf->id,
				"mark id exceeds the limit");
		if (*flag)
			return simnic_flow_error(error, EINVAL,
				RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				"can't flag and mark in same flow");
		*mark = true;
		return 0;
	case RTE_FLOW_ACTION_TYPE_FLAG:
		if (*mark)
			return simnic_flow_error(error, EINVAL,
				RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				"can't mark and flag in same flow");
		*flag = true;
		return 0;
	case RTE_FLOW_ACTION_TYPE_PASSTHRU:
		/* Not a case of flow_dv_validate()'s action switch. */
		return simnic_flow_error(error, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, act,
			"action not supported");
	default:
		return 0;
	}
}

static int
simnic_mlx5_check(const struct rte_eth_dev *dev __rte_unused,
		  const struct rte_flow_attr *attr,
		  const struct rte_flow_item pattern[] __rte_unused,
		  const struct rte_flow_action actions[],
		  struct simnic_rule *rule, bool create __rte_unused,
		  struct rte_flow_error *error)
{
	const struct rte_flow_action *act;
	bool mark = false, flag = false;
	int ret;

	for (act = simnic_action_skip_void(actions);
	     act->type != RTE_FLOW_ACTION_TYPE_END;
	     act = simnic_action_skip_void(act + 1)) {
		ret = simnic_mlx5_check_action(act, &mark, &flag, error);
		if (ret != 0)
			return ret;
	}
	/* flow_dv_validate(), after its action loop: act is at END. */
	if (attr->ingress && rule->fate == SIMNIC_FATE_DEFAULT)
		return simnic_flow_error(error, EINVAL,
					 RTE_FLOW_ERROR_TYPE_ACTION, act,
					 "no fate action is found");
	return 0;
}

static const struct simnic_profile simnic_profile_mlx5 = {
	.name = "mlx5",
	.max_rules = SIMNIC_MLX5_RULES,
	.check = simnic_mlx5_check,
};

static const struct simnic_profile *const simnic_profiles[] = {
	&simnic_profile_generic,
	&simnic_profile_ixgbe,
	&simnic_profile_i40e,
	&simnic_profile_mlx5,
};

const struct simnic_profile *
simnic_profile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_profiles); i++)
		if (strcmp(simnic_profiles[i]->name, name) == 0)
			return simnic_profiles[i];
	return NULL;
}

/* "generic, ixgbe, i40e or mlx5", for error messages. */
void
simnic_profile_names(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i, n = RTE_DIM(simnic_profiles);

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s",
				i == 0 ? "" : i + 1 < n ? ", " : " or ",
				simnic_profiles[i]->name);
}
