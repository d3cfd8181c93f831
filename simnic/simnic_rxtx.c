/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Backends: where received frames come from and where sent ones go.
 *
 *   sink   Rx nothing; Tx counts and frees.
 *   gen    Rx builds frames from a template (one memcpy per frame, like a
 *          NIC's DMA) for a configured set of flows; Tx as sink.
 *   peer   back-to-back with another simnic port: Tx queue i of one port
 *          feeds an rte_ring read by Rx queue (i % nb_rxq) of the other.
 *   iface  an AF_PACKET socket per queue on a Linux netdev; frames are
 *          copied between socket and mbufs.
 *
 * Every Rx burst ends in the emulated NIC's classifier, which looks each
 * frame up in the rte_flow rules, applies MARK, FLAG, COUNT and DROP,
 * sets the RSS hash and moves frames that QUEUE and RSS rules send
 * elsewhere, before the application sees them.  On the host clock it runs
 * per frame (simnic_rx_finish); gen ports on the NIC clock reuse each
 * flow's cached verdict instead (simnic_rx_gen_nic).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "simnic.h"

/* Addresses of generated flow i; see README.md. */
#define SIMNIC_GEN_IP4_SRC_BASE	RTE_IPV4(10, 0, 0, 1)
#define SIMNIC_GEN_IP4_DST	RTE_IPV4(10, 255, 255, 254)
#define SIMNIC_GEN_PORT_BASE	1024
#define SIMNIC_GEN_PORT_SPAN	(65536 - SIMNIC_GEN_PORT_BASE)
#define SIMNIC_GEN_DST_PORT	5000
#define SIMNIC_GEN_DEFAULT_SIZE	64

/*
 * gen zipf: frames in a queue's schedule (16 per flow, within these
 * bounds), and how far the ranking moves on each rotation, as a share of
 * the queue's flows: 1 / the golden ratio.
 */
#define SIMNIC_GEN_ZIPF_MIN_SCHED	(1u << 16)
#define SIMNIC_GEN_ZIPF_MAX_SCHED	(1u << 22)
#define SIMNIC_GEN_ROTATE_FRACTION	0.6180339887

/* Segments one iface send can gather. */
#define SIMNIC_IFACE_MAX_SEGS	32

/* Where the flow-dependent bytes of the gen template are. */
struct simnic_gen {
	uint32_t flows;
	uint16_t len;
	uint16_t src_ip_off;	/* the 4 bytes that vary per flow */
	uint16_t ip4_csum_off;	/* 0 for IPv6 */
	uint16_t l4_off;	/* source port first */
	uint16_t l4_csum_off;
	bool udp;
	uint32_t ip4_csum_base;	/* unfolded sums with varying bytes zero */
	uint32_t l4_csum_base;
	uint8_t tpl[];
};

/* Ones' complement sum of 16-bit words in memory order. */
static inline uint32_t
simnic_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint16_t w;

	for (; len >= 2; len -= 2, p += 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len == 1) {
		w = 0;
		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

static inline uint16_t
simnic_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Rx: the classifier every backend runs.
 *
 * The classifier's verdict on a frame is an "action" word (SIMNIC_META_*
 * bits, plus where its COUNT counters are) with an RSS hash and a mark.
 * simnic_rx_decide() computes it from the frame's key; simnic_rx_account()
 * and simnic_rx_set_meta() apply it.  On the host clock every frame goes
 * through all three; gen ports on the NIC clock keep the verdict of each
 * flow in a struct simnic_rx_meta and only apply it.
 */

/* The three ol_flags bits a verdict can set, so that an index selects them. */
#define SIMNIC_META_FDIR	RTE_BIT32(0)
#define SIMNIC_META_FDIR_ID	RTE_BIT32(1)
#define SIMNIC_META_RSS		RTE_BIT32(2)
#define SIMNIC_META_OL_MASK	0x7u
#define SIMNIC_META_MATCH	RTE_BIT32(3)	/* some rule matched */
#define SIMNIC_META_COUNT	RTE_BIT32(4)	/* counters to add to */
#define SIMNIC_META_DROP	RTE_BIT32(5)
/* A terminating rule matched: not PASSTHRU rules only, nor none. */
#define SIMNIC_META_FATE	RTE_BIT32(6)
/* COUNT: the number above is a count list's offset, not a rule index. */
#define SIMNIC_META_COUNT_LIST	RTE_BIT32(7)
/*
 * The switch's verdict (NIC clock): a transfer rule takes the frame; its
 * handle slot on the switch's PF is in the verdict's mark.  On delivered
 * frames FDIR_ID always comes with FDIR, so FDIR_ID alone is free to
 * mean this.
 */
#define SIMNIC_META_SWITCH	SIMNIC_META_FDIR_ID

static inline bool
simnic_meta_is_switch(uint32_t action)
{
	return (action & (SIMNIC_META_FDIR | SIMNIC_META_FDIR_ID)) ==
	       SIMNIC_META_SWITCH;
}

/*
 * Rule indexes are below SIMNIC_MAX_RULES_LIMIT, 2^24, and count list
 * offsets below SIMNIC_COUNT_LISTS_MAX: they fit above.
 */
#define SIMNIC_META_RULE_SHIFT	8
#define SIMNIC_COUNT_LISTS_MAX	(1u << (32 - SIMNIC_META_RULE_SHIFT))
#define SIMNIC_COUNT_LISTS_MIN	64u

_Static_assert(SIMNIC_MAX_RULES_LIMIT <= (1u << (32 - SIMNIC_META_RULE_SHIFT)),
	       "rule indexes do not fit in a verdict");

#define SIMNIC_META_OL(i) \
	(((i) & SIMNIC_META_FDIR ? RTE_MBUF_F_RX_FDIR : 0) | \
	 ((i) & SIMNIC_META_FDIR_ID ? RTE_MBUF_F_RX_FDIR_ID : 0) | \
	 ((i) & SIMNIC_META_RSS ? RTE_MBUF_F_RX_RSS_HASH : 0))

static const uint64_t simnic_meta_ol_flags[SIMNIC_META_OL_MASK + 1] = {
	SIMNIC_META_OL(0), SIMNIC_META_OL(1), SIMNIC_META_OL(2),
	SIMNIC_META_OL(3), SIMNIC_META_OL(4), SIMNIC_META_OL(5),
	SIMNIC_META_OL(6), SIMNIC_META_OL(7),
};

/*
 * A gen flow's cached verdict (NIC clock), valid while gen equals the low
 * half of priv->flow_gen.  16 bytes: four flows per cache line.
 *
 * 32 bits of generation suffice because a queue resets all its entries
 * (simnic_rx_meta_sync) before flow_gen has moved 2^31 past the last
 * reset: an entry's gen then always lies in [meta_epoch, flow_gen], a
 * window narrower than 2^32, so equal low halves mean equal generations.
 */
struct simnic_rx_meta {
	uint32_t gen;
	uint32_t rss;		/* mbuf->hash.rss */
	uint32_t mark;		/* mbuf->hash.fdir.hi */
	uint32_t action;	/* SIMNIC_META_*, rule index or list above */
};

#define SIMNIC_META_EPOCH_SPAN	(UINT64_C(1) << 31)

/*
 * What simnic_rx_decide() does with the COUNT actions it meets: add to
 * the counters at once (host clock: the frame is at hand), or record them
 * in the verdict, to be applied to every frame of the flow (NIC clock):
 * one rule's index in the action word, or, for several (PASSTHRU rules),
 * a list [n, index, ...] in the queue's count lists.
 */
struct simnic_rx_counts {
	uint32_t len;		/* at once: the frame's length */
	bool record;
	bool full;		/* record: no room for the list */
	uint32_t n;		/* record: rules met so far */
	uint32_t first;		/* record: the first one's index */
};

static inline void
simnic_rx_count_rule(struct simnic_rxq *rxq, uint32_t index, uint32_t len)
{
	rxq->counters[index].hits++;
	rxq->counters[index].bytes += len;
}

/* Makes room for n more entries in the queue's count lists. */
static bool
simnic_count_lists_reserve(struct simnic_rxq *rxq, uint32_t n)
{
	uint32_t need = rxq->n_count_lists + n, size;
	uint32_t *lists;

	if (need <= rxq->count_lists_size)
		return true;
	if (need > SIMNIC_COUNT_LISTS_MAX)
		return false;
	size = RTE_MAX(RTE_MAX(need, 2 * rxq->count_lists_size),
		       SIMNIC_COUNT_LISTS_MIN);
	size = RTE_MIN(size, SIMNIC_COUNT_LISTS_MAX);
	lists = realloc(rxq->count_lists, (size_t)size * sizeof(*lists));
	if (lists == NULL)
		return false;
	rxq->count_lists = lists;
	rxq->count_lists_size = size;
	return true;
}

/* Applies the COUNT action of the rule with handle slot 'index'. */
static inline void
simnic_rx_counts_add(struct simnic_rxq *rxq, struct simnic_rx_counts *c,
		     uint32_t index)
{
	uint32_t base = rxq->n_count_lists;

	if (!c->record) {
		simnic_rx_count_rule(rxq, index, c->len);
		return;
	}
	/* The list is written after those in use, committed at the end. */
	if (c->n == 0) {
		c->first = index;
	} else if (!c->full && simnic_count_lists_reserve(rxq, c->n + 2)) {
		rxq->count_lists[base + 1] = c->first;
		rxq->count_lists[base + 1 + c->n] = index;
	} else {
		c->full = true;
	}
	c->n++;
}

/* The action bits that record the COUNT rules met (none: at once). */
static inline uint32_t
simnic_rx_counts_action(struct simnic_rxq *rxq,
			const struct simnic_rx_counts *c)
{
	uint32_t base = rxq->n_count_lists;

	if (!c->record || c->n == 0 || c->full)
		return 0;
	if (c->n == 1)
		return SIMNIC_META_COUNT | c->first << SIMNIC_META_RULE_SHIFT;
	rxq->count_lists[base] = c->n;
	rxq->n_count_lists += c->n + 1;
	return SIMNIC_META_COUNT | SIMNIC_META_COUNT_LIST |
	       base << SIMNIC_META_RULE_SHIFT;
}

/*
 * The verdict on a frame with key 'key': its RSS hash and what the rules
 * do to it.  Matching rules apply in order of precedence, each with its
 * COUNT, MARK and FLAG, down to the first terminating one: a PASSTHRU
 * rule leaves the frame to the rules after it (rte_flow: PASSTHRU "makes
 * a flow rule non-terminating").  The fate is the last rule's, *fate that
 * rule (NULL: none, only PASSTHRU rules or no rule matched).  Of several
 * MARKs the last one met stays, as a later action overrides an earlier
 * one; FLAG sets RTE_MBUF_F_RX_FDIR alone and keeps an earlier mark.
 * COUNT goes as 'c' says (see struct simnic_rx_counts).
 */
static inline uint32_t
simnic_rx_decide(struct simnic_rxq *rxq, const struct simnic_flow_key *key,
		 struct simnic_rx_counts *c, uint32_t *rss, uint32_t *mark,
		 const struct simnic_rule **fate)
{
	const struct simnic_private *priv = rxq->priv;
	const struct simnic_rule *rule = NULL;
	uint32_t action = 0;

	*rss = 0;
	*mark = 0;
	*fate = NULL;
	if (priv->rss_hash_on && simnic_rss_hash(priv->rss, key, rss))
		action |= SIMNIC_META_RSS;
	while ((rule = simnic_flow_table_lookup(priv->flow_table, key,
						rule)) != NULL) {
		action |= SIMNIC_META_MATCH;
		if (rule->has_count)
			simnic_rx_counts_add(rxq, c, rule->handle_index);
		if (rule->has_mark) {
			action |= SIMNIC_META_FDIR | SIMNIC_META_FDIR_ID;
			*mark = rule->mark_id;
		} else if (rule->has_flag) {
			action |= SIMNIC_META_FDIR;
		}
		if (rule->fate != SIMNIC_FATE_PASSTHRU) {
			action |= SIMNIC_META_FATE;
			if (rule->fate == SIMNIC_FATE_DROP)
				action |= SIMNIC_META_DROP;
			*fate = rule;
			break;
		}
	}
	return action | simnic_rx_counts_action(rxq, c);
}

/* Adds a frame of 'len' bytes to the counters a verdict records. */
static inline void
simnic_rx_count_recorded(struct simnic_rxq *rxq, uint32_t action,
			 uint32_t len)
{
	uint32_t at = action >> SIMNIC_META_RULE_SHIFT, i;
	const uint32_t *list;

	if (likely(!(action & SIMNIC_META_COUNT_LIST))) {
		simnic_rx_count_rule(rxq, at, len);
		return;
	}
	list = &rxq->count_lists[at];
	for (i = 1; i <= list[0]; i++)
		simnic_rx_count_rule(rxq, list[i], len);
}

/*
 * Counts a frame of 'len' bytes under verdict 'action' in the queue's
 * statistics and the counters it records; false when the frame is
 * dropped.  The caller holds rxq->lock.
 */
static inline bool
simnic_rx_account(struct simnic_rxq *rxq, uint32_t action, uint32_t len,
		  bool isolated)
{
	if (action & SIMNIC_META_MATCH) {
		rxq->flow_hits++;
		if (action & SIMNIC_META_COUNT)
			simnic_rx_count_recorded(rxq, action, len);
	} else {
		rxq->flow_misses++;
	}
	/*
	 * Isolated: only traffic that a rule takes.  A frame that PASSTHRU
	 * rules alone matched was left to further rules: there are none.
	 */
	if (!(action & SIMNIC_META_DROP) &&
	    (!isolated || (action & SIMNIC_META_FATE)))
		return true;
	rxq->flow_drops++;
	return false;
}

static inline void
simnic_rx_set_meta(struct rte_mbuf *m, uint32_t action, uint32_t rss,
		   uint32_t mark)
{
	m->ol_flags |= simnic_meta_ol_flags[action & SIMNIC_META_OL_MASK];
	m->hash.rss = rss;
	m->hash.fdir.hi = mark;
}

/* The queue a QUEUE or RSS rule sends a frame to. */
static uint16_t
simnic_rule_target(const struct simnic_private *priv,
		   const struct simnic_rule *rule,
		   const struct simnic_flow_key *key)
{
	uint64_t queues = rule->rss_queues;
	uint32_t nth, rss;

	if (rule->fate == SIMNIC_FATE_QUEUE)
		return rule->queue;
	/* An RSS rule created before the port had queues: stay. */
	if (queues == 0)
		return UINT16_MAX;
	/*
	 * RSS: the (hash mod n)-th of the action's n queues, hashing the
	 * action's types with the port's key; a frame without hash: the
	 * first queue.
	 */
	if (!simnic_rss_hash_types(priv->rss, key, rule->rss_types, &rss))
		rss = 0;
	for (nth = rss % (uint32_t)__builtin_popcountll(queues); nth > 0;
	     nth--)
		queues &= queues - 1;
	return (uint16_t)__builtin_ctzll(queues);
}

/*
 * Moves a frame that a QUEUE or RSS rule sends to another Rx queue onto
 * that queue's steering ring; true when the frame left this queue (sent,
 * or lost because the ring was full: counted as imissed).
 */
static bool
simnic_rx_steer(struct simnic_rxq *rxq, struct rte_mbuf *m,
		const struct simnic_rule *rule,
		const struct simnic_flow_key *key)
{
	const struct rte_eth_dev_data *data = rxq->priv->dev_data;
	uint16_t q = simnic_rule_target(rxq->priv, rule, key);
	struct simnic_rxq *target;

	if (q == rxq->queue_id || q >= data->nb_rx_queues)
		return false;
	target = data->rx_queues[q];
	if (target == NULL || target->steer == NULL)
		return false;
	if (rte_ring_mp_enqueue(target->steer, m) != 0) {
		rxq->steer_drops++;
		rte_pktmbuf_free(m);
	} else {
		rxq->steered++;
	}
	return true;
}

/*
 * Host clock: classifies each frame of the burst.  Delivered frames are
 * packed at the front of pkts; returns how many.
 */
static uint16_t
simnic_rx_classify(struct simnic_rxq *rxq, struct rte_mbuf **pkts,
		   uint16_t n)
{
	struct simnic_private *priv = rxq->priv;
	bool isolated = __atomic_load_n(&priv->isolated, __ATOMIC_RELAXED);
	struct simnic_flow_key key;
	uint16_t i, kept = 0;
	bool switched;

	simnic_rxq_lock(rxq);
	/* Stable while the queue is locked; see simnic_switch.c. */
	switched = simnic_switch_n_rules(priv) > 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct simnic_rx_counts counts = { .len = m->pkt_len };
		const struct simnic_rule *fate;
		uint32_t action, rss, mark;

		simnic_flow_key_extract(m, &key);
		/* The switch's transfer rules first; what they take is gone. */
		if (switched && simnic_switch_rx(rxq, m, &key))
			continue;
		action = simnic_rx_decide(rxq, &key, &counts, &rss, &mark,
					  &fate);
		if (!simnic_rx_account(rxq, action, m->pkt_len, isolated)) {
			rte_pktmbuf_free(m);
			continue;
		}
		simnic_rx_set_meta(m, action, rss, mark);
		if (fate != NULL && fate->fate >= SIMNIC_FATE_QUEUE &&
		    rxq->steer != NULL &&
		    simnic_rx_steer(rxq, m, fate, &key))
			continue;
		pkts[kept++] = m;
	}
	simnic_rxq_unlock(rxq);
	return kept;
}

