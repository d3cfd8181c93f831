/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * simnic: a software NIC with an rte_flow engine.
 *
 * Private declarations shared by the driver's files:
 *   simnic_ethdev.c     devargs, probe/remove, ethdev ops, registration
 *   simnic_rxtx.c       backends (iface, gen, sink, peer), the Rx
 *                       classification step every backend runs, and the
 *                       gen backend's per-flow result cache (NIC clock)
 *   simnic_flow.c       rte_flow ops, pattern/action parsing, flow handles
 *   simnic_flow_table.c packet key extraction and the lookup engine
 *   simnic_profile.c    profiles (devarg profile): what a real NIC's PMD
 *                       accepts, refuses and widens, emulated
 *   simnic_rss.c        the Toeplitz RSS hash
 *   simnic_zipf.c       the gen backend's skewed flow popularity
 *   simnic_switch.c     switch domains: transfer rules forward frames
 *                       between the domain's ports
 *   simnic_modify.c     the header rewrites of transfer rules
 *   simnic_xstats.c     driver-specific extended statistics
 */

#ifndef SIMNIC_H
#define SIMNIC_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_flow.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_rwlock.h>
#include <ethdev_driver.h>

extern int simnic_logtype;

#define SIMNIC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, simnic_logtype, \
		"simnic: " fmt "\n", ##__VA_ARGS__)

/* Queues per direction; OVS asks for one Tx queue per PMD thread plus one. */
#define SIMNIC_MAX_QUEUES	64
/* Largest burst a backend handles in one call; larger requests are cut. */
#define SIMNIC_BURST_MAX	64
/* Largest frame the emulated wire carries (jumbo, without FCS). */
#define SIMNIC_MAX_FRAME_LEN	9216

/* Generator limits, see simnic_gen_spec. */
#define SIMNIC_GEN_MAX_FLOWS	(1u << 20)
/* Rules at once (devarg max_rules); rule indexes must fit in 24 bits. */
#define SIMNIC_MAX_RULES_LIMIT	(1u << 24)
/* Ring of frames a QUEUE or RSS rule moved to another Rx queue. */
#define SIMNIC_STEER_RING_SIZE	1024

enum simnic_backend {
	SIMNIC_BACKEND_SINK,	/* Rx nothing, Tx counts and frees */
	SIMNIC_BACKEND_IFACE,	/* AF_PACKET socket on a Linux netdev */
	SIMNIC_BACKEND_GEN,	/* built-in traffic generator */
	SIMNIC_BACKEND_PEER,	/* back-to-back with another simnic port */
};

/*
 * Whose clock a gen port's classification runs on (devarg offload_clock).
 * NIC: classification results are cached per generated flow and reused
 * until the rules change, so that Rx costs the host what a real NIC's Rx
 * costs.  HOST: every frame is classified in rx_burst, as on peer and
 * iface ports, whose frames are not known in advance.
 */
enum simnic_offload_clock {
	SIMNIC_CLOCK_HOST,
	SIMNIC_CLOCK_NIC,
};

/* The traffic the gen backend produces; see README.md for the syntax. */
struct simnic_gen_spec {
	uint32_t flows;		/* distinct 5-tuples, 1..SIMNIC_GEN_MAX_FLOWS */
	uint8_t ip_version;	/* 4 or 6 */
	uint8_t l4_proto;	/* IPPROTO_UDP or IPPROTO_TCP */
	uint16_t vlan;		/* VLAN id, 0 for untagged frames */
	uint16_t size;		/* frame length without FCS, 0 = default */
	double zipf;		/* Zipf exponent of flow popularity, 0 = none */
	uint32_t seed;		/* seeds the Zipf draws */
	uint32_t rotate_ms;	/* Zipf: the ranking moves this often, 0 = never */
};

/* gen zipf: the exponent's range, and how long the ranking may stay. */
#define SIMNIC_GEN_MAX_ZIPF	10.0
#define SIMNIC_GEN_MAX_ROTATE_MS	(3600u * 1000)

