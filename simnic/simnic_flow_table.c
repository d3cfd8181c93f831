/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * The lookup engine: tuple space search over struct simnic_flow_key.
 *
 * Each rule is compiled into (mask, key) with key == key & mask.  Rules that
 * share a mask live in one subtable: a hash table keyed by the masked key.
 * A lookup masks the packet's key once per subtable and probes that
 * subtable's hash, so its cost grows with the number of distinct masks,
 * not with the number of rules.
 *
 * Priority: the rule with the lowest numeric priority wins.
 * Tie rule: among matching rules of equal priority, the one created first
 * (smallest seq) wins.  (priority, seq) orders all rules: a lookup can
 * also ask for the best match below a given rule, which is how the Rx
 * path walks on past a PASSTHRU rule.
 *
 * Rules with the same mask and key share one entry, whose list is kept
 * sorted by (priority, seq) so that its head is the entry's best rule.
 * Subtables are kept sorted by the lowest priority of their rules, so a
 * lookup stops as soon as no later subtable can beat the match it holds.
 *
 * Nothing here locks: lookups run with the port's flow_lock held for
 * reading, changes with it held for writing (see simnic.h).  Memory comes
 * from libc rather than rte_malloc: the table is private to the process and
 * touched only here, and libc allocations are visible to AddressSanitizer.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_hash_crc.h>
#include <rte_ip.h>

#include "simnic.h"

/* Word-wise masking needs whole words and no padding bytes in keys. */
_Static_assert(sizeof(struct simnic_flow_key) % sizeof(uint64_t) == 0,
	       "flow key size is not a multiple of 8");
_Static_assert(offsetof(struct simnic_flow_key, in_port) + 2 ==
	       sizeof(struct simnic_flow_key), "flow key has padding");

#define SIMNIC_SUBTABLE_MIN_BUCKETS	16
#define SIMNIC_HASH_SEED		0x5e1f10u

struct simnic_subtable;

struct simnic_flow_entry {
	struct simnic_flow_entry *next;	/* hash chain */
	uint32_t hash;
	struct simnic_flow_key key;
	struct simnic_subtable *subtable;
	struct simnic_rule *rules;	/* sorted, head is the best */
};

struct simnic_subtable {
	struct simnic_flow_key mask;
	uint32_t min_priority;
	uint32_t n_at_min_priority;	/* rules with min_priority */
	uint32_t n_rules;
	uint32_t n_entries;
	uint32_t bucket_mask;		/* number of buckets - 1 */
	struct simnic_flow_entry **buckets;
};

struct simnic_flow_table {
	uint32_t max_masks;
	uint32_t n_subtables;
	struct simnic_subtable **subtables;	/* sorted by min_priority */
};

/* Key helpers: keys are handled as arrays of 64-bit words. */

static inline uint64_t
simnic_key_word(const struct simnic_flow_key *k, unsigned int i)
{
	uint64_t w;

	/* memcpy keeps strict aliasing happy; it compiles to one load. */
	memcpy(&w, (const uint8_t *)k + i * sizeof(w), sizeof(w));
	return w;
}

static inline void
simnic_key_set_word(struct simnic_flow_key *k, unsigned int i, uint64_t w)
{
	memcpy((uint8_t *)k + i * sizeof(w), &w, sizeof(w));
}

static inline void
simnic_key_and(struct simnic_flow_key *dst, const struct simnic_flow_key *a,
	       const struct simnic_flow_key *mask)
{
	unsigned int i;

	for (i = 0; i < SIMNIC_KEY_WORDS; i++)
		simnic_key_set_word(dst, i, simnic_key_word(a, i) &
				    simnic_key_word(mask, i));
}

static inline bool
simnic_key_equal(const struct simnic_flow_key *a,
		 const struct simnic_flow_key *b)
{
	unsigned int i;

	for (i = 0; i < SIMNIC_KEY_WORDS; i++)
		if (simnic_key_word(a, i) != simnic_key_word(b, i))
			return false;
	return true;
}