static inline void
simnic_rx_count(struct simnic_rxq *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	rxq->packets += n;
	rxq->bytes += bytes;
}

/* Runs the classifier on a received burst and counts what is delivered. */
static inline uint16_t
simnic_rx_finish(struct simnic_rxq *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	struct simnic_private *priv = rxq->priv;

	if (n == 0)
		return 0;
	/*
	 * No rules and nothing to hash: skip the lock and the lookups (a
	 * stale 0 is harmless: a rule being created races with this burst).
	 */
	if (__atomic_load_n(&priv->n_rules, __ATOMIC_RELAXED) == 0 &&
	    !__atomic_load_n(&priv->isolated, __ATOMIC_RELAXED) &&
	    !priv->rss_hash_on && simnic_switch_n_rules(priv) == 0)
		rxq->flow_misses += n;
	else
		n = simnic_rx_classify(rxq, pkts, n);
	simnic_rx_count(rxq, pkts, n);
	return n;
}

/* Frames other queues steered here: classified and counted there already. */
static inline uint16_t
simnic_rx_steered(struct simnic_rxq *rxq, struct rte_mbuf **pkts,
		  uint16_t nb_pkts)
{
	uint16_t n;

	if (rxq->steer == NULL || nb_pkts == 0)
		return 0;
	n = (uint16_t)rte_ring_sc_dequeue_burst(rxq->steer, (void **)pkts,
						nb_pkts, NULL);
	simnic_rx_count(rxq, pkts, n);
	return n;
}