/* Devarg insert_latency_us: at most a second. */
#define SIMNIC_MAX_INSERT_LATENCY_US	1000000u

/* The device capabilities that devargs can restrict. */
struct simnic_caps {
	uint32_t max_rules;	/* rules installed at once */
	uint32_t max_masks;	/* distinct match masks (hash tables) */
	uint32_t max_mark;	/* largest MARK id accepted */
	uint32_t fail_every;	/* every Nth create fails, 0 = never */
	uint32_t insert_latency_us;	/* create and destroy wait this long */
	bool count;		/* COUNT action available */
	bool mark;		/* MARK and FLAG actions available */
	bool integrity;		/* INTEGRITY pattern item available */
	uint64_t actions_off;	/* transfer actions taken away, by index */
};

/*
 * The fields a rule can match, as found in a packet.  All multi-byte fields
 * are in network order, exactly as on the wire, so that rte_flow specs and
 * masks copy over unchanged.  The struct has no implicit padding and its
 * size is a multiple of 8, so that masking and comparing run on 64-bit
 * words; keys are always zeroed before being filled.
 */
struct simnic_flow_key {
	struct rte_ether_addr eth_dst;
	struct rte_ether_addr eth_src;
	rte_be16_t eth_type;		/* first EtherType or TPID */
	rte_be16_t vlan_tci;		/* outer tag */
	rte_be16_t vlan_inner_type;	/* EtherType or TPID after it */
	uint8_t flags;			/* SIMNIC_KEY_F_* */
	uint8_t l3;			/* SIMNIC_L3_* */
	uint8_t ip_src[16];		/* IPv4 in the first 4 bytes */
	uint8_t ip_dst[16];
	rte_be32_t ip6_vtc_flow;	/* version, traffic class, label */
	rte_be16_t ip4_frag;		/* flags and fragment offset */
	uint8_t ip_proto;		/* IPv4 protocol, IPv6 next header */
	uint8_t ip_tos;			/* IPv4 only */
	uint8_t ip_ttl;			/* IPv4 TTL, IPv6 hop limit */
	uint8_t l4;			/* IPPROTO_* of a parsed L4 header */
	uint8_t tcp_data_off;
	uint8_t tcp_flags;
	rte_be16_t l4_src;		/* TCP, UDP and SCTP ports */
	rte_be16_t l4_dst;
	uint8_t icmp_type;		/* ICMP and ICMPv6 */
	uint8_t icmp_code;
	uint16_t in_port;		/* the port it came in by (transfer) */
} __rte_aligned(8);

#define SIMNIC_KEY_WORDS (sizeof(struct simnic_flow_key) / sizeof(uint64_t))

#define SIMNIC_KEY_F_HAS_VLAN		RTE_BIT32(0)
#define SIMNIC_KEY_F_HAS_MORE_VLAN	RTE_BIT32(1)
#define SIMNIC_KEY_F_IP6_FRAG_EXT	RTE_BIT32(2)
/*
 * Integrity (RTE_FLOW_ITEM_TYPE_INTEGRITY), see simnic_flow_table.c for
 * the exact checks.  L3_OK: the IPv4/IPv6 header's lengths are consistent
 * with each other and with the frame.  L4_OK: L3_OK, and the L4 header
 * fits in the L4 length that the IP header gives.  L3_LEN_OK: the IP
 * header's L3 length fits in the frame.  L4_OK implies L3_OK, which
 * implies L3_LEN_OK.
 */
#define SIMNIC_KEY_F_L3_OK		RTE_BIT32(3)
#define SIMNIC_KEY_F_L4_OK		RTE_BIT32(4)
#define SIMNIC_KEY_F_L3_LEN_OK		RTE_BIT32(5)

#define SIMNIC_L3_NONE	0
#define SIMNIC_L3_IPV4	4
#define SIMNIC_L3_IPV6	6

/*
 * What happens to a packet a rule matches, beyond MARK/FLAG/COUNT.  Every
 * fate but PASSTHRU ends the lookup: the rule is terminating.
 */
