/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * libFuzzer target for simnic's rte_flow parser and flow engine.
 *
 * The driver's sources are compiled into this program (instrumented for
 * coverage and sanitizers) rather than loaded as a plugin.  EAL starts
 * once, in LLVMFuzzerInitialize, with --no-huge --no-pci, and creates:
 *
 *   A  net_simnic_fa  peer of B, 1 queue: sends the input's frames
 *   B  net_simnic_fb  peer of A, 4 Rx queues, RSS hash on, small limits
 *   C  net_simnic_fc  gen, NIC clock, 16 flows, RSS hash on
 *   P  net_simnic_p*  sink, small limits, one per NIC profile (ixgbe,
 *                     i40e, mlx5): rules only, no traffic
 *   S  net_simnic_fs  sink, the PF of switch "fz": its transfer proxy
 *   R  net_simnic_fr  the representor of the switch's VF 0, peer of F
 *   F  net_simnic_ff  peer of R: sends the input's frames into the switch
 *
 * An input is a list of commands, decoded byte by byte (missing bytes read
 * as zero): create a rule (validate on B and on every P, create on B, C
 * and every P), destroy one,
 * send a frame from A and from F (received on every queue of B, and on R,
 * after the switch's rules, which may rewrite it and forward it to S, R
 * or F; a burst of C too; COUNT queried), toggle isolated mode.  Rules go
 * to S too.  Port ids in REPRESENTED_PORT and PORT_ID items and actions
 * are taken modulo 10, so that they name ports that exist, in the switch
 * and out of it.  The rule's attributes, items and
 * actions come from the input: item types supported or not, spec, mask
 * and last each present or not; action types supported or not, with
 * configurations.  Every spec, mask, last and conf lives in a heap block
 * of exactly its struct's size, so that AddressSanitizer catches a read
 * past it.  Rules are flushed at the end of each input, so that inputs
 * stay independent and allocations balance.
 *
 *   build/simnic-fuzz/fuzz_flow_parse -max_total_time=30 CORPUS SEEDS
 *
 * See scripts/simnic.sh fuzz.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/lsan_interface.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mbuf.h>
#include <rte_memory.h>

#define MAX_COMMANDS	16
#define MAX_ITEMS	8
#define MAX_ACTIONS	6
#define MAX_RULES	8	/* kept per input */
#define MAX_RSS_QUEUES	16
#define MAX_RSS_KEY	64
#define MAX_FRAME	512
#define NB_RXQ_B	4

struct reader {
	const uint8_t *p;
	size_t n;
};

/* fuzz_seeds.py writes structs of these sizes (DPDK 22.11). */
_Static_assert(sizeof(struct rte_flow_item_eth) == 20, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_vlan) == 8, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_ipv4) == 20, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_ipv6) == 44, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_tcp) == 20, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_udp) == 8, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_sctp) == 12, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_icmp) == 8, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_icmp6) == 4, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_vxlan) == 8, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_integrity) == 16, "seed layout");
_Static_assert(sizeof(struct rte_flow_action_rss) == 40, "seed layout");
_Static_assert(sizeof(struct rte_flow_item_ethdev) == 2, "seed layout");
_Static_assert(sizeof(struct rte_flow_action_ethdev) == 2, "seed layout");
_Static_assert(sizeof(struct rte_flow_action_set_ipv4) == 4, "seed layout");
_Static_assert(sizeof(struct rte_flow_action_set_ipv6) == 16, "seed layout");
_Static_assert(sizeof(struct rte_flow_action_set_tp) == 2, "seed layout");
_Static_assert(sizeof(struct rte_flow_action_of_push_vlan) == 2,
	       "seed layout");
_Static_assert(sizeof(struct rte_flow_action_of_set_vlan_vid) == 2,
	       "seed layout");

static uint16_t port_a, port_b, port_c, port_s, port_r, port_f;

/* The ports that take rules as a real NIC's PMD does: see simnic's README,
 * "Profiles". */
static const char *const profiles[] = { "ixgbe", "i40e", "mlx5" };
#define N_PROFILES RTE_DIM(profiles)
static uint16_t profile_ports[N_PROFILES];
static struct rte_mempool *pool;
static FILE *devnull;
/* $SIMNIC_FUZZ_VERBOSE: say what became of each rule (to check seeds). */
static bool verbose;

/* Input decoding: bytes run out into zeros. */

static uint8_t
rd_u8(struct reader *r)
{
	uint8_t v = 0;

	if (r->n > 0) {
		v = *r->p++;
		r->n--;
	}
	return v;
}