/* Control side. */

/* Takes every Rx queue's lock; see simnic_private.flow_lock. */
void
simnic_rxqs_lock(struct simnic_private *priv)
{
	const struct rte_eth_dev_data *data = priv->dev_data;
	uint16_t i;

	for (i = 0; i < data->nb_rx_queues; i++) {
		struct simnic_rxq *rxq = data->rx_queues[i];

		if (rxq != NULL)
			simnic_rxq_lock(rxq);
	}
}

void
simnic_rxqs_unlock(struct simnic_private *priv)
{
	const struct rte_eth_dev_data *data = priv->dev_data;
	uint16_t i;

	for (i = 0; i < data->nb_rx_queues; i++) {
		struct simnic_rxq *rxq = data->rx_queues[i];

		if (rxq != NULL)
			simnic_rxq_unlock(rxq);
	}
}

/* Grows the queue's counters to n; its lock is held, or it is private. */
int
simnic_rxq_counters_resize(struct simnic_rxq *rxq, uint32_t n)
{
	struct simnic_counter *c;

	if (n <= rxq->n_counters)
		return 0;
	c = realloc(rxq->counters, (size_t)n * sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	memset(c + rxq->n_counters, 0,
	       (size_t)(n - rxq->n_counters) * sizeof(*c));
	rxq->counters = c;
	rxq->n_counters = n;
	return 0;
}

/* Frees what every backend's queue may hold besides its backend state. */
void
simnic_rxq_free_common(struct simnic_rxq *rxq)
{
	struct rte_mbuf *m;

	free(rxq->counters);
	rxq->counters = NULL;
	rxq->n_counters = 0;
	free(rxq->meta);
	rxq->meta = NULL;
	rxq->n_meta = 0;
	free(rxq->gen_sched);
	rxq->gen_sched = NULL;
	rxq->gen_sched_len = 0;
	free(rxq->count_lists);
	rxq->count_lists = NULL;
	rxq->n_count_lists = 0;
	rxq->count_lists_size = 0;
	if (rxq->steer != NULL) {
		while (rte_ring_dequeue(rxq->steer, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(rxq->steer);
		rxq->steer = NULL;
	}
}

/* A frame arriving from a peer starts clean, as a NIC's descriptor would. */
static inline void
simnic_rx_reset_mbuf(struct rte_mbuf *m, uint16_t port_id)
{
	/* Keep only the flags that say how the buffer is attached. */
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	m->packet_type = 0;
	m->hash.rss = 0;
	m->vlan_tci = 0;
	m->port = port_id;
}

/* Tx helpers. */

static inline uint64_t
simnic_burst_bytes(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	return bytes;
}

/* sink */

static uint16_t
simnic_rx_nothing(void *queue __rte_unused, struct rte_mbuf **pkts __rte_unused,
		  uint16_t nb_pkts __rte_unused)
{
	return 0;
}

static uint16_t
simnic_tx_sink(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_txq *txq = queue;

	txq->packets += nb_pkts;
	txq->bytes += simnic_burst_bytes(pkts, nb_pkts);
	rte_pktmbuf_free_bulk(pkts, nb_pkts);
	return nb_pkts;
}

/* gen */

static inline void
simnic_gen_fill(const struct simnic_gen *g, uint32_t flow, uint8_t *p)
{
	rte_be32_t ip = g->ip4_csum_off != 0 ?
		rte_cpu_to_be_32(SIMNIC_GEN_IP4_SRC_BASE + flow) :
		rte_cpu_to_be_32(flow + 1);
	rte_be16_t port = rte_cpu_to_be_16(SIMNIC_GEN_PORT_BASE +
					   flow % SIMNIC_GEN_PORT_SPAN);
	uint32_t ip_sum = simnic_csum_add(0, &ip, sizeof(ip));
	uint16_t csum;

	rte_memcpy(p, g->tpl, g->len);
	memcpy(p + g->src_ip_off, &ip, sizeof(ip));
	memcpy(p + g->l4_off, &port, sizeof(port));

	/* Checksums: the template's sums plus the bytes that varied. */
	if (g->ip4_csum_off != 0) {
		csum = simnic_csum_fold(g->ip4_csum_base + ip_sum);
		memcpy(p + g->ip4_csum_off, &csum, sizeof(csum));
	}
	csum = simnic_csum_fold(g->l4_csum_base + ip_sum +
				simnic_csum_add(0, &port, sizeof(port)));
	if (csum == 0 && g->udp)
		csum = 0xffff;
	memcpy(p + g->l4_csum_off, &csum, sizeof(csum));
}

/* Writes generated flow 'flow' into m, as the wire would deliver it. */
static inline void
simnic_gen_write(const struct simnic_gen *g, uint32_t flow,
		 struct rte_mbuf *m, uint16_t port_id)
{
	simnic_gen_fill(g, flow, rte_pktmbuf_mtod(m, uint8_t *));
	m->data_len = g->len;
	m->pkt_len = g->len;
	m->port = port_id;
}

/* zipf: the next flow is the schedule's next rank, moved by the shift. */
static inline void
simnic_gen_advance_zipf(struct simnic_rxq *rxq)
{
	uint32_t index = rxq->gen_sched[rxq->gen_sched_pos] +
			 rxq->gen_rank_shift;

	if (index >= rxq->gen_n_flows)
		index -= rxq->gen_n_flows;
	if (++rxq->gen_sched_pos == rxq->gen_sched_len)
		rxq->gen_sched_pos = 0;
	rxq->gen_next_index = index;
	rxq->gen_next_flow = rxq->queue_id + index * rxq->gen_flow_step;
}

/* Moves the queue on to its next flow. */
static inline void
simnic_gen_advance(struct simnic_rxq *rxq, uint32_t flows)
{
	if (rxq->gen_sched != NULL) {
		simnic_gen_advance_zipf(rxq);
		return;
	}
	rxq->gen_next_flow += rxq->gen_flow_step;
	rxq->gen_next_index++;
	if (rxq->gen_next_flow >= flows) {
		rxq->gen_next_flow = rxq->queue_id;
		rxq->gen_next_index = 0;
	}
}

/*
 * zipf with rotate: once per period, every rank moves to other flows, so
 * that the hot set changes at once, as when new elephants arrive.  The
 * clock starts with the queue's first burst.
 */
static inline void
simnic_gen_rotate(struct simnic_rxq *rxq)
{
	uint64_t now;

	if (likely(rxq->gen_rotate_cycles == 0))
		return;
	now = rte_rdtsc();
	if (unlikely(rxq->gen_rotate_tsc == 0)) {
		rxq->gen_rotate_tsc = now + rxq->gen_rotate_cycles;
		return;
	}
	if (likely(now < rxq->gen_rotate_tsc))
		return;
	rxq->gen_rotate_tsc = now + rxq->gen_rotate_cycles;
	rxq->gen_rank_shift += rxq->gen_rotate_step;
	if (rxq->gen_rank_shift >= rxq->gen_n_flows)
		rxq->gen_rank_shift -= rxq->gen_n_flows;
}

/* Host clock: generate, then classify every frame. */
static uint16_t
simnic_rx_gen_host(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_rxq *rxq = queue;
	const struct simnic_gen *g = rxq->priv->gen;
	uint16_t i;

	nb_pkts = RTE_MIN(nb_pkts, SIMNIC_BURST_MAX);
	if (rxq->gen_flow_step == 0 || nb_pkts == 0)
		return 0;
	if (rte_pktmbuf_alloc_bulk(rxq->mb_pool, pkts, nb_pkts) != 0) {
		rxq->nombuf += nb_pkts;
		return 0;
	}
	simnic_gen_rotate(rxq);
	for (i = 0; i < nb_pkts; i++) {
		simnic_gen_write(g, rxq->gen_next_flow, pkts[i], rxq->port_id);
		pkts[i]->hash.rss = 0;
		simnic_gen_advance(rxq, g->flows);
	}
	return simnic_rx_finish(rxq, pkts, nb_pkts);
}

/*
 * NIC clock: the flow's cached verdict, valid for generation 'gen'.  A
 * stale one is computed again from the frame, which m already holds.  A
 * verdict whose COUNT list finds no room (no memory) is applied to this
 * frame alone, its counters added to at once: it stays stale, and the
 * flow's next frame is classified again.
 */
static void
simnic_rx_meta_refresh(struct simnic_rxq *rxq, struct simnic_rx_meta *e,
		       const struct rte_mbuf *m, uint32_t gen)
{
	struct simnic_rx_counts record = { .record = true };
	struct simnic_rx_counts now = { .len = m->pkt_len };
	const struct simnic_rule *fate, *taken;
	struct simnic_flow_key key;

	simnic_flow_key_extract(m, &key);
	if (simnic_switch_n_rules(rxq->priv) > 0) {
		taken = simnic_switch_lookup(rxq, &key);
		if (taken != NULL) {
			e->action = SIMNIC_META_SWITCH;
			e->mark = taken->handle_index;
			e->rss = 0;
			e->gen = gen;
			return;
		}
	}
	e->action = simnic_rx_decide(rxq, &key, &record, &e->rss, &e->mark,
				     &fate);
	if (likely(!record.full)) {
		e->gen = gen;
		return;
	}
	e->action = simnic_rx_decide(rxq, &key, &now, &e->rss, &e->mark,
				     &fate);
}

/*
 * The generation this burst's verdicts must have; resets every entry
 * once flow_gen has moved far enough for 32-bit generations to wrap
 * (see struct simnic_rx_meta).  rxq->lock is held: flow_gen is stable.
 */
static inline uint32_t
simnic_rx_meta_sync(struct simnic_rxq *rxq)
{
	uint64_t gen = rxq->priv->flow_gen;
	uint32_t i;

	if (unlikely(gen - rxq->meta_epoch >= SIMNIC_META_EPOCH_SPAN)) {
		for (i = 0; i < rxq->n_meta; i++)
			rxq->meta[i].gen = (uint32_t)(gen - 1);
		rxq->meta_epoch = gen;
	}
	/* Count lists of older generations belong to stale verdicts. */
	if (unlikely(rxq->count_lists_gen != gen)) {
		rxq->n_count_lists = 0;
		rxq->count_lists_gen = gen;
	}
	return (uint32_t)gen;
}

/*
 * NIC clock: what a NIC's Rx costs the host.  Per frame: the template
 * copy and the cached verdict's mark, flags, hash and counter.  A frame
 * the verdict drops is not even written: a NIC drops it before DMA.  The
 * classifier runs only for flows whose verdict the last rule change made
 * stale, once per flow and change (see README.md).  A verdict of the
 * switch (a transfer rule takes the frame) consumes the frame here.
 */
static uint16_t
simnic_rx_gen_nic(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_rxq *rxq = queue;
	struct simnic_private *priv = rxq->priv;
	const struct simnic_gen *g = priv->gen;
	bool isolated = __atomic_load_n(&priv->isolated, __ATOMIC_RELAXED);
	uint16_t i, kept = 0;
	uint32_t gen;

	nb_pkts = RTE_MIN(nb_pkts, SIMNIC_BURST_MAX);
	if (rxq->gen_flow_step == 0 || nb_pkts == 0)
		return 0;
	if (rte_pktmbuf_alloc_bulk(rxq->mb_pool, pkts, nb_pkts) != 0) {
		rxq->nombuf += nb_pkts;
		return 0;
	}

	simnic_gen_rotate(rxq);
	simnic_rxq_lock(rxq);
	gen = simnic_rx_meta_sync(rxq);
	for (i = 0; i < nb_pkts; i++) {
		struct simnic_rx_meta *e = &rxq->meta[rxq->gen_next_index];
		uint32_t flow = rxq->gen_next_flow;
		struct rte_mbuf *m = pkts[i];
		bool written = false;

		simnic_gen_advance(rxq, g->flows);
		if (unlikely(e->gen != gen)) {
			simnic_gen_write(g, flow, m, rxq->port_id);
			simnic_rx_meta_refresh(rxq, e, m, gen);
			written = true;
		}
		if (unlikely(simnic_meta_is_switch(e->action))) {
			if (!written)
				simnic_gen_write(g, flow, m, rxq->port_id);
			simnic_switch_take(rxq, m,
					   simnic_switch_rule(rxq, e->mark));
			pkts[i] = NULL;	/* gone, not to be freed here */
			continue;
		}
		if (!simnic_rx_account(rxq, e->action, g->len, isolated))
			continue;
		if (!written)
			simnic_gen_write(g, flow, m, rxq->port_id);
		simnic_rx_set_meta(m, e->action, e->rss, e->mark);
		/* Delivered frames to the front, dropped ones behind them. */
		pkts[i] = pkts[kept];
		pkts[kept++] = m;
	}
	simnic_rxq_unlock(rxq);

	rte_pktmbuf_free_bulk(pkts + kept, nb_pkts - kept);
	rxq->packets += kept;
	rxq->bytes += (uint64_t)kept * g->len;
	return kept;
}

/* peer */

static bool
simnic_peer_resolve(struct simnic_txq *txq)
{
	uint16_t port;

	if (rte_eth_dev_get_port_by_name(txq->priv->peer_name, &port) != 0)
		return false;
	txq->peer_port = port;
	txq->peer_resolved = true;
	return true;
}

/*
 * The peer's Rx queue this Tx queue feeds, or NULL while the peer is
 * missing or stopped (its link is down: frames are lost).  The peer is
 * checked on every burst, so it may come and go; it must not be closed
 * while a burst is being sent to it.
 */
static struct simnic_rxq *
simnic_peer_rxq(struct simnic_txq *txq)
{
	const struct rte_eth_dev *peer;

	if (!txq->peer_resolved && !simnic_peer_resolve(txq))
		return NULL;
	peer = &rte_eth_devices[txq->peer_port];
	if (peer->state != RTE_ETH_DEV_ATTACHED ||
	    peer->dev_ops != &simnic_dev_ops ||
	    strcmp(peer->data->name, txq->priv->peer_name) != 0) {
		txq->peer_resolved = false;
		return NULL;
	}
	if (!peer->data->dev_started || peer->data->nb_rx_queues == 0)
		return NULL;
	return peer->data->rx_queues[txq->queue_id %
				     peer->data->nb_rx_queues];
}

static uint16_t
simnic_tx_peer(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_txq *txq = queue;
	struct simnic_rxq *peer_rxq = simnic_peer_rxq(txq);
	uint64_t bytes;
	unsigned int n;

	if (peer_rxq == NULL || peer_rxq->ring == NULL) {
		txq->errors += nb_pkts;
		rte_pktmbuf_free_bulk(pkts, nb_pkts);
		return nb_pkts;
	}
	/* Count first: once enqueued, the peer may free the mbufs. */
	bytes = simnic_burst_bytes(pkts, nb_pkts);
	n = rte_ring_enqueue_burst(peer_rxq->ring, (void **)pkts, nb_pkts,
				   NULL);
	/* A full ring pushes back; the caller keeps what was not sent. */
	bytes -= simnic_burst_bytes(pkts + n, nb_pkts - n);
	txq->packets += n;
	txq->bytes += bytes;
	return n;
}

static uint16_t
simnic_rx_peer(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_rxq *rxq = queue;
	uint16_t steered = simnic_rx_steered(rxq, pkts, nb_pkts);
	unsigned int i, n;

	pkts += steered;
	n = rte_ring_dequeue_burst(rxq->ring, (void **)pkts,
				   nb_pkts - steered, NULL);
	for (i = 0; i < n; i++)
		simnic_rx_reset_mbuf(pkts[i], rxq->port_id);
	return steered + simnic_rx_finish(rxq, pkts, (uint16_t)n);
}

/* iface */

/* Tops the queue's stash of empty mbufs up to n; returns what it holds. */
static uint16_t
simnic_iface_stash_fill(struct simnic_rxq *rxq, uint16_t n)
{
	uint16_t missing;

	if (rxq->n_stash >= n)
		return n;
	missing = n - rxq->n_stash;
	if (rte_pktmbuf_alloc_bulk(rxq->mb_pool, &rxq->stash[rxq->n_stash],
				   missing) != 0) {
		rxq->nombuf += missing;
		return rxq->n_stash;
	}
	rxq->n_stash = n;
	return n;
}

/* Room for the PACKET_AUXDATA message of one received frame. */
union simnic_iface_cmsg {
	struct cmsghdr hdr;
	uint8_t buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
};

/*
 * Puts back into 'm' the VLAN tag that the kernel took out of the frame
 * into the socket's auxiliary data (most interfaces, veth included, strip
 * the outer tag on receive), as the wire had it: simnic offers no VLAN
 * stripping.  Returns false if the mbuf has no headroom for it.
 */
static bool
simnic_iface_restore_vlan(struct rte_mbuf *m, const struct msghdr *msg)
{
	const struct tpacket_auxdata *aux = NULL;
	struct cmsghdr *cmsg;
	uint16_t tpid;
	uint8_t *p;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR((struct msghdr *)(uintptr_t)msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_PACKET &&
		    cmsg->cmsg_type == PACKET_AUXDATA &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(*aux)))
			aux = (const void *)CMSG_DATA(cmsg);
	}
	if (aux == NULL || !(aux->tp_status & TP_STATUS_VLAN_VALID))
		return true;
	tpid = aux->tp_status & TP_STATUS_VLAN_TPID_VALID ?
	       aux->tp_vlan_tpid : RTE_ETHER_TYPE_VLAN;
	p = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_vlan_hdr));
	if (p == NULL)
		return false;
	memmove(p, p + sizeof(struct rte_vlan_hdr), 2 * RTE_ETHER_ADDR_LEN);
	*(rte_be16_t *)(p + 2 * RTE_ETHER_ADDR_LEN) = rte_cpu_to_be_16(tpid);
	*(rte_be16_t *)(p + 2 * RTE_ETHER_ADDR_LEN + 2) =
		rte_cpu_to_be_16(aux->tp_vlan_tci);
	return true;
}