enum simnic_fate {
	SIMNIC_FATE_DEFAULT,	/* no fate action: as without rules */
	SIMNIC_FATE_PASSTHRU,	/* leave it to the next matching rule */
	SIMNIC_FATE_DROP,
	SIMNIC_FATE_QUEUE,
	SIMNIC_FATE_RSS,
	SIMNIC_FATE_PORT,	/* transfer: out of another port of the switch */
};

/*
 * The header rewrites of transfer rules (simnic_modify.c), and the
 * actions devarg actions_off can take away (SIMNIC_ACT_*: bits of
 * simnic_caps.actions_off).
 */
enum simnic_modify_op {
	SIMNIC_MOD_POP_VLAN,
	SIMNIC_MOD_PUSH_VLAN,
	SIMNIC_MOD_SET_VLAN_VID,
	SIMNIC_MOD_SET_VLAN_PCP,
	SIMNIC_MOD_SET_MAC_SRC,
	SIMNIC_MOD_SET_MAC_DST,
	SIMNIC_MOD_SET_IPV4_SRC,
	SIMNIC_MOD_SET_IPV4_DST,
	SIMNIC_MOD_SET_IPV6_SRC,
	SIMNIC_MOD_SET_IPV6_DST,
	SIMNIC_MOD_SET_TP_SRC,
	SIMNIC_MOD_SET_TP_DST,
	SIMNIC_MOD_SET_TTL,
	SIMNIC_MOD_DEC_TTL,
};

/* One rewrite: the value in network order, as in the action's conf. */
struct simnic_modify {
	uint8_t op;			/* enum simnic_modify_op */
	uint8_t value[16];
};

/* Rewrites per rule. */
#define SIMNIC_MAX_MODIFY	16

struct simnic_flow_entry;

/*
 * One installed rule: the compiled pattern, the actions and the counters.
 * Applications see it only through an opaque handle (see simnic_flow.c).
 */
struct simnic_rule {
	struct simnic_flow_key key;	/* spec & mask */
	struct simnic_flow_key mask;
	uint32_t priority;		/* lower value wins */
	uint64_t seq;			/* creation order, breaks ties */

	uint32_t mark_id;
	bool has_mark;
	bool has_flag;
	bool has_count;
	enum simnic_fate fate;
	uint16_t queue;			/* QUEUE index, or first RSS queue */
	uint16_t rss_queue_num;
	uint64_t rss_queues;		/* RSS: the action's queues, a map */
	uint64_t rss_types;		/* RSS: the action's types */
	bool transfer;			/* in the switch's table */
	uint16_t out_port;		/* PORT: the port it leaves by */
	/*
	 * COUNT of a transfer rule: frames of every port of the switch hit
	 * it, on any thread, so it counts with atomics, not per Rx queue.
	 */
	uint64_t switch_hits;
	uint64_t switch_bytes;
	/* Transfer: header rewrites, in order (NULL when none). */
	struct simnic_modify *mods;
	uint8_t n_mods;

	/* The profile's classes of the rule; see simnic_profile.c. */
	uint8_t profile_class;
	uint64_t profile_inset;

	/* Owned by the flow table. */
	struct simnic_flow_entry *entry;
	struct simnic_rule *entry_next;
	/* Handle slot; also the rule's COUNT index in struct simnic_rxq. */
	uint32_t handle_index;
};

/* COUNT: one per rule and Rx queue, summed when queried. */
struct simnic_counter {
	uint64_t hits;
	uint64_t bytes;
};

/* The RSS configuration and hash tables; see simnic_rss.c. */
#define SIMNIC_RSS_KEY_LEN	40
/* The hash types simnic knows, and the default of RSS actions. */
#define SIMNIC_RSS_TYPES \
	(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_SCTP)
struct simnic_rss;

/*
 * Profile state that a real PMD keeps per port (simnic_profile.c): what
 * the installed rules fixed for the rules after them.
 */