static void
rd_bytes(struct reader *r, void *dst, size_t len)
{
	size_t k = RTE_MIN(len, r->n);

	if (k > 0)
		memcpy(dst, r->p, k);
	memset((uint8_t *)dst + k, 0, len - k);
	r->p += k;
	r->n -= k;
}

static uint32_t
rd_u32(struct reader *r)
{
	uint32_t v;

	rd_bytes(r, &v, sizeof(v));
	return v;
}

/* Heap blocks of a command, freed together. */
struct blocks {
	void *ptr[MAX_ITEMS * 3 + MAX_ACTIONS * 3];
	unsigned int n;
};

/* A block of exactly len bytes, filled from the input. */
static void *
rd_block(struct reader *r, struct blocks *b, size_t len)
{
	void *p;

	if (b->n == RTE_DIM(b->ptr))
		return NULL;
	p = malloc(len == 0 ? 1 : len);
	if (p == NULL)
		abort();
	rd_bytes(r, p, len);
	b->ptr[b->n++] = p;
	return p;
}

static void
blocks_free(struct blocks *b)
{
	while (b->n > 0)
		free(b->ptr[--b->n]);
}

/* Items: the supported ones, some others, then any type value at all. */
struct type_desc {
	int type;
	size_t size;
};

static const struct type_desc item_types[] = {
	{ RTE_FLOW_ITEM_TYPE_END, 0 },
	{ RTE_FLOW_ITEM_TYPE_VOID, 0 },
	{ RTE_FLOW_ITEM_TYPE_ETH, sizeof(struct rte_flow_item_eth) },
	{ RTE_FLOW_ITEM_TYPE_VLAN, sizeof(struct rte_flow_item_vlan) },
	{ RTE_FLOW_ITEM_TYPE_IPV4, sizeof(struct rte_flow_item_ipv4) },
	{ RTE_FLOW_ITEM_TYPE_IPV6, sizeof(struct rte_flow_item_ipv6) },
	{ RTE_FLOW_ITEM_TYPE_TCP, sizeof(struct rte_flow_item_tcp) },
	{ RTE_FLOW_ITEM_TYPE_UDP, sizeof(struct rte_flow_item_udp) },
	{ RTE_FLOW_ITEM_TYPE_SCTP, sizeof(struct rte_flow_item_sctp) },
	{ RTE_FLOW_ITEM_TYPE_ICMP, sizeof(struct rte_flow_item_icmp) },
	{ RTE_FLOW_ITEM_TYPE_ICMP6, sizeof(struct rte_flow_item_icmp6) },
	{ RTE_FLOW_ITEM_TYPE_VXLAN, sizeof(struct rte_flow_item_vxlan) },
	{ RTE_FLOW_ITEM_TYPE_GRE, sizeof(struct rte_flow_item_gre) },
	{ RTE_FLOW_ITEM_TYPE_MPLS, sizeof(struct rte_flow_item_mpls) },
	{ RTE_FLOW_ITEM_TYPE_ANY, sizeof(struct rte_flow_item_any) },
	{ RTE_FLOW_ITEM_TYPE_META, sizeof(struct rte_flow_item_meta) },
	{ RTE_FLOW_ITEM_TYPE_TAG, sizeof(struct rte_flow_item_tag) },
	{ RTE_FLOW_ITEM_TYPE_PORT_ID, sizeof(struct rte_flow_item_port_id) },
	{ RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT,
	  sizeof(struct rte_flow_item_ipv6_frag_ext) },
	/* Last, so that the selectors of older corpus inputs still hold. */
	{ RTE_FLOW_ITEM_TYPE_INTEGRITY,
	  sizeof(struct rte_flow_item_integrity) },
	{ RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT,
	  sizeof(struct rte_flow_item_ethdev) },
};