static uint16_t
simnic_rx_iface(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_rxq *rxq = queue;
	struct mmsghdr msgs[SIMNIC_BURST_MAX];
	struct iovec iov[SIMNIC_BURST_MAX];
	struct sockaddr_ll from[SIMNIC_BURST_MAX];
	union simnic_iface_cmsg cmsgs[SIMNIC_BURST_MAX];
	uint16_t i, n, kept = 0, steered;
	int r;

	steered = simnic_rx_steered(rxq, pkts, nb_pkts);
	pkts += steered;
	nb_pkts -= steered;
	n = simnic_iface_stash_fill(rxq, RTE_MIN(nb_pkts, SIMNIC_BURST_MAX));
	if (n == 0)
		return steered;
	/* Use the stash from its end so that unused mbufs stay in place. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rxq->stash[rxq->n_stash - 1 - i];

		iov[i].iov_base = rte_pktmbuf_mtod(m, void *);
		iov[i].iov_len = rte_pktmbuf_tailroom(m);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_control = &cmsgs[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(cmsgs[i]);
	}
	r = recvmmsg(rxq->fd, msgs, n, MSG_DONTWAIT, NULL);
	if (r <= 0) {
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			rxq->errors++;
		return steered;
	}

	for (i = 0; i < r; i++) {
		struct rte_mbuf *m = rxq->stash[--rxq->n_stash];

		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
			rxq->errors++;	/* larger than an mbuf */
			rte_pktmbuf_free(m);
		} else if (from[i].sll_pkttype == PACKET_OUTGOING) {
			rte_pktmbuf_free(m);	/* our own Tx, seen on the way out */
		} else {
			m->data_len = (uint16_t)msgs[i].msg_len;
			m->pkt_len = msgs[i].msg_len;
			m->port = rxq->port_id;
			if (!simnic_iface_restore_vlan(m, &msgs[i].msg_hdr)) {
				rxq->errors++;
				rte_pktmbuf_free(m);
				continue;
			}
			pkts[kept++] = m;
		}
	}
	return steered + simnic_rx_finish(rxq, pkts, kept);
}