static inline uint32_t
simnic_key_hash(const struct simnic_flow_key *k)
{
	return rte_hash_crc(k, sizeof(*k), SIMNIC_HASH_SEED);
}

/* True if rule a should be applied rather than rule b (b may be NULL). */
static inline bool
simnic_rule_beats(const struct simnic_rule *a, const struct simnic_rule *b)
{
	if (b == NULL)
		return true;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->seq < b->seq;
}

/* Packet key extraction. */

static inline rte_be16_t
simnic_read16(const uint8_t *p)
{
	rte_be16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline bool
simnic_is_vlan_tpid(rte_be16_t type)
{
	return type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
	       type == RTE_BE16(RTE_ETHER_TYPE_QINQ) ||
	       type == RTE_BE16(RTE_ETHER_TYPE_QINQ1);
}

static void
simnic_extract_l4(struct simnic_flow_key *key, const uint8_t *p, uint32_t len,
		  uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		if (len < sizeof(struct rte_tcp_hdr))
			return;
		key->l4_src = simnic_read16(p);
		key->l4_dst = simnic_read16(p + 2);
		key->tcp_data_off = p[offsetof(struct rte_tcp_hdr, data_off)];
		key->tcp_flags = p[offsetof(struct rte_tcp_hdr, tcp_flags)];
		break;
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		/* Both start with the two ports; SCTP's header is longer. */
		if (len < (proto == IPPROTO_UDP ? sizeof(struct rte_udp_hdr) :
			   sizeof(struct rte_sctp_hdr)))
			return;
		key->l4_src = simnic_read16(p);
		key->l4_dst = simnic_read16(p + 2);
		break;
	case IPPROTO_ICMP:
		if (key->l3 != SIMNIC_L3_IPV4 || len < 4)
			return;
		key->icmp_type = p[0];
		key->icmp_code = p[1];
		break;
	case IPPROTO_ICMPV6:
		if (key->l3 != SIMNIC_L3_IPV6 || len < 4)
			return;
		key->icmp_type = p[0];
		key->icmp_code = p[1];
		break;
	default:
		return;
	}
	key->l4 = proto;
}

/*
 * Integrity flags (SIMNIC_KEY_F_L3_OK, _L4_OK, _L3_LEN_OK), which the
 * INTEGRITY item matches.  They exist so that a rule can stay off frames
 * whose headers Open vSwitch's own extraction (miniflow_extract) would
 * not read: OVS zeroes the L3 fields of an IP packet whose lengths do not
 * add up, and the L4 fields of an L4 header that does not fit, while the
 * key fields above are read from the header bytes whatever the lengths
 * say.  So every check here is at least as strict as OVS's: "ok" never
 * holds for a frame that OVS would find malformed.  Lengths are checked,
 * checksums are not (a real NIC may also require a good checksum, which
 * is only stricter).
 */

/* The ICMP and ICMPv6 headers: 8 bytes each, as OVS wants them. */
#define SIMNIC_ICMP_HDR_LEN	8

/*
 * Whether the L4 header at p fits in l4_len, the L4 length that the IP
 * header gives (never more than the bytes the frame holds at p).
 */
static bool
simnic_l4_hdr_fits(const uint8_t *p, uint32_t l4_len, uint8_t proto,
		   uint8_t l3)
{
	uint32_t doff;

	switch (proto) {
	case IPPROTO_TCP:
		if (l4_len < sizeof(struct rte_tcp_hdr))
			return false;
		/* The options too: OVS reads none past data offset * 4. */
		doff = (p[offsetof(struct rte_tcp_hdr, data_off)] >> 4) * 4;
		return doff >= sizeof(struct rte_tcp_hdr) && doff <= l4_len;
	case IPPROTO_UDP:
		return l4_len >= sizeof(struct rte_udp_hdr);
	case IPPROTO_SCTP:
		return l4_len >= sizeof(struct rte_sctp_hdr);
	case IPPROTO_ICMP:
		return l3 == SIMNIC_L3_IPV4 && l4_len >= SIMNIC_ICMP_HDR_LEN;
	case IPPROTO_ICMPV6:
		return l3 == SIMNIC_L3_IPV6 && l4_len >= SIMNIC_ICMP_HDR_LEN;
	default:
		/* No header simnic reads: nothing it could vouch for. */
		return false;
	}
}