#define SIMNIC_PROFILE_CLASSES	16
struct simnic_profile_state {
	/* Installed rules per class (ixgbe: fdir, RSS; i40e: pctype). */
	uint32_t n_rules[SIMNIC_PROFILE_CLASSES];
	/* The class's fixed input: i40e's input set per pctype. */
	uint64_t inset[SIMNIC_PROFILE_CLASSES];
	/* ixgbe: the global fdir mask, fixed by the first fdir rule. */
	struct simnic_flow_key mask;
};

struct simnic_profile;
struct simnic_switch;
struct simnic_flow_table;
struct simnic_flow_slot;
struct simnic_gen;
struct simnic_rx_meta;

/* The port's private data (dev->data->dev_private). */
struct simnic_private {
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t port_id;
	struct rte_eth_dev_data *dev_data;
	struct rte_ether_addr mac;
	enum simnic_backend backend;
	const struct simnic_backend_ops *backend_ops;

	char iface[IF_NAMESIZE];		/* iface backend */
	unsigned int ifindex;
	char peer_name[RTE_ETH_NAME_MAX_LEN];	/* peer backend */
	struct simnic_gen_spec gen_spec;	/* gen backend */
	struct simnic_gen *gen;
	enum simnic_offload_clock clock;

	struct simnic_caps caps;
	const struct simnic_profile *profile;	/* devarg profile */
	struct simnic_profile_state profile_state;	/* under flow_lock */
	uint64_t rx_metadata;	/* RTE_ETH_RX_METADATA_* negotiated */
	struct simnic_rss *rss;
	bool rss_hash_on;	/* frames get hash.rss (set at start) */

	/*
	 * Rules change on control threads while Rx threads look packets up.
	 *
	 * Rx side: each Rx queue has a spinlock of its own (rxq->lock), held
	 * for a whole burst around every use of the rules, the counters and
	 * the gen cache.  Nobody else takes it on the data path, so it stays
	 * in the Rx core's cache: one uncontended atomic per burst, and Rx
	 * queues on different cores never share a lock's cache line.
	 *
	 * Control side: flow_lock, a reader/writer lock, serializes rte_flow
	 * operations (writers) against each other and against readers of
	 * the table (validate, dump, xstats).  An operation that changes what
	 * Rx sees (the table, the counters, flow_gen) also takes every Rx
	 * queue's lock, in queue order, after flow_lock: simnic_rxqs_lock().
	 * Once it returns, no burst can still be using the old rules, so a
	 * rule is freed as soon as it is unlinked and no destroyed rule
	 * marks a frame afterwards.
	 *
	 * Chosen over an RCU-style table swap because it keeps updates O(1)
	 * (no copy of a table that may hold a million rules).
	 */
	rte_rwlock_t flow_lock;
	/* Bumped by every change of the rules; see struct simnic_rx_meta. */
	uint64_t flow_gen;
	struct simnic_flow_table *flow_table;
	struct simnic_flow_slot *flow_slots;	/* handle -> rule */
	uint32_t n_flow_slots;
	uint32_t flow_free_slot;		/* head of the free list */
	uint32_t n_rules;			/* read by Rx without the lock */
	uint64_t flow_seq;
	uint64_t flow_create_calls;		/* for fail_every */
	bool isolated;

	/* Control-path counters; flow ops may run on several threads. */
	uint64_t flow_creates;
	uint64_t flow_destroys;
	uint64_t flow_create_failures;

	/*
	 * Switch domain (devargs switch, vf): NULL when the port is in none.
	 * vf is the VF this port represents, -1 for the switch's PF, which
	 * is its transfer proxy.  The wire queue sends what transfer rules
	 * forward out of this port; Rx threads of every port of the switch
	 * use it, one at a time (wire_lock).  See simnic_switch.c.
	 */
	struct simnic_switch *sw;
	int32_t vf;
	struct simnic_txq *wire_txq;
	uint32_t wire_lock;
	uint64_t switch_out_packets;	/* atomics: any Rx thread adds */
	uint64_t switch_out_bytes;
	uint64_t switch_out_errors;
};

struct simnic_rxq {
	struct simnic_private *priv;
	struct rte_mempool *mb_pool;
	uint16_t port_id;
	uint16_t queue_id;
	uint32_t lock;			/* see simnic_rxq_lock() */