static const struct type_desc action_types[] = {
	{ RTE_FLOW_ACTION_TYPE_END, 0 },
	{ RTE_FLOW_ACTION_TYPE_VOID, 0 },
	{ RTE_FLOW_ACTION_TYPE_MARK, sizeof(struct rte_flow_action_mark) },
	{ RTE_FLOW_ACTION_TYPE_FLAG, 0 },
	{ RTE_FLOW_ACTION_TYPE_COUNT, sizeof(struct rte_flow_action_count) },
	{ RTE_FLOW_ACTION_TYPE_QUEUE, sizeof(struct rte_flow_action_queue) },
	{ RTE_FLOW_ACTION_TYPE_RSS, sizeof(struct rte_flow_action_rss) },
	{ RTE_FLOW_ACTION_TYPE_DROP, 0 },
	{ RTE_FLOW_ACTION_TYPE_PASSTHRU, 0 },
	{ RTE_FLOW_ACTION_TYPE_JUMP, sizeof(struct rte_flow_action_jump) },
	{ RTE_FLOW_ACTION_TYPE_PORT_ID,
	  sizeof(struct rte_flow_action_port_id) },
	{ RTE_FLOW_ACTION_TYPE_SET_MAC_SRC,
	  sizeof(struct rte_flow_action_set_mac) },
	{ RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, 0 },
	{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT,
	  sizeof(struct rte_flow_action_ethdev) },
	{ RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN,
	  sizeof(struct rte_flow_action_of_push_vlan) },
	{ RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID,
	  sizeof(struct rte_flow_action_of_set_vlan_vid) },
	{ RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP,
	  sizeof(struct rte_flow_action_of_set_vlan_pcp) },
	{ RTE_FLOW_ACTION_TYPE_SET_MAC_DST,
	  sizeof(struct rte_flow_action_set_mac) },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC,
	  sizeof(struct rte_flow_action_set_ipv4) },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV4_DST,
	  sizeof(struct rte_flow_action_set_ipv4) },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC,
	  sizeof(struct rte_flow_action_set_ipv6) },
	{ RTE_FLOW_ACTION_TYPE_SET_IPV6_DST,
	  sizeof(struct rte_flow_action_set_ipv6) },
	{ RTE_FLOW_ACTION_TYPE_SET_TP_SRC,
	  sizeof(struct rte_flow_action_set_tp) },
	{ RTE_FLOW_ACTION_TYPE_SET_TP_DST,
	  sizeof(struct rte_flow_action_set_tp) },
	{ RTE_FLOW_ACTION_TYPE_SET_TTL,
	  sizeof(struct rte_flow_action_set_ttl) },
	{ RTE_FLOW_ACTION_TYPE_DEC_TTL, 0 },
};

/* Port ids that name ports that exist: A to F have ids 0 to 8. */
#define PORT_IDS	10

static void
fix_port_id(int type, void *conf)
{
	if (conf == NULL)
		return;
	switch (type) {
	case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
		((struct rte_flow_item_ethdev *)conf)->port_id %= PORT_IDS;
		break;
	case RTE_FLOW_ITEM_TYPE_PORT_ID:
		((struct rte_flow_item_port_id *)conf)->id %= PORT_IDS;
		break;
	case RTE_FLOW_ACTION_TYPE_PORT_ID:
		((struct rte_flow_action_port_id *)conf)->id %= PORT_IDS;
		break;
	}
}

/* A type from the table, or (selector past it) any value: unknown ones. */
static const struct type_desc *
rd_type(struct reader *r, const struct type_desc *table, size_t n,
	struct type_desc *any)
{
	uint8_t sel = rd_u8(r);

	if (sel < n)
		return &table[sel];
	any->type = (int)rd_u32(r);
	any->size = 64;
	return any;
}

static void
rd_item(struct reader *r, struct blocks *b, struct rte_flow_item *item)
{
	struct type_desc any;
	const struct type_desc *d = rd_type(r, item_types,
					    RTE_DIM(item_types), &any);
	uint8_t flags = rd_u8(r);

	memset(item, 0, sizeof(*item));
	item->type = (enum rte_flow_item_type)d->type;
	if (flags & 1) {
		item->spec = rd_block(r, b, d->size);
		if (d != &any)
			fix_port_id(d->type, (void *)(uintptr_t)item->spec);
	}
	if (flags & 2)
		item->mask = rd_block(r, b, d->size);
	if (flags & 4)
		item->last = rd_block(r, b, d->size);
}

/* RSS has pointers of its own: to a queue list and a key from the input. */
static const void *
rd_rss(struct reader *r, struct blocks *b)
{
	struct rte_flow_action_rss *rss = rd_block(r, b, sizeof(*rss));
	uint32_t queue_num = rd_u8(r) % (MAX_RSS_QUEUES + 1);
	uint32_t key_len = rd_u8(r) % (MAX_RSS_KEY + 1);
	uint8_t flags = rd_u8(r);

	if (rss == NULL)
		return NULL;
	rss->queue_num = queue_num;
	rss->key_len = key_len;
	rss->queue = flags & 1 ? rd_block(r, b, queue_num * sizeof(uint16_t)) :
				 NULL;
	rss->key = flags & 2 ? rd_block(r, b, key_len) : NULL;
	return rss;
}