/* Sends one frame; -EAGAIN when the socket is full, other errors drop. */
static int
simnic_iface_send(int fd, struct rte_mbuf *m)
{
	struct iovec iov[SIMNIC_IFACE_MAX_SEGS];
	struct msghdr mh;
	unsigned int n = 0;

	if (m->nb_segs > SIMNIC_IFACE_MAX_SEGS)
		return -EMSGSIZE;
	for (; m != NULL; m = m->next, n++) {
		iov[n].iov_base = rte_pktmbuf_mtod(m, void *);
		iov[n].iov_len = m->data_len;
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = n;
	if (sendmsg(fd, &mh, MSG_DONTWAIT) >= 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return -EAGAIN;
	return -errno;
}

static uint16_t
simnic_tx_iface(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct simnic_txq *txq = queue;
	uint16_t i;

	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = m->pkt_len;
		int ret = simnic_iface_send(txq->fd, m);

		if (ret == -EAGAIN)
			break;
		if (ret == 0) {
			txq->packets++;
			txq->bytes += len;
		} else {
			txq->errors++;
		}
		rte_pktmbuf_free(m);
	}
	return i;
}

/* Queue setup and release, per backend. */

static int
simnic_setup_nothing(struct rte_eth_dev *dev __rte_unused,
		     struct simnic_rxq *rxq __rte_unused,
		     uint16_t nb_desc __rte_unused)
{
	return 0;
}

static void
simnic_release_nothing(struct simnic_rxq *rxq __rte_unused)
{
}

static int
simnic_txq_setup_nothing(struct rte_eth_dev *dev __rte_unused,
			 struct simnic_txq *txq __rte_unused)
{
	return 0;
}

static void
simnic_txq_release_nothing(struct simnic_txq *txq __rte_unused)
{
}

/*
 * zipf: the queue's schedule, long enough for the draws of rare flows to
 * be near their expected counts, and the first flow.  The seed differs
 * per queue, so that queues do not send their ranks in step.
 */
static int
simnic_gen_zipf_setup(struct simnic_rxq *rxq)
{
	const struct simnic_gen_spec *spec = &rxq->priv->gen_spec;
	uint32_t n = rxq->gen_n_flows;
	uint32_t len = RTE_MIN(RTE_MAX(16 * (uint64_t)n,
				       SIMNIC_GEN_ZIPF_MIN_SCHED),
			       SIMNIC_GEN_ZIPF_MAX_SCHED);

	free(rxq->gen_sched);
	rxq->gen_sched = simnic_zipf_schedule(n, spec->zipf,
					      spec->seed + rxq->queue_id, len);
	if (rxq->gen_sched == NULL) {
		SIMNIC_LOG(ERR, "%s: no memory for a Zipf schedule of %u frames",
			   rxq->priv->name, len);
		return -ENOMEM;
	}
	rxq->gen_sched_len = len;
	rxq->gen_sched_pos = 0;
	rxq->gen_rank_shift = 0;
	/* The golden ratio: the ranking takes long to come back. */
	rxq->gen_rotate_step = (uint32_t)(n * SIMNIC_GEN_ROTATE_FRACTION);
	rxq->gen_rotate_cycles = (uint64_t)spec->rotate_ms *
				 rte_get_tsc_hz() / 1000;
	rxq->gen_rotate_tsc = 0;
	simnic_gen_advance_zipf(rxq);
	return 0;
}

static int
simnic_gen_rxq_setup(struct rte_eth_dev *dev, struct simnic_rxq *rxq,
		     uint16_t nb_desc __rte_unused)
{
	const struct simnic_gen *g = rxq->priv->gen;
	uint32_t room = rte_pktmbuf_data_room_size(rxq->mb_pool) -
			RTE_PKTMBUF_HEADROOM;

	if (g->len > room) {
		SIMNIC_LOG(ERR, "%s: gen frames of %u bytes do not fit the %u-byte mbufs of pool %s",
			   rxq->priv->name, g->len, room, rxq->mb_pool->name);
		return -EINVAL;
	}
	/* Queue q sends flows q, q + nb_rxq, ...: each flow stays on one. */
	rxq->gen_next_flow = rxq->queue_id;
	rxq->gen_next_index = 0;
	rxq->gen_flow_step = rxq->queue_id < g->flows ?
			     dev->data->nb_rx_queues : 0;
	if (rxq->gen_flow_step == 0)
		return 0;
	rxq->gen_n_flows = (g->flows - 1 - rxq->queue_id) /
			   rxq->gen_flow_step + 1;
	if (rxq->priv->gen_spec.zipf != 0 && simnic_gen_zipf_setup(rxq) != 0)
		return -ENOMEM;
	if (rxq->priv->clock != SIMNIC_CLOCK_NIC)
		return 0;
	/* NIC clock: a verdict per flow of this queue, all stale for now. */
	rxq->n_meta = rxq->gen_n_flows;
	rxq->meta = calloc(rxq->n_meta, sizeof(rxq->meta[0]));
	if (rxq->meta == NULL) {
		SIMNIC_LOG(ERR, "%s: no memory for the verdicts of %u flows",
			   rxq->priv->name, rxq->n_meta);
		rxq->n_meta = 0;
		return -ENOMEM;
	}
	rxq->meta_epoch = 0;
	return 0;
}

/*
 * Queue setup that does not depend on the backend: counters for the
 * rules there are, and a steering ring where QUEUE and RSS rules can send
 * frames from other queues.  flow_lock is held for writing.
 */
int
simnic_rxq_setup_common(struct rte_eth_dev *dev, struct simnic_rxq *rxq)
{
	struct simnic_private *priv = rxq->priv;
	char name[RTE_RING_NAMESIZE];

	rxq->lock = 0;
	if (simnic_rxq_counters_resize(rxq, priv->n_flow_slots) != 0)
		return -ENOMEM;
	if (!priv->backend_ops->steers || dev->data->nb_rx_queues < 2)
		return 0;
	snprintf(name, sizeof(name), "simnic_s%u_%u", rxq->port_id,
		 rxq->queue_id);
	/* Any other Rx queue may steer here: multi-producer. */
	rxq->steer = rte_ring_create(name, SIMNIC_STEER_RING_SIZE,
				     (int)rte_socket_id(), RING_F_SC_DEQ);
	if (rxq->steer == NULL) {
		SIMNIC_LOG(ERR, "%s: cannot create ring %s: %s",
			   priv->name, name, rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

static int
simnic_peer_rxq_setup(struct rte_eth_dev *dev __rte_unused,
		      struct simnic_rxq *rxq, uint16_t nb_desc)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int size = rte_align32pow2(RTE_MAX(nb_desc, 64));

	snprintf(name, sizeof(name), "simnic_%u_%u", rxq->port_id,
		 rxq->queue_id);
	/* Several peer Tx queues may feed one Rx queue: multi-producer. */
	rxq->ring = rte_ring_create(name, RTE_MIN(size, 65536u),
				    (int)rte_socket_id(), RING_F_SC_DEQ);
	if (rxq->ring == NULL) {
		SIMNIC_LOG(ERR, "%s: cannot create ring %s: %s",
			   rxq->priv->name, name, rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

static void
simnic_peer_rxq_release(struct simnic_rxq *rxq)
{
	struct rte_mbuf *m;

	if (rxq->ring == NULL)
		return;
	while (rte_ring_dequeue(rxq->ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(rxq->ring);
	rxq->ring = NULL;
}

/* Opens an AF_PACKET socket on the port's interface. */
static int
simnic_iface_open(const struct simnic_private *priv, uint16_t protocol)
{
	struct sockaddr_ll addr;
	int fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(protocol));
	if (fd < 0) {
		err = errno;
		SIMNIC_LOG(ERR, "%s: cannot open a packet socket: %s",
			   priv->name, strerror(err));
		return -err;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sll_family = AF_PACKET;
	addr.sll_protocol = htons(protocol);
	addr.sll_ifindex = (int)priv->ifindex;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = errno;
		SIMNIC_LOG(ERR, "%s: cannot bind a packet socket to %s: %s",
			   priv->name, priv->iface, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

/* Spreads Rx over the port's queues by flow hash, as RSS would. */
static int
simnic_iface_join_fanout(const struct simnic_private *priv, int fd)
{
	int group = (getpid() ^ (priv->port_id << 4)) & 0xffff;
	int val = group | (PACKET_FANOUT_HASH << 16);

	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof(val)) < 0) {
		int err = errno;

		SIMNIC_LOG(ERR, "%s: cannot join packet fanout group %d on %s: %s",
			   priv->name, group, priv->iface, strerror(err));
		return -err;
	}
	return 0;
}

static int
simnic_iface_rxq_setup(struct rte_eth_dev *dev, struct simnic_rxq *rxq,
		       uint16_t nb_desc __rte_unused)
{
	int one = 1;
	int ret;

	rxq->fd = simnic_iface_open(rxq->priv, ETH_P_ALL);
	if (rxq->fd < 0)
		return rxq->fd;
	/* Saves copying our own Tx back; Rx filters it anyway on old kernels. */
	(void)setsockopt(rxq->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			 sizeof(one));
	/* VLAN tags that the interface stripped come back in auxiliary data. */
	if (setsockopt(rxq->fd, SOL_PACKET, PACKET_AUXDATA, &one,
		       sizeof(one)) < 0) {
		ret = -errno;
		SIMNIC_LOG(ERR, "%s: cannot ask %s for packet auxiliary data: %s",
			   rxq->priv->name, rxq->priv->iface, strerror(-ret));
		close(rxq->fd);
		rxq->fd = -1;
		return ret;
	}
	if (dev->data->nb_rx_queues > 1) {
		ret = simnic_iface_join_fanout(rxq->priv, rxq->fd);
		if (ret != 0) {
			close(rxq->fd);
			rxq->fd = -1;
			return ret;
		}
	}
	return 0;
}

static void
simnic_iface_rxq_release(struct simnic_rxq *rxq)
{
	if (rxq->fd >= 0)
		close(rxq->fd);
	rxq->fd = -1;
	rte_pktmbuf_free_bulk(rxq->stash, rxq->n_stash);
	rxq->n_stash = 0;
}

static int
simnic_iface_txq_setup(struct rte_eth_dev *dev __rte_unused,
		       struct simnic_txq *txq)
{
	/* Protocol 0: a send-only socket, it receives nothing. */
	txq->fd = simnic_iface_open(txq->priv, 0);
	return txq->fd < 0 ? txq->fd : 0;
}

static void
simnic_iface_txq_release(struct simnic_txq *txq)
{
	if (txq->fd >= 0)
		close(txq->fd);
	txq->fd = -1;
}

static const struct simnic_backend_ops simnic_backends[] = {
	[SIMNIC_BACKEND_SINK] = {
		.name = "sink",
		.rx_burst = simnic_rx_nothing,
		.tx_burst = simnic_tx_sink,
		.rxq_setup = simnic_setup_nothing,
		.rxq_release = simnic_release_nothing,
		.txq_setup = simnic_txq_setup_nothing,
		.txq_release = simnic_txq_release_nothing,
	},
	[SIMNIC_BACKEND_IFACE] = {
		.name = "iface",
		.steers = true,
		.rx_burst = simnic_rx_iface,
		.tx_burst = simnic_tx_iface,
		.rxq_setup = simnic_iface_rxq_setup,
		.rxq_release = simnic_iface_rxq_release,
		.txq_setup = simnic_iface_txq_setup,
		.txq_release = simnic_iface_txq_release,
	},
	[SIMNIC_BACKEND_GEN] = {
		.name = "gen",
		.rx_burst = simnic_rx_gen_host,
		.rx_burst_nic = simnic_rx_gen_nic,
		.tx_burst = simnic_tx_sink,
		.rxq_setup = simnic_gen_rxq_setup,
		.rxq_release = simnic_release_nothing,
		.txq_setup = simnic_txq_setup_nothing,
		.txq_release = simnic_txq_release_nothing,
	},
	[SIMNIC_BACKEND_PEER] = {
		.name = "peer",
		.steers = true,
		.rx_burst = simnic_rx_peer,
		.tx_burst = simnic_tx_peer,
		.rxq_setup = simnic_peer_rxq_setup,
		.rxq_release = simnic_peer_rxq_release,
		.txq_setup = simnic_txq_setup_nothing,
		.txq_release = simnic_txq_release_nothing,
	},
};

const struct simnic_backend_ops *
simnic_backend_ops_get(enum simnic_backend backend)
{
	return &simnic_backends[backend];
}

/* gen template */

static uint16_t
simnic_gen_l4_len(const struct simnic_gen_spec *spec)
{
	return spec->l4_proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
					       sizeof(struct rte_udp_hdr);
}

static uint16_t
simnic_gen_l3_off(const struct simnic_gen_spec *spec)
{
	return RTE_ETHER_HDR_LEN +
	       (spec->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
}

/* The smallest frame that holds the spec's headers. */
uint16_t
simnic_gen_min_size(const struct simnic_gen_spec *spec)
{
	return simnic_gen_l3_off(spec) +
	       (spec->ip_version == 4 ? sizeof(struct rte_ipv4_hdr) :
					sizeof(struct rte_ipv6_hdr)) +
	       simnic_gen_l4_len(spec);
}

static uint16_t
simnic_gen_frame_len(const struct simnic_gen_spec *spec)
{
	if (spec->size != 0)
		return spec->size;
	return RTE_MAX(simnic_gen_min_size(spec),
		       (uint16_t)SIMNIC_GEN_DEFAULT_SIZE);
}

static void
simnic_gen_build_eth(const struct simnic_private *priv, struct simnic_gen *g,
		     const struct simnic_gen_spec *spec)
{
	static const struct rte_ether_addr src = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
	uint8_t *p = g->tpl;
	rte_be16_t type = rte_cpu_to_be_16(spec->ip_version == 4 ?
			RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);

	memcpy(p, &priv->mac, RTE_ETHER_ADDR_LEN);
	memcpy(p + RTE_ETHER_ADDR_LEN, &src, RTE_ETHER_ADDR_LEN);
	if (spec->vlan != 0) {
		rte_be16_t tpid = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		rte_be16_t tci = rte_cpu_to_be_16(spec->vlan);

		memcpy(p + 12, &tpid, 2);
		memcpy(p + 14, &tci, 2);
		memcpy(p + 16, &type, 2);
	} else {
		memcpy(p + 12, &type, 2);
	}
}

/* Builds the IP header; returns its pseudo-header sum for L4. */
static uint32_t
simnic_gen_build_ip(struct simnic_gen *g, const struct simnic_gen_spec *spec,
		    uint16_t l3_off, uint16_t l4_len)
{
	uint8_t *p = g->tpl + l3_off;
	uint32_t sum;

	if (spec->ip_version == 4) {
		struct rte_ipv4_hdr ip;
		rte_be16_t len = rte_cpu_to_be_16(l4_len);

		memset(&ip, 0, sizeof(ip));
		ip.version_ihl = RTE_IPV4_VHL_DEF;
		ip.total_length = rte_cpu_to_be_16(sizeof(ip) + l4_len);
		ip.time_to_live = 64;
		ip.next_proto_id = spec->l4_proto;
		ip.dst_addr = rte_cpu_to_be_32(SIMNIC_GEN_IP4_DST);
		memcpy(p, &ip, sizeof(ip));
		g->src_ip_off = l3_off + offsetof(struct rte_ipv4_hdr,
						  src_addr);
		g->ip4_csum_off = l3_off + offsetof(struct rte_ipv4_hdr,
						    hdr_checksum);
		g->ip4_csum_base = simnic_csum_add(0, &ip, sizeof(ip));
		sum = simnic_csum_add(0, &ip.dst_addr, 4);
		sum += rte_cpu_to_be_16(spec->l4_proto);
		return simnic_csum_add(sum, &len, sizeof(len));
	} else {
		/* fd00::<flow + 1> to fd00:0:0:1::1 */
		static const uint8_t dst[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1,
						 0, 0, 0, 0, 0, 0, 0, 1 };
		struct rte_ipv6_hdr ip;
		rte_be32_t len32 = rte_cpu_to_be_32(l4_len);

		memset(&ip, 0, sizeof(ip));
		ip.vtc_flow = RTE_BE32(6u << 28);
		ip.payload_len = rte_cpu_to_be_16(l4_len);
		ip.proto = spec->l4_proto;
		ip.hop_limits = 64;
		ip.src_addr[0] = 0xfd;
		memcpy(ip.dst_addr, dst, sizeof(dst));
		memcpy(p, &ip, sizeof(ip));
		g->src_ip_off = l3_off + offsetof(struct rte_ipv6_hdr,
						  src_addr) + 12;
		g->ip4_csum_off = 0;
		sum = simnic_csum_add(0, ip.src_addr, sizeof(ip.src_addr));
		sum = simnic_csum_add(sum, ip.dst_addr, sizeof(ip.dst_addr));
		sum = simnic_csum_add(sum, &len32, sizeof(len32));
		return sum + rte_cpu_to_be_16(spec->l4_proto);
	}
}

static void
simnic_gen_build_l4(struct simnic_gen *g, const struct simnic_gen_spec *spec,
		    uint16_t l4_off)
{
	uint8_t *p = g->tpl + l4_off;

	g->l4_off = l4_off;
	if (spec->l4_proto == IPPROTO_TCP) {
		struct rte_tcp_hdr tcp;

		memset(&tcp, 0, sizeof(tcp));
		tcp.dst_port = RTE_BE16(SIMNIC_GEN_DST_PORT);
		tcp.sent_seq = RTE_BE32(1);
		tcp.data_off = (sizeof(tcp) / 4) << 4;
		tcp.tcp_flags = RTE_TCP_ACK_FLAG;
		tcp.rx_win = RTE_BE16(65535);
		memcpy(p, &tcp, sizeof(tcp));
		g->l4_csum_off = l4_off + offsetof(struct rte_tcp_hdr, cksum);
	} else {
		struct rte_udp_hdr udp;

		memset(&udp, 0, sizeof(udp));
		udp.dst_port = RTE_BE16(SIMNIC_GEN_DST_PORT);
		udp.dgram_len = rte_cpu_to_be_16(g->len - l4_off);
		memcpy(p, &udp, sizeof(udp));
		g->l4_csum_off = l4_off + offsetof(struct rte_udp_hdr,
						   dgram_cksum);
		g->udp = true;
	}
}

/* Builds the port's frame template from its gen spec. */
int
simnic_gen_prepare(struct simnic_private *priv)
{
	const struct simnic_gen_spec *spec = &priv->gen_spec;
	uint16_t len = simnic_gen_frame_len(spec);
	uint16_t l3_off = simnic_gen_l3_off(spec);
	uint16_t l4_off = simnic_gen_min_size(spec) - simnic_gen_l4_len(spec);
	uint16_t l4_total = len - l4_off;
	uint32_t pseudo, i;
	struct simnic_gen *g;

	g = rte_zmalloc_socket("simnic_gen", sizeof(*g) + len,
			       RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (g == NULL)
		return -ENOMEM;
	g->flows = spec->flows;
	g->len = len;
	/* A payload pattern that tools can recognise. */
	for (i = simnic_gen_min_size(spec); i < len; i++)
		g->tpl[i] = (uint8_t)i;

	simnic_gen_build_eth(priv, g, spec);
	pseudo = simnic_gen_build_ip(g, spec, l3_off, l4_total);
	simnic_gen_build_l4(g, spec, l4_off);
	g->l4_csum_base = simnic_csum_add(pseudo, g->tpl + l4_off, l4_total);

	priv->gen = g;
	return 0;
}

void
simnic_gen_free(struct simnic_private *priv)
{
	rte_free(priv->gen);
	priv->gen = NULL;
}