	/* COUNT, indexed by rule handle_index; n_counters >= n_flow_slots. */
	struct simnic_counter *counters;
	uint32_t n_counters;

	int fd;				/* iface: AF_PACKET socket */
	uint16_t n_stash;		/* iface: mbufs kept for next recv */
	struct rte_mbuf *stash[SIMNIC_BURST_MAX];
	struct rte_ring *ring;		/* peer: filled by the peer's Tx */
	struct rte_ring *steer;		/* peer, iface: from other rxqs */
	uint32_t gen_next_flow;		/* gen: this queue's flows */
	uint32_t gen_flow_step;
	uint32_t gen_next_index;	/* gen: gen_next_flow / gen_flow_step */
	/*
	 * gen with zipf: the queue sends the flow indexes of 'gen_sched' in
	 * a loop, each moved by gen_rank_shift (mod gen_n_flows), which
	 * grows by gen_rotate_step every gen_rotate_cycles TSC cycles.
	 */
	uint32_t *gen_sched;
	uint32_t gen_sched_len;
	uint32_t gen_sched_pos;
	uint32_t gen_n_flows;		/* this queue's flows */
	uint32_t gen_rank_shift;
	uint32_t gen_rotate_step;
	uint64_t gen_rotate_cycles;	/* 0: the ranking never moves */
	uint64_t gen_rotate_tsc;	/* next move; 0 until the first burst */
	struct simnic_rx_meta *meta;	/* gen, NIC clock: one per flow */
	uint32_t n_meta;
	uint64_t meta_epoch;		/* flow_gen at the last reset */
	/*
	 * gen, NIC clock: the COUNT rules of verdicts that have several
	 * (PASSTHRU rules), as lists [n, index, ...]; they belong to
	 * generation count_lists_gen and go with it.
	 */
	uint32_t *count_lists;
	uint32_t n_count_lists;		/* entries in use */
	uint32_t count_lists_size;	/* entries allocated */
	uint64_t count_lists_gen;

	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
	uint64_t nombuf;
	uint64_t flow_hits;
	uint64_t flow_misses;
	uint64_t flow_drops;
	uint64_t steered;		/* frames moved to another queue */
	uint64_t steer_drops;		/* ... lost: that queue was full */
	uint64_t switched;		/* forwarded by a transfer rule */
	uint64_t switch_drops;		/* dropped by a transfer rule */
};

struct simnic_txq {
	struct simnic_private *priv;
	uint16_t queue_id;

	int fd;				/* iface: AF_PACKET socket */
	uint16_t peer_port;		/* peer: resolved on first use */
	bool peer_resolved;

	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
};

/* What differs between backends; see simnic_rxtx.c. */
struct simnic_backend_ops {
	const char *name;
	bool steers;		/* QUEUE and RSS rules move frames */
	eth_rx_burst_t rx_burst;
	eth_rx_burst_t rx_burst_nic;	/* NIC clock, if it differs */
	eth_tx_burst_t tx_burst;
	int (*rxq_setup)(struct rte_eth_dev *dev, struct simnic_rxq *rxq,
			 uint16_t nb_desc);
	void (*rxq_release)(struct simnic_rxq *rxq);
	int (*txq_setup)(struct rte_eth_dev *dev, struct simnic_txq *txq);
	void (*txq_release)(struct simnic_txq *txq);
};

/*
 * An Rx queue's lock (see simnic_private.flow_lock): a test-and-test-and-
 * set spinlock, as rte_spinlock's generic version, but written with
 * compiler atomics on every architecture: x86's rte_spinlock is inline
 * assembly, which ThreadSanitizer cannot see as synchronization.
 */
static inline void
simnic_spin_lock(uint32_t *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0)
		while (__atomic_load_n(lock, __ATOMIC_RELAXED) != 0)
			rte_pause();
}