static void
rd_action(struct reader *r, struct blocks *b, struct rte_flow_action *action)
{
	struct type_desc any;
	const struct type_desc *d = rd_type(r, action_types,
					    RTE_DIM(action_types), &any);
	uint8_t flags = rd_u8(r);

	memset(action, 0, sizeof(*action));
	action->type = (enum rte_flow_action_type)d->type;
	if (!(flags & 1))
		return;
	if (d->type == RTE_FLOW_ACTION_TYPE_RSS) {
		action->conf = rd_rss(r, b);
	} else {
		action->conf = rd_block(r, b, d->size);
		if (d != &any)
			fix_port_id(d->type, (void *)(uintptr_t)action->conf);
	}
}

/* Commands. */

struct state {
	struct rte_flow *b[MAX_RULES];
	struct rte_flow *c[MAX_RULES];
	struct rte_flow *s[MAX_RULES];
	struct rte_flow *p[N_PROFILES][MAX_RULES];
	bool counted[MAX_RULES];
	unsigned int next;
};

static void
destroy_slot(struct state *st, unsigned int i)
{
	struct rte_flow_error error;
	unsigned int p;

	if (st->b[i] != NULL) {
		rte_flow_destroy(port_b, st->b[i], &error);
		/* Again: a stale handle must be refused, not followed. */
		if (rte_flow_destroy(port_b, st->b[i], &error) == 0)
			abort();
	}
	if (st->c[i] != NULL)
		rte_flow_destroy(port_c, st->c[i], &error);
	if (st->s[i] != NULL &&
	    rte_flow_destroy(port_s, st->s[i], &error) != 0)
		abort();	/* a live rule always goes */
	st->b[i] = NULL;
	st->c[i] = NULL;
	st->s[i] = NULL;
	for (p = 0; p < N_PROFILES; p++) {
		if (st->p[p][i] != NULL &&
		    rte_flow_destroy(profile_ports[p], st->p[p][i], &error) != 0)
			abort();	/* a live rule always goes */
		st->p[p][i] = NULL;
	}
}

/* Validates and creates the rule on every profile port, in slot 'slot':
 * each refusal must say why. */
static void
rule_on_profiles(struct state *st, unsigned int slot,
		 const struct rte_flow_attr *attr,
		 const struct rte_flow_item *pattern,
		 const struct rte_flow_action *actions)
{
	struct rte_flow_error error;
	unsigned int p;

	for (p = 0; p < N_PROFILES; p++) {
		memset(&error, 0, sizeof(error));
		if (rte_flow_validate(profile_ports[p], attr, pattern, actions,
				      &error) != 0 && error.message == NULL)
			abort();
		memset(&error, 0, sizeof(error));
		st->p[p][slot] = rte_flow_create(profile_ports[p], attr,
						 pattern, actions, &error);
		if (st->p[p][slot] == NULL && error.message == NULL)
			abort();
	}
}

