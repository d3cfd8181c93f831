/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Header rewrites of transfer rules (OF_*_VLAN, SET_MAC_*, SET_IPV4_*,
 * SET_IPV6_*, SET_TP_*, SET_TTL, DEC_TTL), applied to a frame in the
 * order of the rule's actions, before the switch forwards it.
 *
 * Checksums are updated, never computed afresh (RFC 1624): a frame whose
 * checksum was wrong keeps it wrong by the same amount, as it would after
 * a software switch (Open vSwitch's packet_set_*() functions) rewrote it.
 * IPv4's header checksum follows its addresses and TTL; TCP's, UDP's and
 * ICMPv6's follow the addresses of their pseudo-header and their ports.
 * A UDP-over-IPv4 checksum of 0 (none) stays 0, and one that an update
 * makes 0 becomes 0xffff, which means the same.  L4 headers are those the
 * key extraction reads: not in later fragments.
 */

#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>

#include "simnic.h"

/* Where a frame's headers are, read as simnic_flow_key_extract reads. */
struct simnic_hdrs {
	uint8_t *p;		/* the frame's first byte */
	uint32_t len;		/* bytes in the first segment */
	uint32_t vlan;		/* the outer tag's TPID, 0 without tag */
	uint32_t l3;		/* the IP header, 0 if not IP */
	uint8_t l3_type;	/* SIMNIC_L3_* */
	uint32_t l4;		/* the L4 header, 0 if none is parsed */
	uint8_t l4_proto;
};

static inline uint16_t
simnic_get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline void
simnic_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static bool
simnic_tpid(uint16_t type)
{
	return type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ ||
	       type == RTE_ETHER_TYPE_QINQ1;
}

static void
simnic_locate_l4(struct simnic_hdrs *h, uint32_t off, uint8_t proto)
{
	uint32_t need;

	switch (proto) {
	case IPPROTO_TCP:
		need = sizeof(struct rte_tcp_hdr);
		break;
	case IPPROTO_UDP:
		need = sizeof(struct rte_udp_hdr);
		break;
	case IPPROTO_ICMPV6:
		need = 4;
		break;
	default:
		return;
	}
	if (h->len >= off + need) {
		h->l4 = off;
		h->l4_proto = proto;
	}
}

static void
simnic_locate_ipv4(struct simnic_hdrs *h, uint32_t off)
{
	const uint8_t *ip = h->p + off;
	uint32_t ihl;

	if (h->len < off + sizeof(struct rte_ipv4_hdr) || (ip[0] >> 4) != 4)
		return;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	if (ihl < sizeof(struct rte_ipv4_hdr) || h->len < off + ihl)
		return;
	h->l3 = off;
	h->l3_type = SIMNIC_L3_IPV4;
	/* Later fragments carry no L4 header. */
	if ((simnic_get16(ip + 6) & RTE_IPV4_HDR_OFFSET_MASK) == 0)
		simnic_locate_l4(h, off + ihl, ip[9]);
}

static void
simnic_locate_ipv6(struct simnic_hdrs *h, uint32_t off)
{
	const uint8_t *ip = h->p + off;
	uint32_t l4 = off + sizeof(struct rte_ipv6_hdr);
	uint8_t proto;

	if (h->len < l4 || (ip[0] >> 4) != 6)
		return;
	h->l3 = off;
	h->l3_type = SIMNIC_L3_IPV6;
	proto = ip[6];
	if (proto == IPPROTO_FRAGMENT) {
		const uint8_t *frag = h->p + l4;

		if (h->len < l4 + 8 ||
		    (simnic_get16(frag + 2) & 0xfff8) != 0)
			return;
		proto = frag[0];
		l4 += 8;
	}
	simnic_locate_l4(h, l4, proto);
}

static void
simnic_locate(struct rte_mbuf *m, struct simnic_hdrs *h)
{
	uint32_t off = RTE_ETHER_HDR_LEN;
	uint16_t type;
	int tags;

	memset(h, 0, sizeof(*h));
	h->p = rte_pktmbuf_mtod(m, uint8_t *);
	h->len = m->data_len;
	if (h->len < RTE_ETHER_HDR_LEN)
		return;
	type = simnic_get16(h->p + 12);
	if (simnic_tpid(type) && h->len >= off + 4)
		h->vlan = type;
	for (tags = 0; tags < 2 && simnic_tpid(type); tags++) {
		if (h->len < off + 4)
			return;
		type = simnic_get16(h->p + off + 2);
		off += 4;
	}
	if (type == RTE_ETHER_TYPE_IPV4)
		simnic_locate_ipv4(h, off);
	else if (type == RTE_ETHER_TYPE_IPV6)
		simnic_locate_ipv6(h, off);
}

/*
 * Checksum at 'csum' after the 'len' bytes (even) at 'field' change
 * from 'old' to 'new' (RFC 1624, eqn. 3).
 */
static uint16_t
simnic_csum_update(uint16_t csum, const uint8_t *old, const uint8_t *new,
		   size_t len)
{
	uint32_t sum = (uint16_t)~csum;
	size_t i;

	for (i = 0; i < len; i += 2) {
		sum += (uint16_t)~simnic_get16(old + i);
		sum += simnic_get16(new + i);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The L4 checksum's offset in its header, 0 for none. */
static uint32_t
simnic_l4_csum_off(const struct simnic_hdrs *h)
{
	switch (h->l4_proto) {
	case IPPROTO_TCP:
		return offsetof(struct rte_tcp_hdr, cksum);
	case IPPROTO_UDP:
		return offsetof(struct rte_udp_hdr, dgram_cksum);
	case IPPROTO_ICMPV6:
		return 2;
	default:
		return 0;
	}
}

/*
 * Updates the L4 checksum for a change of 'len' bytes of what it covers,
 * the pseudo-header's (pseudo) or the L4 header's own; ICMP (v4) has no
 * pseudo-header.
 */
static void
simnic_l4_csum_update(const struct simnic_hdrs *h, const uint8_t *old,
		      const uint8_t *new, size_t len, bool pseudo)
{
	uint32_t at = simnic_l4_csum_off(h);
	uint8_t *csum;
	uint16_t v;

	if (h->l4 == 0 || at == 0 ||
	    (pseudo && h->l4_proto == IPPROTO_ICMPV6 &&
	     h->l3_type != SIMNIC_L3_IPV6))
		return;
	csum = h->p + h->l4 + at;
	v = simnic_get16(csum);
	if (h->l4_proto == IPPROTO_UDP && h->l3_type == SIMNIC_L3_IPV4 &&
	    v == 0)
		return;		/* no checksum */
	v = simnic_csum_update(v, old, new, len);
	if (h->l4_proto == IPPROTO_UDP && v == 0)
		v = 0xffff;
	simnic_put16(csum, v);
}

/* Writes 'len' bytes of an IP header at 'off', checksums following. */
static void
simnic_set_l3_field(const struct simnic_hdrs *h, uint32_t off,
		    const uint8_t *value, size_t len, bool pseudo)
{
	uint8_t *field = h->p + h->l3 + off;
	uint8_t old[16];

	memcpy(old, field, len);
	memcpy(field, value, len);
	if (h->l3_type == SIMNIC_L3_IPV4) {
		uint8_t *csum = h->p + h->l3 +
			offsetof(struct rte_ipv4_hdr, hdr_checksum);

		simnic_put16(csum, simnic_csum_update(simnic_get16(csum), old,
						      value, len));
	}
	if (pseudo)
		simnic_l4_csum_update(h, old, value, len, true);
}

/* TTL and hop limit: IPv4's TTL shares a checksummed word with proto. */
static void
simnic_set_ttl(const struct simnic_hdrs *h, uint8_t ttl)
{
	uint8_t word[2];

	if (h->l3_type == SIMNIC_L3_IPV6) {
		h->p[h->l3 + offsetof(struct rte_ipv6_hdr, hop_limits)] = ttl;
		return;
	}
	word[0] = ttl;
	word[1] = h->p[h->l3 + offsetof(struct rte_ipv4_hdr, next_proto_id)];
	simnic_set_l3_field(h, offsetof(struct rte_ipv4_hdr, time_to_live),
			    word, 2, false);
}

static uint8_t
simnic_get_ttl(const struct simnic_hdrs *h)
{
	return h->p[h->l3 + (h->l3_type == SIMNIC_L3_IPV6 ?
		    offsetof(struct rte_ipv6_hdr, hop_limits) :
		    offsetof(struct rte_ipv4_hdr, time_to_live))];
}

static void
simnic_set_tp(const struct simnic_hdrs *h, uint32_t off, const uint8_t *port)
{
	uint8_t *field = h->p + h->l4 + off;
	uint8_t old[2];

	if (h->l4 == 0 || (h->l4_proto != IPPROTO_TCP &&
			   h->l4_proto != IPPROTO_UDP))
		return;
	memcpy(old, field, 2);
	memcpy(field, port, 2);
	simnic_l4_csum_update(h, old, port, 2, false);
}

/* OF_PUSH_VLAN: the new tag takes the outer tag's TCI, as OpenFlow's. */
static int
simnic_push_vlan(struct rte_mbuf *m, const struct simnic_hdrs *h,
		 const uint8_t *tpid)
{
	uint8_t tci[2] = { 0, 0 };
	uint8_t *p;

	if (h->vlan != 0)
		memcpy(tci, h->p + RTE_ETHER_HDR_LEN, 2);
	p = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_vlan_hdr));
	if (p == NULL)
		return -1;
	memmove(p, p + sizeof(struct rte_vlan_hdr), 2 * RTE_ETHER_ADDR_LEN);
	memcpy(p + 2 * RTE_ETHER_ADDR_LEN, tpid, 2);
	memcpy(p + 2 * RTE_ETHER_ADDR_LEN + 2, tci, 2);
	return 0;
}

static void
simnic_pop_vlan(struct rte_mbuf *m, const struct simnic_hdrs *h)
{
	if (h->vlan == 0)
		return;
	memmove(h->p + sizeof(struct rte_vlan_hdr), h->p,
		2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(m, sizeof(struct rte_vlan_hdr));
}

/* OF_SET_VLAN_VID and _PCP: the bits of the outer tag's TCI in 'mask'. */
static void
simnic_set_tci(const struct simnic_hdrs *h, uint16_t bits, uint16_t mask)
{
	uint8_t *tci = h->p + RTE_ETHER_HDR_LEN;

	if (h->vlan != 0)
		simnic_put16(tci, (simnic_get16(tci) & ~mask) | (bits & mask));
}

static int
simnic_modify_one(struct rte_mbuf *m, const struct simnic_modify *mod)
{
	const uint8_t *v = mod->value;
	struct simnic_hdrs h;

	simnic_locate(m, &h);
	switch (mod->op) {
	case SIMNIC_MOD_POP_VLAN:
		simnic_pop_vlan(m, &h);
		break;
	case SIMNIC_MOD_PUSH_VLAN:
		return simnic_push_vlan(m, &h, v);
	case SIMNIC_MOD_SET_VLAN_VID:
		simnic_set_tci(&h, simnic_get16(v), RTE_VLAN_ID_MASK);
		break;
	case SIMNIC_MOD_SET_VLAN_PCP:
		simnic_set_tci(&h, (uint16_t)(v[0] << 13), 0xe000);
		break;
	case SIMNIC_MOD_SET_MAC_SRC:
	case SIMNIC_MOD_SET_MAC_DST:
		if (h.len >= RTE_ETHER_HDR_LEN)
			memcpy(h.p + (mod->op == SIMNIC_MOD_SET_MAC_SRC ?
				      RTE_ETHER_ADDR_LEN : 0),
			       v, RTE_ETHER_ADDR_LEN);
		break;
	case SIMNIC_MOD_SET_IPV4_SRC:
	case SIMNIC_MOD_SET_IPV4_DST:
		if (h.l3_type == SIMNIC_L3_IPV4)
			simnic_set_l3_field(&h, mod->op ==
				SIMNIC_MOD_SET_IPV4_SRC ?
				offsetof(struct rte_ipv4_hdr, src_addr) :
				offsetof(struct rte_ipv4_hdr, dst_addr),
				v, 4, true);
		break;
	case SIMNIC_MOD_SET_IPV6_SRC:
	case SIMNIC_MOD_SET_IPV6_DST:
		if (h.l3_type == SIMNIC_L3_IPV6)
			simnic_set_l3_field(&h, mod->op ==
				SIMNIC_MOD_SET_IPV6_SRC ?
				offsetof(struct rte_ipv6_hdr, src_addr) :
				offsetof(struct rte_ipv6_hdr, dst_addr),
				v, 16, true);
		break;
	case SIMNIC_MOD_SET_TP_SRC:
		simnic_set_tp(&h, 0, v);
		break;
	case SIMNIC_MOD_SET_TP_DST:
		simnic_set_tp(&h, 2, v);
		break;
	case SIMNIC_MOD_SET_TTL:
		if (h.l3 != 0)
			simnic_set_ttl(&h, v[0]);
		break;
	case SIMNIC_MOD_DEC_TTL:
		if (h.l3 != 0 && simnic_get_ttl(&h) > 0)
			simnic_set_ttl(&h, (uint8_t)(simnic_get_ttl(&h) - 1));
		break;
	}
	return 0;
}

/*
 * Rewrites the frame at *mp as 'rule' says; -1 when it cannot (no memory
 * for a copy, no headroom for a tag), and the frame must be dropped.  A
 * frame whose data others share (an indirect mbuf, or one with more than
 * one reference: the sender may still read it) is copied first, and the
 * copy takes its place: a NIC never writes into the memory it sent from.
 */
int
simnic_modify_apply(struct rte_mbuf **mp, const struct simnic_rule *rule)
{
	struct rte_mbuf *m = *mp, *copy;
	unsigned int i;

	if (rule->n_mods == 0)
		return 0;
	if (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) > 1) {
		copy = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (copy == NULL)
			return -1;
		rte_pktmbuf_free(m);
		*mp = m = copy;
	}
	for (i = 0; i < rule->n_mods; i++)
		if (simnic_modify_one(m, &rule->mods[i]) != 0)
			return -1;
	return 0;
}