/*
 * IPv4 whose version and ihl simnic_extract_ipv4() accepted (ihl in
 * [20, len]); len counts the bytes after the L2 header(s), padding
 * included: total_length, not len, bounds the datagram.
 */
static void
simnic_integrity_ipv4(struct simnic_flow_key *key, const uint8_t *p,
		      uint32_t len, uint32_t ihl)
{
	uint32_t total = rte_be_to_cpu_16(simnic_read16(p +
			offsetof(struct rte_ipv4_hdr, total_length)));

	if (total > len)
		return;
	key->flags |= SIMNIC_KEY_F_L3_LEN_OK;
	if (total < ihl)
		return;
	key->flags |= SIMNIC_KEY_F_L3_OK;
	/* A later fragment has no L4 header to check. */
	if ((rte_be_to_cpu_16(key->ip4_frag) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return;
	if (simnic_l4_hdr_fits(p + ihl, total - ihl, key->ip_proto,
			       SIMNIC_L3_IPV4))
		key->flags |= SIMNIC_KEY_F_L4_OK;
}

/*
 * IPv6 whose fixed header simnic_extract_ipv6() accepted; len as above.
 * The L4 header is looked for where simnic_extract_ipv6() looks: right
 * after the fixed header, or after one fragment header (first fragments
 * only).
 */
static void
simnic_integrity_ipv6(struct simnic_flow_key *key, const uint8_t *p,
		      uint32_t len)
{
	const uint32_t hlen = sizeof(struct rte_ipv6_hdr);
	const uint32_t flen = sizeof(struct rte_ipv6_fragment_ext);
	uint32_t plen = rte_be_to_cpu_16(simnic_read16(p +
			offsetof(struct rte_ipv6_hdr, payload_len)));
	uint16_t frag_data;

	if (plen > len - hlen)
		return;
	key->flags |= SIMNIC_KEY_F_L3_OK | SIMNIC_KEY_F_L3_LEN_OK;
	if (key->ip_proto != IPPROTO_FRAGMENT) {
		if (simnic_l4_hdr_fits(p + hlen, plen, key->ip_proto,
				       SIMNIC_L3_IPV6))
			key->flags |= SIMNIC_KEY_F_L4_OK;
		return;
	}
	if (plen < flen)
		return;
	frag_data = rte_be_to_cpu_16(simnic_read16(p + hlen +
			offsetof(struct rte_ipv6_fragment_ext, frag_data)));
	if ((frag_data & RTE_IPV6_EHDR_FO_MASK) == 0 &&
	    simnic_l4_hdr_fits(p + hlen + flen, plen - flen, p[hlen],
			       SIMNIC_L3_IPV6))
		key->flags |= SIMNIC_KEY_F_L4_OK;
}

static void
simnic_extract_ipv4(struct simnic_flow_key *key, const uint8_t *p,
		    uint32_t len)
{
	uint32_t ihl;

	if (len < sizeof(struct rte_ipv4_hdr) || (p[0] >> 4) != 4)
		return;
	ihl = (p[0] & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (ihl < sizeof(struct rte_ipv4_hdr) || ihl > len)
		return;

	key->l3 = SIMNIC_L3_IPV4;
	key->ip_tos = p[offsetof(struct rte_ipv4_hdr, type_of_service)];
	key->ip4_frag = simnic_read16(p + offsetof(struct rte_ipv4_hdr,
						   fragment_offset));
	key->ip_ttl = p[offsetof(struct rte_ipv4_hdr, time_to_live)];
	key->ip_proto = p[offsetof(struct rte_ipv4_hdr, next_proto_id)];
	memcpy(key->ip_src, p + offsetof(struct rte_ipv4_hdr, src_addr), 4);
	memcpy(key->ip_dst, p + offsetof(struct rte_ipv4_hdr, dst_addr), 4);
	simnic_integrity_ipv4(key, p, len, ihl);

	/* Only a first fragment (or a whole datagram) has an L4 header. */
	if ((rte_be_to_cpu_16(key->ip4_frag) & RTE_IPV4_HDR_OFFSET_MASK) == 0)
		simnic_extract_l4(key, p + ihl, len - ihl, key->ip_proto);
}

static void
simnic_extract_ipv6(struct simnic_flow_key *key, const uint8_t *p,
		    uint32_t len)
{
	const uint32_t hlen = sizeof(struct rte_ipv6_hdr);
	const uint32_t flen = sizeof(struct rte_ipv6_fragment_ext);
	uint16_t frag_data;

	if (len < hlen || (p[0] >> 4) != 6)
		return;

	key->l3 = SIMNIC_L3_IPV6;
	memcpy(&key->ip6_vtc_flow, p, sizeof(key->ip6_vtc_flow));
	key->ip_proto = p[offsetof(struct rte_ipv6_hdr, proto)];
	key->ip_ttl = p[offsetof(struct rte_ipv6_hdr, hop_limits)];
	memcpy(key->ip_src, p + offsetof(struct rte_ipv6_hdr, src_addr), 16);
	memcpy(key->ip_dst, p + offsetof(struct rte_ipv6_hdr, dst_addr), 16);
	simnic_integrity_ipv6(key, p, len);

	/*
	 * A fragment header directly after the fixed header is the only
	 * extension header looked through; other chains leave L4 unparsed.
	 */
	if (key->ip_proto != IPPROTO_FRAGMENT) {
		simnic_extract_l4(key, p + hlen, len - hlen, key->ip_proto);
		return;
	}
	key->flags |= SIMNIC_KEY_F_IP6_FRAG_EXT;
	if (len < hlen + flen)
		return;
	frag_data = rte_be_to_cpu_16(simnic_read16(p + hlen +
			offsetof(struct rte_ipv6_fragment_ext, frag_data)));
	if ((frag_data & RTE_IPV6_EHDR_FO_MASK) == 0)
		simnic_extract_l4(key, p + hlen + flen, len - hlen - flen,
				  p[hlen]);
}

/*
 * Fills key from the headers in m's first segment.  Headers that are cut
 * short leave their fields, and those of inner layers, zero.  Up to two
 * VLAN tags are looked through; the key keeps the outer one.
 */
void
simnic_flow_key_extract(const struct rte_mbuf *m, struct simnic_flow_key *key)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len;
	uint32_t off = RTE_ETHER_HDR_LEN;
	rte_be16_t type;

	memset(key, 0, sizeof(*key));
	key->in_port = m->port;
	if (len < RTE_ETHER_HDR_LEN)
		return;
	memcpy(&key->eth_dst, p, RTE_ETHER_ADDR_LEN);
	memcpy(&key->eth_src, p + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	key->eth_type = simnic_read16(p + 2 * RTE_ETHER_ADDR_LEN);
	type = key->eth_type;

	if (simnic_is_vlan_tpid(type)) {
		if (len < off + sizeof(struct rte_vlan_hdr))
			return;
		key->flags |= SIMNIC_KEY_F_HAS_VLAN;
		key->vlan_tci = simnic_read16(p + off);
		key->vlan_inner_type = simnic_read16(p + off + 2);
		type = key->vlan_inner_type;
		off += sizeof(struct rte_vlan_hdr);
		if (simnic_is_vlan_tpid(type)) {
			key->flags |= SIMNIC_KEY_F_HAS_MORE_VLAN;
			if (len < off + sizeof(struct rte_vlan_hdr))
				return;
			type = simnic_read16(p + off + 2);
			off += sizeof(struct rte_vlan_hdr);
		}
	}

	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		simnic_extract_ipv4(key, p + off, len - off);
	else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		simnic_extract_ipv6(key, p + off, len - off);
}

/* Subtables. */

static struct simnic_flow_entry *
simnic_subtable_find(const struct simnic_subtable *st,
		     const struct simnic_flow_key *masked, uint32_t hash)
{
	struct simnic_flow_entry *e;

	for (e = st->buckets[hash & st->bucket_mask]; e != NULL; e = e->next)
		if (e->hash == hash && simnic_key_equal(&e->key, masked))
			return e;
	return NULL;
}

static struct simnic_subtable *
simnic_subtable_create(const struct simnic_flow_key *mask)
{
	struct simnic_subtable *st;

	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return NULL;
	st->buckets = calloc(SIMNIC_SUBTABLE_MIN_BUCKETS,
			     sizeof(st->buckets[0]));
	if (st->buckets == NULL) {
		free(st);
		return NULL;
	}
	st->bucket_mask = SIMNIC_SUBTABLE_MIN_BUCKETS - 1;
	st->mask = *mask;
	st->min_priority = UINT32_MAX;
	return st;
}

static void
simnic_subtable_free(struct simnic_subtable *st)
{
	struct simnic_flow_entry *e, *next;
	uint32_t i;

	for (i = 0; i <= st->bucket_mask; i++) {
		for (e = st->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(st->buckets);
	free(st);
}

/* Doubles the buckets once there are more entries than buckets. */
static void
simnic_subtable_maybe_grow(struct simnic_subtable *st)
{
	uint32_t n_old = st->bucket_mask + 1;
	struct simnic_flow_entry **buckets, *e, *next;
	uint32_t i, new_mask;

	if (st->n_entries <= n_old || n_old > UINT32_MAX / 4)
		return;
	buckets = calloc((size_t)n_old * 2, sizeof(buckets[0]));
	if (buckets == NULL)
		return;	/* longer chains, still correct */
	new_mask = n_old * 2 - 1;
	for (i = 0; i < n_old; i++) {
		for (e = st->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = buckets[e->hash & new_mask];
			buckets[e->hash & new_mask] = e;
		}
	}
	free(st->buckets);
	st->buckets = buckets;
	st->bucket_mask = new_mask;
}

static void
simnic_subtable_unlink_entry(struct simnic_subtable *st,
			     struct simnic_flow_entry *entry)
{
	struct simnic_flow_entry **pe = &st->buckets[entry->hash &
						     st->bucket_mask];

	while (*pe != entry)
		pe = &(*pe)->next;
	*pe = entry->next;
	st->n_entries--;
}

static void
simnic_subtable_note_added(struct simnic_subtable *st, uint32_t priority)
{
	st->n_rules++;
	if (priority < st->min_priority) {
		st->min_priority = priority;
		st->n_at_min_priority = 1;
	} else if (priority == st->min_priority) {
		st->n_at_min_priority++;
	}
}

/*
 * Finds the subtable's lowest priority again, after the last rule holding
 * it went away.  Each entry's list is sorted, so heads are enough to find
 * the minimum, then only the runs at the minimum are counted.
 */
static void
simnic_subtable_recompute_min(struct simnic_subtable *st)
{
	const struct simnic_flow_entry *e;
	const struct simnic_rule *r;
	uint32_t i, min = UINT32_MAX, n = 0;

	for (i = 0; i <= st->bucket_mask; i++)
		for (e = st->buckets[i]; e != NULL; e = e->next)
			if (e->rules->priority < min)
				min = e->rules->priority;
	for (i = 0; i <= st->bucket_mask; i++)
		for (e = st->buckets[i]; e != NULL; e = e->next)
			for (r = e->rules; r != NULL && r->priority == min;
			     r = r->entry_next)
				n++;
	st->min_priority = min;
	st->n_at_min_priority = n;
}

static void
simnic_subtable_note_removed(struct simnic_subtable *st, uint32_t priority)
{
	st->n_rules--;
	if (priority == st->min_priority && --st->n_at_min_priority == 0 &&
	    st->n_rules > 0)
		simnic_subtable_recompute_min(st);
}

/* Table. */

struct simnic_flow_table *
simnic_flow_table_create(uint32_t max_masks)
{
	struct simnic_flow_table *t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->subtables = calloc(max_masks, sizeof(t->subtables[0]));
	if (t->subtables == NULL) {
		free(t);
		return NULL;
	}
	t->max_masks = max_masks;
	return t;
}

/* Frees every subtable and entry; the rules belong to the caller. */
void
simnic_flow_table_clear(struct simnic_flow_table *t)
{
	uint32_t i;

	for (i = 0; i < t->n_subtables; i++)
		simnic_subtable_free(t->subtables[i]);
	t->n_subtables = 0;
}

void
simnic_flow_table_free(struct simnic_flow_table *t)
{
	if (t == NULL)
		return;
	simnic_flow_table_clear(t);
	free(t->subtables);
	free(t);
}

uint32_t
simnic_flow_table_n_masks(const struct simnic_flow_table *t)
{
	return t->n_subtables;
}

static int
simnic_table_find_mask(const struct simnic_flow_table *t,
		       const struct simnic_flow_key *mask)
{
	uint32_t i;

	for (i = 0; i < t->n_subtables; i++)
		if (simnic_key_equal(&t->subtables[i]->mask, mask))
			return (int)i;
	return -1;
}

bool
simnic_flow_table_has_room(const struct simnic_flow_table *t,
			   const struct simnic_flow_key *mask)
{
	return t->n_subtables < t->max_masks ||
	       simnic_table_find_mask(t, mask) >= 0;
}

/*
 * Moves subtable i to where its min_priority belongs.  Only one subtable
 * changes at a time, so one pass of insertion sort in either direction
 * restores the order.
 */
static void
simnic_table_resort(struct simnic_flow_table *t, uint32_t i)
{
	struct simnic_subtable *st = t->subtables[i];

	while (i > 0 && t->subtables[i - 1]->min_priority > st->min_priority) {
		t->subtables[i] = t->subtables[i - 1];
		i--;
	}
	while (i + 1 < t->n_subtables &&
	       t->subtables[i + 1]->min_priority < st->min_priority) {
		t->subtables[i] = t->subtables[i + 1];
		i++;
	}
	t->subtables[i] = st;
}

static void
simnic_table_drop_subtable(struct simnic_flow_table *t, uint32_t i)
{
	simnic_subtable_free(t->subtables[i]);
	memmove(&t->subtables[i], &t->subtables[i + 1],
		(t->n_subtables - i - 1) * sizeof(t->subtables[0]));
	t->n_subtables--;
}

/* Links rule into entry's list, keeping it sorted by (priority, seq). */
static void
simnic_entry_add_rule(struct simnic_flow_entry *entry, struct simnic_rule *r)
{
	struct simnic_rule **pr = &entry->rules;

	while (*pr != NULL && simnic_rule_beats(*pr, r))
		pr = &(*pr)->entry_next;
	r->entry_next = *pr;
	*pr = r;
	r->entry = entry;
}

static void
simnic_entry_remove_rule(struct simnic_flow_entry *entry,
			 struct simnic_rule *r)
{
	struct simnic_rule **pr = &entry->rules;

	while (*pr != r)
		pr = &(*pr)->entry_next;
	*pr = r->entry_next;
	r->entry_next = NULL;
	r->entry = NULL;
}

static struct simnic_flow_entry *
simnic_subtable_add_entry(struct simnic_subtable *st,
			  const struct simnic_flow_key *key, uint32_t hash)
{
	struct simnic_flow_entry *e;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->key = *key;
	e->hash = hash;
	e->subtable = st;
	e->next = st->buckets[hash & st->bucket_mask];
	st->buckets[hash & st->bucket_mask] = e;
	st->n_entries++;
	simnic_subtable_maybe_grow(st);
	return e;
}

/*
 * Inserts rule, whose key and mask are set and whose seq orders it among
 * rules of equal priority.  Returns -ENOSPC when the rule needs a new mask
 * and max_masks are in use, -ENOMEM when out of memory.
 */
int
simnic_flow_table_insert(struct simnic_flow_table *t, struct simnic_rule *rule)
{
	struct simnic_subtable *st;
	struct simnic_flow_entry *entry;
	uint32_t hash;
	int i;

	/* The parser masks the key already; this keeps the table safe. */
	simnic_key_and(&rule->key, &rule->key, &rule->mask);

	i = simnic_table_find_mask(t, &rule->mask);
	if (i < 0) {
		if (t->n_subtables >= t->max_masks)
			return -ENOSPC;
		st = simnic_subtable_create(&rule->mask);
		if (st == NULL)
			return -ENOMEM;
		i = (int)t->n_subtables++;
		t->subtables[i] = st;
	}
	st = t->subtables[i];

	hash = simnic_key_hash(&rule->key);
	entry = simnic_subtable_find(st, &rule->key, hash);
	if (entry == NULL)
		entry = simnic_subtable_add_entry(st, &rule->key, hash);
	if (entry == NULL) {
		if (st->n_rules == 0)
			simnic_table_drop_subtable(t, (uint32_t)i);
		return -ENOMEM;
	}

	simnic_entry_add_rule(entry, rule);
	simnic_subtable_note_added(st, rule->priority);
	simnic_table_resort(t, (uint32_t)i);
	return 0;
}

void
simnic_flow_table_remove(struct simnic_flow_table *t, struct simnic_rule *rule)
{
	struct simnic_flow_entry *entry = rule->entry;
	struct simnic_subtable *st = entry->subtable;
	uint32_t i;

	simnic_entry_remove_rule(entry, rule);
	if (entry->rules == NULL) {
		simnic_subtable_unlink_entry(st, entry);
		free(entry);
	}
	simnic_subtable_note_removed(st, rule->priority);

	for (i = 0; t->subtables[i] != st; i++)
		;
	if (st->n_rules == 0)
		simnic_table_drop_subtable(t, i);
	else
		simnic_table_resort(t, i);
}

/* The best of entry e's rules that 'after' beats (any, if after is NULL). */
static inline struct simnic_rule *
simnic_entry_first_after(const struct simnic_flow_entry *e,
			 const struct simnic_rule *after)
{
	struct simnic_rule *r = e->rules;

	/* The list is sorted: skip what ranks at or above 'after'. */
	while (after != NULL && r != NULL && !simnic_rule_beats(after, r))
		r = r->entry_next;
	return r;
}

/*
 * Returns the rule that applies to a packet with key pkt, or NULL.  With
 * 'after' (a rule that matched pkt), returns the best matching rule that
 * 'after' beats instead: the next one in order of precedence.
 */
struct simnic_rule *
simnic_flow_table_lookup(const struct simnic_flow_table *t,
			 const struct simnic_flow_key *pkt,
			 const struct simnic_rule *after)
{
	struct simnic_rule *best = NULL, *r;
	struct simnic_flow_key masked;
	uint32_t i;

	for (i = 0; i < t->n_subtables; i++) {
		const struct simnic_subtable *st = t->subtables[i];
		const struct simnic_flow_entry *e;

		/* Sorted subtables: none from here on can do better. */
		if (best != NULL && best->priority < st->min_priority)
			break;
		simnic_key_and(&masked, pkt, &st->mask);
		e = simnic_subtable_find(st, &masked, simnic_key_hash(&masked));
		if (e == NULL)
			continue;
		r = simnic_entry_first_after(e, after);
		if (r != NULL && simnic_rule_beats(r, best))
			best = r;
	}
	return best;
}