static void
cmd_rule(struct reader *r, struct state *st)
{
	struct rte_flow_item pattern[MAX_ITEMS + 1];
	struct rte_flow_action actions[MAX_ACTIONS + 1];
	struct rte_flow_attr attr;
	struct rte_flow_error error;
	struct blocks b = { .n = 0 };
	uint8_t flags = rd_u8(r);
	unsigned int n_items = rd_u8(r) % (MAX_ITEMS + 1);
	unsigned int n_actions = rd_u8(r) % (MAX_ACTIONS + 1);
	const struct rte_flow_attr *pattr = flags & 8 ? NULL : &attr;
	const struct rte_flow_item *ppattern = flags & 16 ? NULL : pattern;
	const struct rte_flow_action *pactions = flags & 32 ? NULL : actions;
	unsigned int i, slot;

	memset(&attr, 0, sizeof(attr));
	attr.ingress = flags & 1;
	attr.egress = (flags >> 1) & 1;
	attr.transfer = (flags >> 2) & 1;
	if (flags & 64) {
		attr.group = rd_u8(r);
		attr.reserved = rd_u8(r) & 3;
	}
	attr.priority = flags & 128 ? rd_u32(r) : rd_u8(r) % 4;
	for (i = 0; i < n_items; i++)
		rd_item(r, &b, &pattern[i]);
	memset(&pattern[n_items], 0, sizeof(pattern[n_items]));
	for (i = 0; i < n_actions; i++)
		rd_action(r, &b, &actions[i]);
	memset(&actions[n_actions], 0, sizeof(actions[n_actions]));

	memset(&error, 0, sizeof(error));
	if (rte_flow_validate(port_b, pattr, ppattern, pactions, &error) != 0 &&
	    error.message == NULL)
		abort();	/* every refusal says why */
	slot = st->next++ % MAX_RULES;
	destroy_slot(st, slot);
	st->b[slot] = rte_flow_create(port_b, pattr, ppattern, pactions,
				      &error);
	if (st->b[slot] == NULL && error.message == NULL)
		abort();
	if (verbose)
		fprintf(stderr, "rule %u: %s\n", slot, st->b[slot] != NULL ?
			"created" : error.message);
	st->c[slot] = rte_flow_create(port_c, pattr, ppattern, pactions,
				      &error);
	memset(&error, 0, sizeof(error));
	if (rte_flow_validate(port_s, pattr, ppattern, pactions, &error) != 0 &&
	    error.message == NULL)
		abort();
	memset(&error, 0, sizeof(error));
	st->s[slot] = rte_flow_create(port_s, pattr, ppattern, pactions,
				      &error);
	if (st->s[slot] == NULL && error.message == NULL)
		abort();
	rule_on_profiles(st, slot, pattr, ppattern, pactions);
	st->counted[slot] = false;
	for (i = 0; pactions != NULL && i < n_actions; i++)
		if (actions[i].type == RTE_FLOW_ACTION_TYPE_END)
			break;
		else if (actions[i].type == RTE_FLOW_ACTION_TYPE_COUNT)
			st->counted[slot] = true;
	blocks_free(&b);
}

static void
cmd_destroy(struct reader *r, struct state *st)
{
	destroy_slot(st, rd_u8(r) % MAX_RULES);
}

static void
query_counts(const struct state *st)
{
	static const struct rte_flow_action count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_query_count data;
	struct rte_flow_error error;
	unsigned int i;

	for (i = 0; i < MAX_RULES; i++) {
		if (st->b[i] == NULL)
			continue;
		memset(&data, 0, sizeof(data));
		data.reset = i & 1;
		if (rte_flow_query(port_b, st->b[i], count, &data,
				   &error) != 0 && st->counted[i])
			abort();
	}
}

/* Receives and frees what port's queue 0 holds. */
static uint16_t
drain(uint16_t port)
{
	struct rte_mbuf *pkts[32];
	uint16_t n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));

	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/*
 * Sends a frame from the input through A to B and through F into the
 * switch; receives C's frames too.
 */