static inline void
simnic_spin_unlock(uint32_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static inline void
simnic_rxq_lock(struct simnic_rxq *rxq)
{
	simnic_spin_lock(&rxq->lock);
}

static inline void
simnic_rxq_unlock(struct simnic_rxq *rxq)
{
	simnic_spin_unlock(&rxq->lock);
}

/* simnic_ethdev.c */
extern const struct eth_dev_ops simnic_dev_ops;
struct simnic_txq *simnic_txq_create(struct rte_eth_dev *dev, uint16_t qid,
				     int socket_id, int *err);
void simnic_txq_free(struct simnic_txq *txq);

/* simnic_switch.c */
#define SIMNIC_SWITCH_NAME_MAX	32
#define SIMNIC_MAX_VF		4095
int simnic_switch_join(struct simnic_private *priv, const char *name,
		       int32_t vf);
void simnic_switch_leave(struct simnic_private *priv);
int simnic_switch_port_start(struct simnic_private *priv);
void simnic_switch_port_stop(struct simnic_private *priv);
void simnic_switch_info(const struct simnic_private *priv,
			struct rte_eth_switch_info *info);
bool simnic_switch_is_proxy(const struct simnic_private *priv);
int simnic_switch_proxy(const struct simnic_private *priv, uint16_t *port);
bool simnic_switch_has_port(const struct simnic_private *priv,
			    uint32_t port_id);
void simnic_switch_queues_lock(const struct simnic_private *priv);
void simnic_switch_queues_unlock(const struct simnic_private *priv);
void simnic_switch_rxqs_lock(struct simnic_private *priv);
void simnic_switch_rxqs_unlock(struct simnic_private *priv);
struct simnic_flow_table *
simnic_switch_table(const struct simnic_private *priv);
uint32_t simnic_switch_n_rules(const struct simnic_private *priv);
void simnic_switch_n_rules_add(struct simnic_private *priv, int delta);
bool simnic_switch_rx(struct simnic_rxq *rxq, struct rte_mbuf *m,
		      const struct simnic_flow_key *key);
void simnic_switch_take(struct simnic_rxq *rxq, struct rte_mbuf *m,
			struct simnic_rule *rule);
struct simnic_rule *simnic_switch_lookup(const struct simnic_rxq *rxq,
					 const struct simnic_flow_key *key);
struct simnic_rule *simnic_switch_rule(const struct simnic_rxq *rxq,
				       uint32_t index);
void simnic_switch_gen_bump(struct simnic_private *proxy);
const char *simnic_switch_name(const struct simnic_private *priv);

/* simnic_rxtx.c */
const struct simnic_backend_ops *simnic_backend_ops_get(enum simnic_backend b);
int simnic_gen_prepare(struct simnic_private *priv);
void simnic_gen_free(struct simnic_private *priv);
uint16_t simnic_gen_min_size(const struct simnic_gen_spec *spec);
void simnic_rxqs_lock(struct simnic_private *priv);
void simnic_rxqs_unlock(struct simnic_private *priv);
int simnic_rxq_counters_resize(struct simnic_rxq *rxq, uint32_t n);
int simnic_rxq_setup_common(struct rte_eth_dev *dev, struct simnic_rxq *rxq);
void simnic_rxq_free_common(struct simnic_rxq *rxq);

/* simnic_modify.c */
int simnic_modify_apply(struct rte_mbuf **mp, const struct simnic_rule *rule);

/* simnic_zipf.c */
uint32_t *simnic_zipf_schedule(uint32_t n, double s, uint32_t seed,
			       uint32_t len);

/* simnic_rss.c */
extern const uint8_t simnic_rss_default_key[SIMNIC_RSS_KEY_LEN];
struct simnic_rss *simnic_rss_create(void);
void simnic_rss_free(struct simnic_rss *rss);
void simnic_rss_set_key(struct simnic_rss *rss, const uint8_t *key);
void simnic_rss_get_key(const struct simnic_rss *rss, uint8_t *key);
void simnic_rss_set_types(struct simnic_rss *rss, uint64_t rss_hf);
uint64_t simnic_rss_get_types(const struct simnic_rss *rss);
bool simnic_rss_hash(const struct simnic_rss *rss,
		     const struct simnic_flow_key *key, uint32_t *hash);
bool simnic_rss_hash_types(const struct simnic_rss *rss,
			   const struct simnic_flow_key *key, uint64_t rss_hf,
			   uint32_t *hash);

/* simnic_flow.c */
extern const struct rte_flow_ops simnic_flow_ops;
int simnic_flow_init(struct simnic_private *priv);
void simnic_flow_uninit(struct simnic_private *priv);
void simnic_flow_flush_all(struct simnic_private *priv);
void simnic_flow_gen_bump(struct simnic_private *priv);
struct simnic_rule *simnic_flow_rule_at(const struct simnic_private *priv,
					uint32_t index);
int simnic_transfer_action_find(const char *name);
void simnic_transfer_action_names(char *buf, size_t size);

int __rte_format_printf(5, 6)
simnic_flow_error(struct rte_flow_error *error, int code,
		  enum rte_flow_error_type type, const void *cause,
		  const char *fmt, ...);

/*
 * simnic_profile.c: a profile makes the port accept, refuse and widen
 * rules as a real NIC's PMD does.  The hooks run in this order:
 *   check   after simnic's own parsing, by validate and create alike: the
 *           PMD's refusals at parse time (create says whether it is
 *           create, for PMDs whose create reports them differently);
 *   widen   then, silently: what the PMD leaves out of the match;
 *   admit   at create only, flow_lock held: conflicts with the rules
 *           installed (state the first rule fixed), as the PMDs do not
 *           check these at validate;
 *   account after a rule goes in (+1) or out (-1), flow_lock held;
 *           a flush resets the state instead.
 * Hooks left NULL accept and change nothing.
 */
struct simnic_profile {
	const char *name;
	uint32_t max_rules;		/* default of devarg max_rules */
	bool validate_checks_room;	/* validate reports a full table */
	int full_errno;			/* table full: errno, 0 = simnic's */
	const char *full_msg;		/* ... and message */
	int (*check)(const struct rte_eth_dev *dev,
		     const struct rte_flow_attr *attr,
		     const struct rte_flow_item pattern[],
		     const struct rte_flow_action actions[],
		     struct simnic_rule *rule, bool create,
		     struct rte_flow_error *error);
	void (*widen)(const struct rte_flow_item pattern[],
		      struct simnic_rule *rule);
	int (*admit)(const struct simnic_private *priv,
		     const struct simnic_rule *rule,
		     struct rte_flow_error *error);
	void (*account)(struct simnic_private *priv,
			const struct simnic_rule *rule, int delta);
};

extern const struct simnic_profile simnic_profile_generic;
const struct simnic_profile *simnic_profile_find(const char *name);
void simnic_profile_names(char *buf, size_t size);

/* simnic_flow_table.c; the caller holds flow_lock as documented there. */
struct simnic_flow_table *simnic_flow_table_create(uint32_t max_masks);
void simnic_flow_table_free(struct simnic_flow_table *t);
void simnic_flow_table_clear(struct simnic_flow_table *t);
bool simnic_flow_table_has_room(const struct simnic_flow_table *t,
				const struct simnic_flow_key *mask);
int simnic_flow_table_insert(struct simnic_flow_table *t,
			     struct simnic_rule *rule);
void simnic_flow_table_remove(struct simnic_flow_table *t,
			      struct simnic_rule *rule);
struct simnic_rule *
simnic_flow_table_lookup(const struct simnic_flow_table *t,
			 const struct simnic_flow_key *pkt,
			 const struct simnic_rule *after);
uint32_t simnic_flow_table_n_masks(const struct simnic_flow_table *t);
void simnic_flow_key_extract(const struct rte_mbuf *m,
			     struct simnic_flow_key *key);

/* simnic_xstats.c */
int simnic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		      unsigned int n);
int simnic_xstats_get_names(struct rte_eth_dev *dev,
			    struct rte_eth_xstat_name *names,
			    unsigned int size);
int simnic_xstats_reset(struct rte_eth_dev *dev);

#endif /* SIMNIC_H */