static void
cmd_traffic(struct reader *r, const struct state *st)
{
	struct rte_mbuf *m, *copy, *pkts[32];
	uint16_t len = rd_u8(r) | (rd_u8(r) & 1) << 8;
	uint16_t q, n, total = 0;
	char *data;

	m = rte_pktmbuf_alloc(pool);
	if (m != NULL) {
		data = rte_pktmbuf_append(m, len);
		if (data != NULL)
			rd_bytes(r, data, len);
		copy = rte_pktmbuf_copy(m, pool, 0, UINT32_MAX);
		if (copy != NULL && rte_eth_tx_burst(port_f, 0, &copy, 1) != 1)
			rte_pktmbuf_free(copy);
		if (rte_eth_tx_burst(port_a, 0, &m, 1) != 1)
			rte_pktmbuf_free(m);
	}
	/* Queue 0 first: it classifies, and may steer to the others. */
	for (q = 0; q < NB_RXQ_B; q++) {
		n = rte_eth_rx_burst(port_b, q, pkts, RTE_DIM(pkts));
		if (verbose && n > 0)
			fprintf(stderr, "frame of %u bytes: queue %u, ol_flags 0x%" PRIx64 ", mark %u\n",
				len, q, pkts[0]->ol_flags,
				pkts[0]->hash.fdir.hi);
		total += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
	if (verbose && len > 0 && total == 0)
		fprintf(stderr, "frame of %u bytes: dropped\n", len);
	drain(port_c);
	/* R's transfer rules run as it receives; F gets what they send it. */
	n = drain(port_r);
	n += drain(port_f);
	if (verbose && len > 0)
		fprintf(stderr, "frame of %u bytes: %u from the switch\n", len,
			n);
	query_counts(st);
}

static void
cmd_isolate(struct reader *r)
{
	struct rte_flow_error error;

	rte_flow_isolate(port_b, rd_u8(r) & 1, &error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { .p = data, .n = size };
	struct rte_flow_error error;
	struct state st;
	unsigned int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < MAX_COMMANDS && r.n > 0; i++) {
		switch (rd_u8(&r) % 5) {
		case 0:
		case 1:
			cmd_rule(&r, &st);
			break;
		case 2:
			cmd_destroy(&r, &st);
			break;
		case 3:
			cmd_traffic(&r, &st);
			break;
		default:
			cmd_isolate(&r);
			break;
		}
	}
	if (st.next > 0)
		rte_flow_dev_dump(port_b, NULL, devnull, &error);
	/* Independent inputs: no rules, not isolated, nothing in flight. */
	rte_flow_isolate(port_b, 0, &error);
	rte_flow_flush(port_b, &error);
	rte_flow_flush(port_c, &error);
	rte_flow_flush(port_s, &error);
	for (i = 0; i < N_PROFILES; i++)
		rte_flow_flush(profile_ports[i], &error);
	memset(&st, 0, sizeof(st));
	cmd_traffic(&r, &st);
	return 0;
}

/* Setup. */

static __rte_noreturn void
fail(const char *what)
{
	fprintf(stderr, "fuzz_flow_parse: %s: %s\n", what,
		rte_strerror(rte_errno));
	exit(1);
}

static uint16_t
start_port(const char *name, const char *args, uint16_t nb_rxq, bool rss)
{
	struct rte_eth_conf conf;
	uint16_t port, q;

	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &port) != 0)
		fail(name);
	memset(&conf, 0, sizeof(conf));
	if (rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_RSS_HASH;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP |
			RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
	}
	if (rte_eth_dev_configure(port, nb_rxq, 1, &conf) != 0)
		fail("rte_eth_dev_configure");
	for (q = 0; q < nb_rxq; q++)
		if (rte_eth_rx_queue_setup(port, q, 256, SOCKET_ID_ANY, NULL,
					   pool) != 0)
			fail("rte_eth_rx_queue_setup");
	if (rte_eth_tx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		fail("rte_eth_dev_start");
	return port;
}

/* EAL leaves its runtime directory (empty with --no-shconf) behind. */
static void
remove_runtime_dir(void)
{
	rmdir(rte_eal_get_runtime_dir());
}

/*
 * The driver keeps heap pointers in EAL memory (its port's private data),
 * which LeakSanitizer does not scan by itself: without this, everything
 * the ports allocated would look leaked.
 */
static int
register_root(const struct rte_memseg_list *msl, void *arg __rte_unused)
{
	__lsan_register_root_region(msl->base_va, msl->len);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	unsigned int i;
	char prefix[64];
	char *eal_argv[] = {
		"fuzz_flow_parse", "--no-huge", "--no-pci", "--no-shconf",
		prefix, "--no-telemetry", "-m", "64", "-l", "0",
		"--log-level=pmd.net.simnic:crit", "--log-level=lib.*:crit",
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=simnic_fuzz_%d",
		 (int)getpid());
	verbose = getenv("SIMNIC_FUZZ_VERBOSE") != NULL;
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0)
		fail("cannot initialise EAL");
	atexit(remove_runtime_dir);
	pool = rte_pktmbuf_pool_create("fuzz", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		fail("no mbuf pool");
	devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		fail("/dev/null");
	port_a = start_port("net_simnic_fa", "peer=net_simnic_fb", 1, false);
	port_b = start_port("net_simnic_fb",
			    "peer=net_simnic_fa,max_rules=6,max_masks=4,max_mark=1000",
			    NB_RXQ_B, true);
	port_c = start_port("net_simnic_fc", "gen=flows:16", 1, true);
	for (i = 0; i < N_PROFILES; i++) {
		char name[32], args[64];

		snprintf(name, sizeof(name), "net_simnic_p%s", profiles[i]);
		snprintf(args, sizeof(args), "sink=1,max_rules=6,profile=%s",
			 profiles[i]);
		profile_ports[i] = start_port(name, args, 1, false);
	}
	port_s = start_port("net_simnic_fs", "switch=fz,sink=1,max_rules=6",
			    1, false);
	port_r = start_port("net_simnic_fr",
			    "switch=fz,representor=vf0,peer=net_simnic_ff", 1, false);
	port_f = start_port("net_simnic_ff", "peer=net_simnic_fr", 1, false);
	rte_memseg_list_walk(register_root, NULL);
	return 0;
}
