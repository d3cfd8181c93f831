/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Tests of the net_simnic driver through the public DPDK API only: the
 * driver is loaded as an EAL plugin (-d), as an application would load it.
 *
 * EAL and the plugin are set up as simnic_app.h says: no hugepages needed,
 * no PCI device touched, no clash with other DPDK processes.
 *
 * Most tests use a back-to-back pair of ports (peer backend): a frame sent
 * on port "pa" is received on port "pb", whose rules mark, count or drop
 * it.  One test uses a veth pair it creates and removes (needs root).
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "simnic_app.h"

/* RTE_IPV4() shifts ints: UBSan objects from 128.0.0.0 on. */
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

#define PORT_A		"net_simnic_pa"
#define PORT_B		"net_simnic_pb"
#define NB_MBUFS	8191
#define MIN_FRAME	60

static struct rte_mempool *pool;
static uint16_t port_a;
static uint16_t port_b;

/* Ports. */

static int
port_id_of(const char *name, uint16_t *port)
{
	return rte_eth_dev_get_port_by_name(name, port);
}

static uint16_t
port_create(const char *name, const char *args)
{
	uint16_t port;
	int ret;

	ret = rte_vdev_init(name, args);
	if (ret != 0)
		fail_msg("rte_vdev_init(%s, %s) failed: %d", name, args, ret);
	assert_int_equal(port_id_of(name, &port), 0);
	return port;
}

static void
port_start_conf(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
		const struct rte_eth_conf *conf)
{
	assert_int_equal(simnic_app_port_start(port, conf, nb_rxq, nb_txq,
					       pool), 0);
}

static void
port_start(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq)
{
	port_start_conf(port, nb_rxq, nb_txq, NULL);
}

/* Starts port with RSS over its queues, hashing rss_hf; with the RSS hash
 * offload (mbuf->hash.rss) if hash_offload. */
static void
port_start_rss(uint16_t port, uint16_t nb_rxq, uint64_t rss_hf,
	       bool hash_offload)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
	if (hash_offload)
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	port_start_conf(port, nb_rxq, 1, &conf);
}

static uint16_t
port_up(const char *name, const char *args, uint16_t nb_rxq, uint16_t nb_txq)
{
	uint16_t port = port_create(name, args);

	port_start(port, nb_rxq, nb_txq);
	return port;
}

static uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, value;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0)
		fail_msg("no xstat %s", name);
	assert_int_equal(rte_eth_xstats_get_by_id(port, &id, &value, 1), 1);
	return value;
}

/* Frames. */

struct pkt {
	struct rte_ether_addr dst;
	struct rte_ether_addr src;
	int vlan;		/* TCI, or -1 for untagged */
	int vlan2;		/* inner TCI (QinQ), or -1 */
	uint16_t eth_type;	/* when ipv == 0 */
	int ipv;		/* 0, 4 or 6 */
	uint8_t proto;
	uint32_t ip4_src;
	uint32_t ip4_dst;
	uint8_t ip6_src[16];
	uint8_t ip6_dst[16];
	uint8_t tos;
	uint8_t ttl;
	uint16_t ip4_frag;	/* the whole flags/offset field */
	bool ip6_frag;		/* first fragment, with a fragment header */
	uint16_t sport;
	uint16_t dport;
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t payload;
};

static const struct rte_ether_addr mac_a = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_b = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x0b } };

static struct pkt
udp4(void)
{
	struct pkt p = {
		.dst = mac_b,
		.src = mac_a,
		.vlan = -1,
		.vlan2 = -1,
		.ipv = 4,
		.proto = IPPROTO_UDP,
		.ip4_src = RTE_IPV4(10, 0, 0, 1),
		.ip4_dst = RTE_IPV4(10, 0, 0, 2),
		.ip6_src = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
		.ip6_dst = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 },
		.ttl = 64,
		.sport = 1000,
		.dport = 2000,
		.payload = 18,
	};
	return p;
}

static struct pkt
with_proto(struct pkt p, int ipv, uint8_t proto)
{
	p.ipv = ipv;
	p.proto = proto;
	return p;
}

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void
put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

static uint16_t
l4_hdr_len(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	case IPPROTO_SCTP:
		return 12;
	default:
		return 0;
	}
}

static uint16_t
ip4_csum(const uint8_t *h)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += (h[i] << 8) | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t
write_l4(const struct pkt *p, uint8_t *b)
{
	switch (p->proto) {
	case IPPROTO_TCP:
		put16(b, p->sport);
		put16(b + 2, p->dport);
		put32(b + 4, 1);
		b[12] = 0x50;
		b[13] = p->tcp_flags;
		put16(b + 14, 1000);
		break;
	case IPPROTO_UDP:
		put16(b, p->sport);
		put16(b + 2, p->dport);
		put16(b + 4, 8 + p->payload);
		break;
	case IPPROTO_SCTP:
		put16(b, p->sport);
		put16(b + 2, p->dport);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		b[0] = p->icmp_type;
		b[1] = p->icmp_code;
		break;
	}
	return l4_hdr_len(p->proto);
}

/* Writes p's frame into b (zeroed, large enough); returns its length. */
static size_t
pkt_write(const struct pkt *p, uint8_t *b)
{
	size_t off = 12, l4len = l4_hdr_len(p->proto) + p->payload;
	uint16_t type = p->ipv == 4 ? RTE_ETHER_TYPE_IPV4 :
			p->ipv == 6 ? RTE_ETHER_TYPE_IPV6 : p->eth_type;

	memcpy(b, &p->dst, 6);
	memcpy(b + 6, &p->src, 6);
	if (p->vlan >= 0) {
		put16(b + off, RTE_ETHER_TYPE_VLAN);
		put16(b + off + 2, (uint16_t)p->vlan);
		off += 4;
	}
	if (p->vlan2 >= 0) {
		put16(b + off, RTE_ETHER_TYPE_VLAN);
		put16(b + off + 2, (uint16_t)p->vlan2);
		off += 4;
	}
	put16(b + off, type);
	off += 2;

	if (p->ipv == 4) {
		b[off] = 0x45;
		b[off + 1] = p->tos;
		put16(b + off + 2, 20 + l4len);
		put16(b + off + 6, p->ip4_frag);
		b[off + 8] = p->ttl;
		b[off + 9] = p->proto;
		put32(b + off + 12, p->ip4_src);
		put32(b + off + 16, p->ip4_dst);
		put16(b + off + 10, ip4_csum(b + off));
		off += 20;
	} else if (p->ipv == 6) {
		put32(b + off, 6u << 28 | (uint32_t)p->tos << 20);
		put16(b + off + 4, l4len + (p->ip6_frag ? 8 : 0));
		b[off + 6] = p->ip6_frag ? IPPROTO_FRAGMENT : p->proto;
		b[off + 7] = p->ttl;
		memcpy(b + off + 8, p->ip6_src, 16);
		memcpy(b + off + 24, p->ip6_dst, 16);
		off += 40;
		if (p->ip6_frag) {
			b[off] = p->proto;
			put16(b + off + 2, 0x0001);	/* offset 0, more */
			put32(b + off + 4, 7);
			off += 8;
		}
	}
	if (p->ipv != 0)
		off += write_l4(p, b + off);
	off += p->payload;
	return off < MIN_FRAME ? MIN_FRAME : off;
}

static struct rte_mbuf *
pkt_mbuf(const struct pkt *p)
{
	uint8_t buf[2048];
	struct rte_mbuf *m;
	size_t len;
	char *data;

	memset(buf, 0, sizeof(buf));
	len = pkt_write(p, buf);
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	data = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(data);
	memcpy(data, buf, len);
	return m;
}

/* What port_b made of a frame. */
#define RX_DROPPED	(-1)
#define RX_PLAIN	(-2)	/* delivered, no mark, no flag */
#define RX_FLAGGED	(-3)	/* FLAG: RTE_MBUF_F_RX_FDIR only */

/* A received frame's mark, or RX_FLAGGED or RX_PLAIN. */
static int64_t
mbuf_mark(const struct rte_mbuf *m)
{
	if (m->ol_flags & RTE_MBUF_F_RX_FDIR_ID) {
		assert_true(m->ol_flags & RTE_MBUF_F_RX_FDIR);
		return m->hash.fdir.hi;
	}
	if (m->ol_flags & RTE_MBUF_F_RX_FDIR)
		return RX_FLAGGED;
	return RX_PLAIN;
}

/* Sends m from port_a to port_b; returns its mark or an RX_* value. */
static int64_t
rx_mark_mbuf(struct rte_mbuf *m)
{
	struct rte_mbuf *rx[8];
	int64_t result;
	uint16_t n;

	assert_int_equal(rte_eth_tx_burst(port_a, 0, &m, 1), 1);
	n = rte_eth_rx_burst(port_b, 0, rx, RTE_DIM(rx));
	assert_true(n <= 1);
	if (n == 0)
		return RX_DROPPED;
	assert_int_equal(rx[0]->port, port_b);
	result = mbuf_mark(rx[0]);
	rte_pktmbuf_free(rx[0]);
	return result;
}

/* Sends p from port_a to port_b; returns its mark or an RX_* value. */
static int64_t
rx_mark(const struct pkt *p)
{
	return rx_mark_mbuf(pkt_mbuf(p));
}

/* A frame whose headers a test breaks by hand: p's bytes, and offsets. */
struct raw_frame {
	uint8_t b[256];
	size_t len;
	size_t l3;	/* the IP header */
	size_t l4;	/* the L4 header (IPv4 without options, IPv6) */
};

static void
raw_frame_of(const struct pkt *p, struct raw_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->len = pkt_write(p, f->b);
	assert_true(f->len <= sizeof(f->b));
	f->l3 = 14 + (p->vlan >= 0 ? 4 : 0) + (p->vlan2 >= 0 ? 4 : 0);
	f->l4 = f->l3 + (p->ipv == 4 ? 20 : 40) + (p->ip6_frag ? 8 : 0);
}

/* IPv4 total_length, with the header checksum made right again. */
static void
raw_set_ip4_len(struct raw_frame *f, uint16_t total_length)
{
	put16(f->b + f->l3 + 2, total_length);
	put16(f->b + f->l3 + 10, 0);
	put16(f->b + f->l3 + 10, ip4_csum(f->b + f->l3));
}

static void
raw_set_ip6_payload_len(struct raw_frame *f, uint16_t payload_len)
{
	put16(f->b + f->l3 + 4, payload_len);
}

/* Sends f from port_a to port_b; returns its mark or an RX_* value. */
static int64_t
rx_mark_raw(const struct raw_frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *data;

	assert_non_null(m);
	data = rte_pktmbuf_append(m, (uint16_t)f->len);
	assert_non_null(data);
	memcpy(data, f->b, f->len);
	return rx_mark_mbuf(m);
}

/* Rules. */

#define ITEM(t, s, m) { .type = RTE_FLOW_ITEM_TYPE_ ## t, .spec = (s), .mask = (m) }
#define ITEM_END { .type = RTE_FLOW_ITEM_TYPE_END }

static struct rte_flow *
create_rule(uint16_t port, uint32_t priority,
	    const struct rte_flow_item pattern[],
	    const struct rte_flow_action actions[])
{
	struct rte_flow_attr attr = { .ingress = 1, .priority = priority };
	struct rte_flow_error error = { .message = NULL };
	struct rte_flow *flow;

	flow = rte_flow_create(port, &attr, pattern, actions, &error);
	if (flow == NULL)
		fail_msg("rte_flow_create failed: %s (%s)",
			 error.message ? error.message : "(no message)",
			 rte_strerror(rte_errno));
	return flow;
}

static struct rte_flow *
mark_rule(uint16_t port, uint32_t priority,
	  const struct rte_flow_item pattern[], uint32_t mark)
{
	struct rte_flow_action_mark conf = { .id = mark };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &conf },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};

	return create_rule(port, priority, pattern, actions);
}

#define ANY_CAUSE ((const void *)-1)

/* validate and create both refuse with err, type and cause. */
static void
expect_refusal_attr(uint16_t port, const struct rte_flow_attr *attr,
		    const struct rte_flow_item pattern[],
		    const struct rte_flow_action actions[], int err,
		    enum rte_flow_error_type type, const void *cause)
{
	struct rte_flow_error error;
	struct rte_flow *flow;

	memset(&error, 0, sizeof(error));
	assert_int_equal(rte_flow_validate(port, attr, pattern, actions,
					   &error), -err);
	assert_int_equal(error.type, type);
	if (cause != ANY_CAUSE)
		assert_ptr_equal(error.cause, cause);
	assert_non_null(error.message);
	assert_true(strlen(error.message) > 10);

	memset(&error, 0, sizeof(error));
	flow = rte_flow_create(port, attr, pattern, actions, &error);
	assert_null(flow);
	assert_int_equal(rte_errno, err);
	assert_int_equal(error.type, type);
	assert_non_null(error.message);
}

static void
expect_refusal(uint16_t port, const struct rte_flow_item pattern[],
	       const struct rte_flow_action actions[], int err,
	       enum rte_flow_error_type type, const void *cause)
{
	struct rte_flow_attr attr = { .ingress = 1 };

	expect_refusal_attr(port, &attr, pattern, actions, err, type, cause);
}

static const struct rte_flow_action_mark mark1 = { .id = 1 };
static const struct rte_flow_action actions_mark1[] = {
	{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
	{ .type = RTE_FLOW_ACTION_TYPE_END },
};
static const struct rte_flow_item pattern_any[] = { ITEM_END };

/* The message of the refusal of an ingress rule with actions_mark1. */
static const char *
error_message_of(uint16_t port, const struct rte_flow_item pattern[])
{
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_error error;

	memset(&error, 0, sizeof(error));
	assert_int_not_equal(rte_flow_validate(port, &attr, pattern,
					       actions_mark1, &error), 0);
	assert_non_null(error.message);
	return error.message;
}

/* A rule's COUNT hits. */
static uint64_t
rule_hits(uint16_t port, struct rte_flow *flow)
{
	static const struct rte_flow_action count_action[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_query_count count;
	struct rte_flow_error error;

	memset(&count, 0, sizeof(count));
	assert_int_equal(rte_flow_query(port, flow, count_action, &count,
					&error), 0);
	return count.hits;
}

/* What rte_flow_dev_dump says of one rule; free() it. */
static char *
rule_dump(uint16_t port, struct rte_flow *flow)
{
	struct rte_flow_error error;
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(rte_flow_dev_dump(port, flow, f, &error), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void
expect_in_dump(uint16_t port, struct rte_flow *flow, const char *what)
{
	char *text = rule_dump(port, flow);

	if (strstr(text, what) == NULL)
		fail_msg("no '%s' in the dump '%s'", what, text);
	free(text);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Fixture: rules on port_b start from nothing. */
static int
flush_b(void **state __rte_unused)
{
	struct rte_flow_error error;

	rte_flow_isolate(port_b, 0, &error);
	return rte_flow_flush(port_b, &error);
}

/* Tests: pattern items. */

static void
test_empty_pattern_matches_all(void **state __rte_unused)
{
	struct pkt p = udp4();

	assert_int_equal(rx_mark(&p), RX_PLAIN);
	mark_rule(port_b, 0, pattern_any, 42);
	assert_int_equal(rx_mark(&p), 42);
	p = with_proto(p, 6, IPPROTO_TCP);
	assert_int_equal(rx_mark(&p), 42);
	p.ipv = 0;
	p.eth_type = 0x88b5;
	assert_int_equal(rx_mark(&p), 42);
}

static void
test_item_eth(void **state __rte_unused)
{
	struct rte_flow_item_eth dst = { .hdr.dst_addr = mac_b };
	struct rte_flow_item_eth type = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6) };
	struct rte_flow_item_eth type_mask = {
		.hdr.ether_type = RTE_BE16(0xffff) };
	struct rte_flow_item_eth untagged = { .has_vlan = 0 };
	struct rte_flow_item_eth has_vlan_mask = { .has_vlan = 1 };
	struct rte_flow_item p_dst[] = { ITEM(ETH, &dst, NULL), ITEM_END };
	struct rte_flow_item p_type[] = {
		ITEM(ETH, &type, &type_mask), ITEM_END };
	struct rte_flow_item p_untagged[] = {
		ITEM(ETH, &untagged, &has_vlan_mask), ITEM_END };
	struct pkt p = udp4();

	/* Default mask: both addresses; src 0 in the spec must match. */
	mark_rule(port_b, 0, p_dst, 1);
	assert_int_equal(rx_mark(&p), RX_PLAIN);	/* src is mac_a */
	memset(&p.src, 0, sizeof(p.src));
	assert_int_equal(rx_mark(&p), 1);
	flush_b(NULL);

	mark_rule(port_b, 0, p_type, 2);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.ipv = 6;
	assert_int_equal(rx_mark(&p), 2);
	flush_b(NULL);

	mark_rule(port_b, 0, p_untagged, 3);
	assert_int_equal(rx_mark(&p), 3);
	p.vlan = 5;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_vlan(void **state __rte_unused)
{
	struct rte_flow_item_eth tpid = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN), .has_vlan = 1 };
	struct rte_flow_item_eth tpid_mask = {
		.hdr.ether_type = RTE_BE16(0xffff), .has_vlan = 1 };
	struct rte_flow_item_vlan vid = {
		.hdr.vlan_tci = RTE_BE16(100),
		.hdr.eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
	struct rte_flow_item_vlan vid_mask = {
		.hdr.vlan_tci = RTE_BE16(0x0fff),
		.hdr.eth_proto = RTE_BE16(0xffff) };
	struct rte_flow_item_vlan more = { .has_more_vlan = 1 };
	struct rte_flow_item_vlan more_mask = { .has_more_vlan = 1 };
	struct rte_flow_item p_vid[] = {
		ITEM(ETH, &tpid, &tpid_mask), ITEM(VLAN, &vid, &vid_mask),
		ITEM_END };
	struct rte_flow_item p_any_tag[] = {
		ITEM(ETH, NULL, NULL), ITEM(VLAN, NULL, NULL), ITEM_END };
	struct rte_flow_item p_qinq[] = {
		ITEM(VLAN, &more, &more_mask), ITEM_END };
	struct pkt p = udp4();

	mark_rule(port_b, 0, p_vid, 100);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.vlan = 100;
	assert_int_equal(rx_mark(&p), 100);
	p.vlan = 0x7000 | 100;		/* the PCP is outside the mask */
	assert_int_equal(rx_mark(&p), 100);
	p.vlan = 200;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.vlan = 100;
	p.ipv = 6;			/* inner type is IPv6 */
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	mark_rule(port_b, 0, p_any_tag, 7);
	p = udp4();
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.vlan = 3000;
	assert_int_equal(rx_mark(&p), 7);
	flush_b(NULL);

	mark_rule(port_b, 0, p_qinq, 8);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.vlan2 = 10;
	assert_int_equal(rx_mark(&p), 8);
}

static void
test_item_ipv4(void **state __rte_unused)
{
	struct rte_flow_item_ipv4 src = {
		.hdr.src_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 1)) };
	struct rte_flow_item_ipv4 net = {
		.hdr.dst_addr = RTE_BE32(IP4(192, 168, 0, 0)) };
	struct rte_flow_item_ipv4 net_mask = {
		.hdr.dst_addr = RTE_BE32(0xffff0000) };
	struct rte_flow_item_ipv4 fields = {
		.hdr.type_of_service = 0x10, .hdr.time_to_live = 9,
		.hdr.next_proto_id = IPPROTO_TCP };
	struct rte_flow_item_ipv4 fields_mask = {
		.hdr.type_of_service = 0xff, .hdr.time_to_live = 0xff,
		.hdr.next_proto_id = 0xff };
	struct rte_flow_item p_src[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &src, NULL), ITEM_END };
	struct rte_flow_item p_net[] = { ITEM(IPV4, &net, &net_mask), ITEM_END };
	struct rte_flow_item p_fields[] = {
		ITEM(IPV4, &fields, &fields_mask), ITEM_END };
	struct rte_flow_item p_any4[] = { ITEM(IPV4, NULL, NULL), ITEM_END };
	struct pkt p = udp4();

	/* Default mask covers src and dst: dst 0 in the spec matters. */
	mark_rule(port_b, 0, p_src, 1);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);
	src.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2));
	mark_rule(port_b, 0, p_src, 1);
	assert_int_equal(rx_mark(&p), 1);
	p.ip4_src++;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	/* A partial mask: 192.168.0.0/16. */
	mark_rule(port_b, 0, p_net, 16);
	p = udp4();
	p.ip4_dst = IP4(192, 168, 77, 3);
	assert_int_equal(rx_mark(&p), 16);
	p.ip4_dst = IP4(192, 169, 0, 1);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	mark_rule(port_b, 0, p_fields, 2);
	p = with_proto(udp4(), 4, IPPROTO_TCP);
	p.tos = 0x10;
	p.ttl = 9;
	assert_int_equal(rx_mark(&p), 2);
	p.ttl = 10;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.ttl = 9;
	p.tos = 0;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	/* No spec: any IPv4, and only IPv4. */
	mark_rule(port_b, 0, p_any4, 4);
	p = udp4();
	assert_int_equal(rx_mark(&p), 4);
	p.vlan = 9;
	assert_int_equal(rx_mark(&p), 4);
	p.ipv = 6;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_ipv4_fragments(void **state __rte_unused)
{
	/* As OVS asks for "frag=no": offset 0 and MF clear. */
	struct rte_flow_item_ipv4 nofrag = { .hdr.fragment_offset = 0 };
	struct rte_flow_item_ipv4 nofrag_mask = {
		.hdr.fragment_offset = RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK |
						RTE_IPV4_HDR_MF_FLAG) };
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item p_nofrag[] = {
		ITEM(IPV4, &nofrag, &nofrag_mask), ITEM_END };
	struct rte_flow_item p_udp[] = {
		ITEM(IPV4, NULL, NULL), ITEM(UDP, &udp, &udp_mask), ITEM_END };
	struct pkt p = udp4();

	mark_rule(port_b, 0, p_nofrag, 1);
	assert_int_equal(rx_mark(&p), 1);
	p.ip4_frag = 0x4000;			/* DF: still not a fragment */
	assert_int_equal(rx_mark(&p), 1);
	p.ip4_frag = RTE_IPV4_HDR_MF_FLAG;	/* first fragment */
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	/* Later fragments carry no UDP header: UDP items miss them. */
	mark_rule(port_b, 0, p_udp, 2);
	assert_int_equal(rx_mark(&p), 2);
	p.ip4_frag = 100;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_ipv6(void **state __rte_unused)
{
	struct rte_flow_item_ipv6 net = {
		.hdr.src_addr = { 0xfd, 0, 0, 0, 0, 0, 0, 0 } };
	struct rte_flow_item_ipv6 net_mask = {
		.hdr.src_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				  0xff } };
	struct rte_flow_item_ipv6 fields = {
		.hdr.vtc_flow = RTE_BE32(0x20u << RTE_IPV6_HDR_TC_SHIFT),
		.hdr.proto = IPPROTO_UDP, .hdr.hop_limits = 3 };
	struct rte_flow_item_ipv6 fields_mask = {
		.hdr.vtc_flow = RTE_BE32(RTE_IPV6_HDR_TC_MASK),
		.hdr.proto = 0xff, .hdr.hop_limits = 0xff };
	struct rte_flow_item_ipv6 frag = { .has_frag_ext = 1 };
	struct rte_flow_item_ipv6 frag_mask = { .has_frag_ext = 1 };
	struct rte_flow_item_ipv6 full;
	struct rte_flow_item p_net[] = { ITEM(IPV6, &net, &net_mask), ITEM_END };
	struct rte_flow_item p_fields[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV6, &fields, &fields_mask),
		ITEM_END };
	struct rte_flow_item p_frag[] = {
		ITEM(IPV6, &frag, &frag_mask), ITEM(UDP, NULL, NULL), ITEM_END };
	struct rte_flow_item p_full[] = { ITEM(IPV6, &full, NULL), ITEM_END };
	struct pkt p = with_proto(udp4(), 6, IPPROTO_UDP);

	/* A partial mask: fd00::/64. */
	mark_rule(port_b, 0, p_net, 64);
	assert_int_equal(rx_mark(&p), 64);
	p.ip6_src[15] = 0x77;
	assert_int_equal(rx_mark(&p), 64);
	p.ip6_src[7] = 1;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.ipv = 4;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	mark_rule(port_b, 0, p_fields, 6);
	p = with_proto(udp4(), 6, IPPROTO_UDP);
	p.tos = 0x20;
	p.ttl = 3;
	assert_int_equal(rx_mark(&p), 6);
	p.tos = 0x21;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	/* First fragments have the fragment header and the UDP header. */
	mark_rule(port_b, 0, p_frag, 44);
	p = with_proto(udp4(), 6, IPPROTO_UDP);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.ip6_frag = true;
	assert_int_equal(rx_mark(&p), 44);
	flush_b(NULL);

	/* Default mask: both full addresses. */
	memset(&full, 0, sizeof(full));
	memcpy(full.hdr.src_addr, p.ip6_src, 16);
	memcpy(full.hdr.dst_addr, p.ip6_dst, 16);
	mark_rule(port_b, 0, p_full, 128);
	assert_int_equal(rx_mark(&p), 128);
	p.ip6_dst[15] ^= 1;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_tcp(void **state __rte_unused)
{
	struct rte_flow_item_tcp tcp = {
		.hdr.dst_port = RTE_BE16(80), .hdr.tcp_flags = RTE_TCP_SYN_FLAG };
	struct rte_flow_item_tcp tcp_mask = {
		.hdr.dst_port = RTE_BE16(0xffff), .hdr.tcp_flags = 0xff };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(TCP, &tcp, &tcp_mask), ITEM_END };
	struct pkt p = with_proto(udp4(), 4, IPPROTO_TCP);

	mark_rule(port_b, 0, pattern, 80);
	p.dport = 80;
	p.tcp_flags = RTE_TCP_SYN_FLAG;
	assert_int_equal(rx_mark(&p), 80);
	p.tcp_flags = RTE_TCP_ACK_FLAG;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.tcp_flags = RTE_TCP_SYN_FLAG;
	p.dport = 81;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p = with_proto(p, 4, IPPROTO_UDP);
	p.dport = 80;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_udp_sctp(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = {
		.hdr.src_port = RTE_BE16(1000), .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_sctp sctp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_sctp sctp_mask = {
		.hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item p_udp[] = {
		ITEM(IPV6, NULL, NULL), ITEM(UDP, &udp, NULL), ITEM_END };
	struct rte_flow_item p_sctp[] = {
		ITEM(SCTP, &sctp, &sctp_mask), ITEM_END };
	struct pkt p = with_proto(udp4(), 6, IPPROTO_UDP);

	mark_rule(port_b, 0, p_udp, 17);
	assert_int_equal(rx_mark(&p), 17);
	p.sport = 1001;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.sport = 1000;
	p.ipv = 4;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	flush_b(NULL);

	mark_rule(port_b, 0, p_sctp, 132);
	p = with_proto(udp4(), 4, IPPROTO_SCTP);
	assert_int_equal(rx_mark(&p), 132);
	p = with_proto(p, 6, IPPROTO_SCTP);
	assert_int_equal(rx_mark(&p), 132);
	p = with_proto(p, 4, IPPROTO_UDP);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_icmp(void **state __rte_unused)
{
	struct rte_flow_item_icmp echo = {
		.hdr.icmp_type = RTE_IP_ICMP_ECHO_REQUEST };
	struct rte_flow_item_icmp6 echo6 = { .type = 128 };
	struct rte_flow_item p_icmp[] = {
		ITEM(IPV4, NULL, NULL), ITEM(ICMP, &echo, NULL), ITEM_END };
	struct rte_flow_item p_icmp6[] = {
		ITEM(IPV6, NULL, NULL), ITEM(ICMP6, &echo6, NULL), ITEM_END };
	struct pkt p = with_proto(udp4(), 4, IPPROTO_ICMP);

	mark_rule(port_b, 0, p_icmp, 1);
	mark_rule(port_b, 0, p_icmp6, 58);
	p.icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	assert_int_equal(rx_mark(&p), 1);
	p.icmp_code = 1;	/* default mask covers the code */
	assert_int_equal(rx_mark(&p), RX_PLAIN);

	p = with_proto(udp4(), 6, IPPROTO_ICMPV6);
	p.icmp_type = 128;
	assert_int_equal(rx_mark(&p), 58);
	p.icmp_type = 129;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	/* ICMPv4 inside IPv6 is not ICMP. */
	p = with_proto(p, 6, IPPROTO_ICMP);
	p.icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_item_void(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item pattern[] = {
		ITEM(VOID, NULL, NULL), ITEM(ETH, NULL, NULL),
		ITEM(VOID, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, &udp, &udp_mask), ITEM(VOID, NULL, NULL), ITEM_END };
	struct rte_flow_action_mark mark = { .id = 9 };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_VOID },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_VOID },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct pkt p = udp4();

	create_rule(port_b, 0, pattern, actions);
	assert_int_equal(rx_mark(&p), 9);
}

static void
test_short_frames(void **state __rte_unused)
{
	struct rte_flow_item p_any4[] = { ITEM(IPV4, NULL, NULL), ITEM_END };
	struct rte_mbuf *m, *rx[4];
	uint8_t buf[64];
	size_t len;
	char *data;
	struct pkt p = udp4();
	uint16_t n;

	mark_rule(port_b, 0, p_any4, 5);
	/* A frame cut inside its IPv4 header must not match (nor crash). */
	memset(buf, 0, sizeof(buf));
	len = pkt_write(&p, buf);
	assert_true(len >= 30);
	for (len = 0; len <= 30; len += 5) {
		m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		data = rte_pktmbuf_append(m, (uint16_t)len);
		if (len > 0)
			memcpy(data, buf, len);
		assert_int_equal(rte_eth_tx_burst(port_a, 0, &m, 1), 1);
		n = rte_eth_rx_burst(port_b, 0, rx, RTE_DIM(rx));
		assert_int_equal(n, 1);
		assert_false(rx[0]->ol_flags & RTE_MBUF_F_RX_FDIR);
		rte_pktmbuf_free(rx[0]);
	}
}

/*
 * INTEGRITY: l3_ok and l4_ok hold only for frames whose IP and L4 lengths
 * add up, by what the IP header says and not by the frame's length, so
 * that a rule never marks a frame whose headers Open vSwitch would not
 * read.  The frames below are each broken in one way.
 */
static void
test_item_integrity_udp4(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(53) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_integrity ok = { .l3_ok = 1, .l4_ok = 1 };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, &udp, &udp_mask), ITEM(INTEGRITY, &ok, &ok),
		ITEM_END };
	struct pkt p = udp4();
	struct raw_frame f;
	struct rte_flow *flow;

	flow = mark_rule(port_b, 0, pattern, 53);
	expect_in_dump(port_b, flow, "mark 53 integrity l3_ok 1 l4_ok 1\n");
	p.dport = 53;
	raw_frame_of(&p, &f);
	assert_int_equal(f.len, MIN_FRAME);
	assert_int_equal(rx_mark_raw(&f), 53);

	/* total_length one byte past the frame. */
	raw_set_ip4_len(&f, (uint16_t)(f.len - f.l3 + 1));
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);

	/* ihl 4 (16 bytes): no IPv4 header at all. */
	raw_frame_of(&p, &f);
	f.b[f.l3] = 0x44;
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);

	/*
	 * total_length leaves 4 bytes of UDP: the frame (60 bytes, padded)
	 * holds all 8, the datagram does not.
	 */
	p.payload = 0;
	raw_frame_of(&p, &f);
	assert_int_equal(f.len, MIN_FRAME);
	raw_set_ip4_len(&f, 20 + 4);
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	/* A whole UDP header and padding after the datagram are fine. */
	raw_set_ip4_len(&f, 20 + 8);
	assert_int_equal(rx_mark_raw(&f), 53);
	/* total_length below the IP header itself. */
	raw_set_ip4_len(&f, 19);
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);

	/* A later fragment has no UDP header to vouch for. */
	p = udp4();
	p.dport = 53;
	p.ip4_frag = 100;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	/* A first fragment has one. */
	p.ip4_frag = RTE_IPV4_HDR_MF_FLAG;
	assert_int_equal(rx_mark(&p), 53);
}

/* TCP's data offset counts too: the header is 20 bytes or more. */
static void
test_item_integrity_tcp(void **state __rte_unused)
{
	struct rte_flow_item_tcp tcp = { .hdr.dst_port = RTE_BE16(80) };
	struct rte_flow_item_tcp tcp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_integrity ok = { .l4_ok = 1 };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(TCP, &tcp, &tcp_mask), ITEM(INTEGRITY, &ok, &ok),
		ITEM_END };
	struct pkt p = with_proto(udp4(), 4, IPPROTO_TCP);
	struct raw_frame f;

	mark_rule(port_b, 0, pattern, 80);
	p.dport = 80;
	raw_frame_of(&p, &f);
	assert_int_equal(f.b[f.l4 + 12], 0x50);
	assert_int_equal(rx_mark_raw(&f), 80);
	f.b[f.l4 + 12] = 0x40;
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	/* 60 bytes of header in 20 + 18 bytes of segment. */
	f.b[f.l4 + 12] = 0xf0;
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	/* Options that fit: 20 + 16 bytes. */
	f.b[f.l4 + 12] = 0x90;
	assert_int_equal(rx_mark_raw(&f), 80);
}

static void
test_item_integrity_ipv6(void **state __rte_unused)
{
	struct rte_flow_item_integrity l3 = { .l3_ok = 1 };
	struct rte_flow_item_integrity l4 = { .l4_ok = 1 };
	struct rte_flow_item p_l3[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV6, NULL, NULL),
		ITEM(INTEGRITY, &l3, &l3), ITEM_END };
	struct rte_flow_item p_l4[] = {
		ITEM(IPV6, NULL, NULL), ITEM(UDP, NULL, NULL),
		ITEM(INTEGRITY, &l4, &l4), ITEM_END };
	struct pkt p = with_proto(udp4(), 6, IPPROTO_UDP);
	struct raw_frame f;

	mark_rule(port_b, 0, p_l3, 6);
	raw_frame_of(&p, &f);
	assert_int_equal(rx_mark_raw(&f), 6);
	raw_set_ip6_payload_len(&f, (uint16_t)(f.len - f.l3 - 40 + 1));
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	flush_b(NULL);

	/* Behind a fragment header, the payload length counts it. */
	mark_rule(port_b, 0, p_l4, 17);
	assert_int_equal(rx_mark(&p), 17);
	p.ip6_frag = true;
	raw_frame_of(&p, &f);
	assert_int_equal(rx_mark_raw(&f), 17);
	raw_set_ip6_payload_len(&f, 8 + 4);
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	raw_set_ip6_payload_len(&f, 8 + 8);
	assert_int_equal(rx_mark_raw(&f), 17);
}

/* Spec 0: "not ok", the frames that the spec 1 rules leave. */
static void
test_item_integrity_not_ok(void **state __rte_unused)
{
	struct rte_flow_item_integrity bad_l3 = { .l3_ok = 0 };
	struct rte_flow_item_integrity l3_mask = { .l3_ok = 1 };
	struct rte_flow_item_integrity bad_l4 = { .l3_ok = 1, .l4_ok = 0 };
	struct rte_flow_item_integrity l3_l4_mask = { .l3_ok = 1, .l4_ok = 1 };
	struct rte_flow_item p_bad_l3[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(INTEGRITY, &bad_l3, &l3_mask), ITEM_END };
	struct rte_flow_item p_bad_l4[] = {
		ITEM(IPV4, NULL, NULL), ITEM(UDP, NULL, NULL),
		ITEM(INTEGRITY, &bad_l4, &l3_l4_mask), ITEM_END };
	struct pkt p = udp4();
	struct raw_frame f;

	mark_rule(port_b, 0, p_bad_l3, 3);
	raw_frame_of(&p, &f);
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	raw_set_ip4_len(&f, (uint16_t)(f.len - f.l3 + 1));
	assert_int_equal(rx_mark_raw(&f), 3);
	raw_set_ip4_len(&f, 19);
	assert_int_equal(rx_mark_raw(&f), 3);
	/* Not IPv4 at all (ihl 4) is not "malformed IPv4": no IPV4 match. */
	raw_frame_of(&p, &f);
	f.b[f.l3] = 0x44;
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	/* Short UDP is fine at L3. */
	raw_frame_of(&p, &f);
	raw_set_ip4_len(&f, 20 + 4);
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	flush_b(NULL);

	expect_in_dump(port_b, mark_rule(port_b, 0, p_bad_l4, 4),
		       "integrity l3_ok 1 l4_ok 0");
	assert_int_equal(rx_mark_raw(&f), 4);
	raw_set_ip4_len(&f, 20 + 8);
	assert_int_equal(rx_mark_raw(&f), RX_PLAIN);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

/* No mask: rte_flow_item_integrity_mask, all zeros, matches anything. */
static void
test_item_integrity_default_mask(void **state __rte_unused)
{
	struct rte_flow_item_integrity ok = { .l3_ok = 1, .l4_ok = 1 };
	struct rte_flow_item pattern[] = {
		ITEM(INTEGRITY, &ok, NULL), ITEM(ETH, NULL, NULL),
		ITEM(IPV4, NULL, NULL), ITEM_END };
	struct pkt p = udp4();
	struct raw_frame f;

	mark_rule(port_b, 0, pattern, 9);
	raw_frame_of(&p, &f);
	raw_set_ip4_len(&f, (uint16_t)(f.len - f.l3 + 1));
	assert_int_equal(rx_mark_raw(&f), 9);
	assert_int_equal(rx_mark(&p), 9);
}

static void
test_item_integrity_errors(void **state __rte_unused)
{
	struct rte_flow_item_integrity level1 = { .level = 1, .l3_ok = 1 };
	struct rte_flow_item_integrity level_mask = { .level = 1, .l3_ok = 1 };
	struct rte_flow_item_integrity ok = { .l3_ok = 1, .l4_ok = 1 };
	struct rte_flow_item_integrity pkt_ok = { .packet_ok = 1 };
	struct rte_flow_item_integrity csum_ok = { .ipv4_csum_ok = 1 };
	struct rte_flow_item_integrity l4_only = { .l4_ok = 1 };
	struct rte_flow_item_integrity l4_not_l3 = { .l4_ok = 1 };
	struct rte_flow_item_integrity ok_last = { .l3_ok = 1 };
	struct rte_flow_item_integrity zero = { .l3_ok = 0 };
	struct rte_flow_item_tcp short_tcp = { .hdr.data_off = 0x40 };
	struct rte_flow_item_tcp doff_mask = { .hdr.data_off = 0xf0 };
	struct rte_flow_item p_level[] = {
		ITEM(IPV4, NULL, NULL), ITEM(INTEGRITY, &level1, &ok), ITEM_END };
	struct rte_flow_item p_level_mask[] = {
		ITEM(IPV4, NULL, NULL), ITEM(INTEGRITY, &ok, &level_mask),
		ITEM_END };
	struct rte_flow_item p_pkt_ok[] = {
		ITEM(IPV4, NULL, NULL), ITEM(UDP, NULL, NULL),
		ITEM(INTEGRITY, &pkt_ok, &pkt_ok), ITEM_END };
	struct rte_flow_item p_csum[] = {
		ITEM(IPV4, NULL, NULL), ITEM(INTEGRITY, &csum_ok, &csum_ok),
		ITEM_END };
	struct rte_flow_item p_no_l4[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(INTEGRITY, &l4_only, &l4_only), ITEM_END };
	struct rte_flow_item p_no_l3[] = {
		ITEM(ETH, NULL, NULL), ITEM(UDP, NULL, NULL),
		ITEM(INTEGRITY, &ok, &ok), ITEM_END };
	struct rte_flow_item p_two[] = {
		ITEM(INTEGRITY, &ok, &ok), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, NULL, NULL), ITEM(INTEGRITY, &ok, &ok), ITEM_END };
	struct rte_flow_item p_l4_without_l3[] = {
		ITEM(IPV4, NULL, NULL), ITEM(UDP, NULL, NULL),
		ITEM(INTEGRITY, &l4_not_l3, &ok), ITEM_END };
	struct rte_flow_item p_short_tcp[] = {
		ITEM(IPV4, NULL, NULL), ITEM(TCP, &short_tcp, &doff_mask),
		ITEM(INTEGRITY, &l4_only, &l4_only), ITEM_END };
	struct rte_flow_item p_range[] = {
		ITEM(IPV4, NULL, NULL),
		{ .type = RTE_FLOW_ITEM_TYPE_INTEGRITY, .spec = &zero,
		  .mask = &ok_last, .last = &ok_last }, ITEM_END };
	struct rte_flow_error error;

	expect_refusal(port_b, p_level, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_level[1]);
	assert_non_null(strstr(error_message_of(port_b, p_level), "level"));
	expect_refusal(port_b, p_level_mask, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_level_mask[1]);
	expect_refusal(port_b, p_pkt_ok, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_MASK, &p_pkt_ok[2]);
	assert_non_null(strstr(error_message_of(port_b, p_pkt_ok),
			       "packet_ok not supported"));
	expect_refusal(port_b, p_csum, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_MASK, &p_csum[1]);
	assert_non_null(strstr(error_message_of(port_b, p_csum),
			       "ipv4_csum_ok"));
	expect_refusal(port_b, p_no_l4, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_no_l4[2]);
	assert_non_null(strstr(error_message_of(port_b, p_no_l4),
			       "l4_ok needs an L4 item"));
	expect_refusal(port_b, p_no_l3, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_no_l3[2]);
	assert_non_null(strstr(error_message_of(port_b, p_no_l3),
			       "l3_ok needs an IPV4 or IPV6 item"));
	expect_refusal(port_b, p_two, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_two[3]);
	/* Rules that no frame matches: l4_ok implies l3_ok, TCP >= 20. */
	expect_refusal(port_b, p_l4_without_l3, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_l4_without_l3[2]);
	expect_refusal(port_b, p_short_tcp, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_short_tcp[2]);
	expect_refusal(port_b, p_range, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_LAST, &ok_last);
	assert_int_equal(xstat(port_b, "rules_installed"), 0);

	/* The lookalikes: data offset 5, a last that makes no range. */
	short_tcp.hdr.data_off = 0x50;
	p_range[1].spec = &ok_last;
	assert_int_equal(rte_flow_validate(port_b,
		&(struct rte_flow_attr){ .ingress = 1 }, p_short_tcp,
		actions_mark1, &error), 0);
	assert_int_equal(rte_flow_validate(port_b,
		&(struct rte_flow_attr){ .ingress = 1 }, p_range,
		actions_mark1, &error), 0);
}

/* Tests: priorities. */

static void
test_priority_lower_wins(void **state __rte_unused)
{
	struct rte_flow_item_ipv4 dst = {
		.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2)) };
	struct rte_flow_item_ipv4 dst_mask = { .hdr.dst_addr = RTE_BE32(~0u) };
	struct rte_flow_item p_dst[] = { ITEM(IPV4, &dst, &dst_mask), ITEM_END };
	struct rte_flow_item p_udp[] = { ITEM(UDP, NULL, NULL), ITEM_END };
	struct pkt p = udp4(), other = udp4();

	other.ip4_dst = RTE_IPV4(10, 0, 0, 3);

	/* The broad rule first, at the weaker priority. */
	mark_rule(port_b, 5, p_udp, 5);
	mark_rule(port_b, 1, p_dst, 1);
	assert_int_equal(rx_mark(&p), 1);
	assert_int_equal(rx_mark(&other), 5);
	flush_b(NULL);

	/* The other way round: order of creation does not matter. */
	mark_rule(port_b, 1, p_dst, 1);
	mark_rule(port_b, 5, p_udp, 5);
	assert_int_equal(rx_mark(&p), 1);
	assert_int_equal(rx_mark(&other), 5);
	flush_b(NULL);

	/* Now the broad rule is stronger. */
	mark_rule(port_b, 1, p_dst, 1);
	mark_rule(port_b, 0, p_udp, 10);
	assert_int_equal(rx_mark(&p), 10);
}

static void
test_priority_tie_first_created_wins(void **state __rte_unused)
{
	struct rte_flow_item_ipv4 dst = {
		.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2)) };
	struct rte_flow_item_ipv4 dst_mask = { .hdr.dst_addr = RTE_BE32(~0u) };
	struct rte_flow_item p_dst[] = { ITEM(IPV4, &dst, &dst_mask), ITEM_END };
	struct rte_flow_item p_udp[] = { ITEM(UDP, NULL, NULL), ITEM_END };
	struct rte_flow_error error;
	struct rte_flow *first, *dup;
	struct pkt p = udp4();

	/* Different masks, equal priority. */
	first = mark_rule(port_b, 3, p_udp, 1);
	mark_rule(port_b, 3, p_dst, 2);
	assert_int_equal(rx_mark(&p), 1);
	assert_int_equal(rte_flow_destroy(port_b, first, &error), 0);
	assert_int_equal(rx_mark(&p), 2);
	flush_b(NULL);

	/* Identical rules: the first one wins until it goes. */
	first = mark_rule(port_b, 3, p_dst, 1);
	dup = mark_rule(port_b, 3, p_dst, 2);
	assert_int_equal(rx_mark(&p), 1);
	assert_int_equal(rte_flow_destroy(port_b, first, &error), 0);
	assert_int_equal(rx_mark(&p), 2);
	assert_int_equal(rte_flow_destroy(port_b, dup, &error), 0);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	assert_int_equal(xstat(port_b, "rules_installed"), 0);
	assert_int_equal(xstat(port_b, "flow_masks"), 0);
}

static void
test_priority_same_key_sorted(void **state __rte_unused)
{
	struct rte_flow_item p_udp[] = { ITEM(UDP, NULL, NULL), ITEM_END };
	struct rte_flow_error error;
	struct rte_flow *f7, *f2;
	struct pkt p = udp4();

	/* Same mask and key, priorities given out of order. */
	f7 = mark_rule(port_b, 7, p_udp, 7);
	mark_rule(port_b, 9, p_udp, 9);
	f2 = mark_rule(port_b, 2, p_udp, 2);
	assert_int_equal(rx_mark(&p), 2);
	assert_int_equal(rte_flow_destroy(port_b, f2, &error), 0);
	assert_int_equal(rx_mark(&p), 7);
	assert_int_equal(rte_flow_destroy(port_b, f7, &error), 0);
	assert_int_equal(rx_mark(&p), 9);
}

/* Tests: actions. */

static void
test_action_flag(void **state __rte_unused)
{
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct pkt p = udp4();

	create_rule(port_b, 0, pattern_any, actions);
	assert_int_equal(rx_mark(&p), RX_FLAGGED);
}

static void
test_action_mark_mbuf(void **state __rte_unused)
{
	struct rte_mbuf *m, *rx[4];
	struct pkt p = udp4();

	mark_rule(port_b, 0, pattern_any, 0xabcdef);
	m = pkt_mbuf(&p);
	m->ol_flags = RTE_MBUF_F_TX_IPV4;	/* Tx flags do not leak to Rx */
	assert_int_equal(rte_eth_tx_burst(port_a, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(port_b, 0, rx, 4), 1);
	assert_int_equal(rx[0]->port, port_b);
	assert_int_equal(rx[0]->ol_flags & ~(RTE_MBUF_F_RX_FDIR |
					     RTE_MBUF_F_RX_FDIR_ID), 0);
	assert_true(rx[0]->ol_flags & RTE_MBUF_F_RX_FDIR);
	assert_true(rx[0]->ol_flags & RTE_MBUF_F_RX_FDIR_ID);
	assert_int_equal(rx[0]->hash.fdir.hi, 0xabcdef);
	rte_pktmbuf_free(rx[0]);
}

static void
test_action_drop(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item pattern[] = { ITEM(UDP, &udp, &udp_mask), ITEM_END };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	uint64_t drops = xstat(port_b, "flow_drops");
	struct pkt p = udp4();

	create_rule(port_b, 0, pattern, actions);
	assert_int_equal(rx_mark(&p), RX_DROPPED);
	assert_int_equal(xstat(port_b, "flow_drops"), drops + 1);
	p.dport = 2001;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
}

static void
test_action_count_query_reset(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item pattern[] = { ITEM(UDP, &udp, &udp_mask), ITEM_END };
	struct rte_flow_action_mark mark = { .id = 3 };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_action count_action[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_query_count count;
	struct rte_flow_error error;
	struct rte_flow *flow, *no_count;
	struct pkt p = udp4();
	uint8_t buf[2048];
	size_t len;
	int i;

	p.payload = 100;
	memset(buf, 0, sizeof(buf));
	len = pkt_write(&p, buf);
	flow = create_rule(port_b, 0, pattern, actions);
	for (i = 0; i < 3; i++)
		assert_int_equal(rx_mark(&p), 3);
	p.dport = 1;
	assert_int_equal(rx_mark(&p), RX_PLAIN);

	memset(&count, 0, sizeof(count));
	assert_int_equal(rte_flow_query(port_b, flow, count_action, &count,
					&error), 0);
	assert_true(count.hits_set && count.bytes_set);
	assert_int_equal(count.hits, 3);
	assert_int_equal(count.bytes, 3 * len);

	memset(&count, 0, sizeof(count));
	count.reset = 1;
	assert_int_equal(rte_flow_query(port_b, flow, count_action, &count,
					&error), 0);
	assert_int_equal(count.hits, 3);
	memset(&count, 0, sizeof(count));
	assert_int_equal(rte_flow_query(port_b, flow, count_action, &count,
					&error), 0);
	assert_int_equal(count.hits, 0);
	assert_int_equal(count.bytes, 0);

	/* A rule without COUNT cannot be queried; nor anything but COUNT. */
	no_count = mark_rule(port_b, 0, pattern_any, 1);
	assert_int_equal(rte_flow_query(port_b, no_count, count_action,
					&count, &error), -EINVAL);
	assert_int_equal(error.type, RTE_FLOW_ERROR_TYPE_ACTION);
	assert_int_equal(rte_flow_query(port_b, flow, actions_mark1, &count,
					&error), -ENOTSUP);
}

static void
test_action_queue_rss_passthru(void **state __rte_unused)
{
	uint16_t queues[] = { 0 }, bad_queues[] = { 0, 3 };
	struct rte_flow_action_queue queue = { .index = 0 };
	struct rte_flow_action_queue bad_queue = { .index = 1 };
	struct rte_flow_action_rss rss = {
		.queue_num = 1, .queue = queues,
		.types = RTE_ETH_RSS_IP };
	struct rte_flow_action_rss bad_rss = {
		.queue_num = 2, .queue = bad_queues };
	struct rte_flow_action_rss xor_rss = {
		.func = RTE_ETH_HASH_FUNCTION_SIMPLE_XOR,
		.queue_num = 1, .queue = queues };
	struct rte_flow_action_mark mark = { .id = 11 };
	struct rte_flow_action a_queue[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_rss[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_bad_queue[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &bad_queue },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_bad_rss[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &bad_rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_xor_rss[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &xor_rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct pkt p = udp4();

	create_rule(port_b, 2, pattern_any, a_queue);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	create_rule(port_b, 1, pattern_any, a_pass);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	/* As OVS's partial offload: MARK and RSS over the Rx queues. */
	create_rule(port_b, 0, pattern_any, a_rss);
	assert_int_equal(rx_mark(&p), 11);

	expect_refusal(port_b, pattern_any, a_bad_queue, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION_CONF, &a_bad_queue[0]);
	expect_refusal(port_b, pattern_any, a_bad_rss, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION_CONF, &a_bad_rss[0]);
	expect_refusal(port_b, pattern_any, a_xor_rss, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ACTION_CONF, &a_xor_rss[0]);
}

/*
 * PASSTHRU makes a rule non-terminating: the lookup goes on to the best
 * matching rule below it.  Each rule met counts the frame; the last one
 * decides its fate; of their marks, the last one met stays.
 */
static void
test_passthru(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp umask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item p_2000[] = { ITEM(UDP, &udp, &umask), ITEM_END };
	struct rte_flow_action_mark m1 = { .id = 1 };
	struct rte_flow_action a_mark_count_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m1 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_count_drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_flag_count_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_count_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_error error;
	struct rte_flow *pass, *drop, *mark2, *flag, *chain[3];
	uint64_t hits = xstat(port_b, "flow_hits");
	uint64_t drops = xstat(port_b, "flow_drops");
	struct pkt p = udp4(), other = udp4();
	int i;

	other.dport = 2001;
	/* The DROP rule below the PASSTHRU rule still sees its frames. */
	pass = create_rule(port_b, 0, pattern_any, a_mark_count_pass);
	drop = create_rule(port_b, 1, p_2000, a_count_drop);
	assert_int_equal(rx_mark(&p), RX_DROPPED);
	/* No rule below: delivered as without rules, with the mark. */
	assert_int_equal(rx_mark(&other), 1);
	assert_int_equal(rule_hits(port_b, pass), 2);
	assert_int_equal(rule_hits(port_b, drop), 1);
	assert_int_equal(xstat(port_b, "flow_hits"), hits + 2);
	assert_int_equal(xstat(port_b, "flow_drops"), drops + 1);
	expect_in_dump(port_b, pass, "fate passthru mark 1 hits 2");
	expect_in_dump(port_b, drop, "fate drop hits 1");

	/* Of two marks, the last one met; FLAG keeps an earlier mark. */
	assert_int_equal(rte_flow_destroy(port_b, drop, &error), 0);
	mark2 = mark_rule(port_b, 2, pattern_any, 2);
	expect_in_dump(port_b, mark2, "fate default mark 2");
	assert_int_equal(rx_mark(&p), 2);
	assert_int_equal(rte_flow_destroy(port_b, mark2, &error), 0);
	flag = create_rule(port_b, 3, pattern_any, a_flag_count_pass);
	assert_int_equal(rx_mark(&p), 1);
	assert_int_equal(rte_flow_destroy(port_b, pass, &error), 0);
	assert_int_equal(rx_mark(&p), RX_FLAGGED);
	mark_rule(port_b, 4, pattern_any, 7);
	assert_int_equal(rx_mark(&p), 7);
	assert_int_equal(rule_hits(port_b, flag), 3);
	flush_b(NULL);

	/*
	 * Isolated: a frame that PASSTHRU rules alone match was left to
	 * rules that do not exist: dropped, but counted and a hit.
	 */
	pass = create_rule(port_b, 0, pattern_any, a_mark_count_pass);
	assert_int_equal(rte_flow_isolate(port_b, 1, &error), 0);
	assert_int_equal(rx_mark(&p), RX_DROPPED);
	mark_rule(port_b, 1, p_2000, 9);
	assert_int_equal(rx_mark(&p), 9);
	assert_int_equal(rx_mark(&other), RX_DROPPED);
	assert_int_equal(rule_hits(port_b, pass), 3);
	assert_int_equal(rte_flow_isolate(port_b, 0, &error), 0);
	assert_int_equal(rx_mark(&other), 1);
	flush_b(NULL);

	/* A chain of equal priorities: in order of creation, all counted. */
	for (i = 0; i < 3; i++)
		chain[i] = create_rule(port_b, 5, pattern_any, a_count_pass);
	mark_rule(port_b, 5, p_2000, 3);
	assert_int_equal(rx_mark(&p), 3);
	assert_int_equal(rx_mark(&other), RX_PLAIN);
	for (i = 0; i < 3; i++)
		assert_int_equal(rule_hits(port_b, chain[i]), 2);
	/* A terminating rule of equal priority created first ends it. */
	flush_b(NULL);
	mark_rule(port_b, 5, p_2000, 4);
	chain[0] = create_rule(port_b, 5, pattern_any, a_count_pass);
	assert_int_equal(rx_mark(&p), 4);
	assert_int_equal(rule_hits(port_b, chain[0]), 0);
}

/* Tests: refusals. */

static void
test_error_attributes(void **state __rte_unused)
{
	struct rte_flow_attr egress = { .egress = 1 };
	struct rte_flow_attr transfer = { .transfer = 1 };
	struct rte_flow_attr none = { .priority = 0 };
	struct rte_flow_attr group = { .ingress = 1, .group = 1 };
	struct rte_flow_attr prio = { .ingress = 1, .priority = 1000000 };
	struct rte_flow_error error;

	expect_refusal_attr(port_b, NULL, pattern_any, actions_mark1, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ATTR, NULL);
	expect_refusal_attr(port_b, &egress, pattern_any, actions_mark1,
			    ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, &egress);
	expect_refusal_attr(port_b, &transfer, pattern_any, actions_mark1,
			    ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER,
			    &transfer);
	expect_refusal_attr(port_b, &none, pattern_any, actions_mark1, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ATTR_INGRESS, &none);
	expect_refusal_attr(port_b, &group, pattern_any, actions_mark1,
			    ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, &group);
	/* Any priority is fine. */
	assert_int_equal(rte_flow_validate(port_b, &prio, pattern_any,
					   actions_mark1, &error), 0);
	assert_int_equal(xstat(port_b, "rules_installed"), 0);
}

static void
test_error_items(void **state __rte_unused)
{
	struct rte_flow_item_ipv4 ip = {
		.hdr.src_addr = RTE_BE32(1), .hdr.packet_id = RTE_BE16(1) };
	struct rte_flow_item_ipv4 ip_last = { .hdr.src_addr = RTE_BE32(9) };
	struct rte_flow_item_ipv4 id_mask = { .hdr.packet_id = RTE_BE16(0xffff) };
	struct rte_flow_item_ipv4 udp_proto = { .hdr.next_proto_id = 17 };
	struct rte_flow_item_ipv4 proto_mask = { .hdr.next_proto_id = 0xff };
	struct rte_flow_item_tcp seq = { .hdr.sent_seq = RTE_BE32(1) };
	struct rte_flow_item p_vxlan[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, NULL, NULL), ITEM(VXLAN, NULL, NULL), ITEM_END };
	struct rte_flow_item p_last[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &ip,
		  .last = &ip_last }, ITEM_END };
	struct rte_flow_item p_mask[] = { ITEM(IPV4, &ip, &id_mask), ITEM_END };
	struct rte_flow_item p_order[] = {
		ITEM(IPV4, NULL, NULL), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_item p_two_l4[] = {
		ITEM(UDP, NULL, NULL), ITEM(TCP, NULL, NULL), ITEM_END };
	struct rte_flow_item p_two_vlans[] = {
		ITEM(ETH, NULL, NULL), ITEM(VLAN, NULL, NULL),
		ITEM(VLAN, NULL, NULL), ITEM_END };
	struct rte_flow_item p_conflict[] = {
		ITEM(IPV4, &udp_proto, &proto_mask), ITEM(TCP, NULL, NULL),
		ITEM_END };
	struct rte_flow_item p_icmp_v6[] = {
		ITEM(IPV6, NULL, NULL), ITEM(ICMP, NULL, NULL), ITEM_END };
	struct rte_flow_item p_tcp_seq[] = {
		ITEM(TCP, &seq, &seq), ITEM_END };
	struct rte_flow_error error;

	expect_refusal(port_b, p_vxlan, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_vxlan[3]);
	expect_refusal(port_b, p_last, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_LAST, &ip_last);
	expect_refusal(port_b, p_mask, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_MASK, &p_mask[0]);
	expect_refusal(port_b, p_tcp_seq, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_MASK, &p_tcp_seq[0]);
	expect_refusal(port_b, p_order, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_order[1]);
	expect_refusal(port_b, p_two_l4, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_two_l4[1]);
	expect_refusal(port_b, p_two_vlans, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_two_vlans[2]);
	expect_refusal(port_b, p_conflict, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_conflict[1]);
	expect_refusal(port_b, p_icmp_v6, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_icmp_v6[1]);
	expect_refusal(port_b, NULL, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL);

	/* The same packet_id bits in the spec alone are ignored. */
	assert_int_equal(rte_flow_validate(port_b,
		&(struct rte_flow_attr){ .ingress = 1 },
		(struct rte_flow_item[]){ ITEM(IPV4, &ip, NULL), ITEM_END },
		actions_mark1, &error), 0);
}

/*
 * "last": a field whose last value (masked) is 0 or spec's makes no range
 * and is ignored; any other value is a range, refused.  Accepted rules
 * match exactly what spec alone matches.
 */
static void
test_item_last(void **state __rte_unused)
{
	struct rte_flow_item_ipv4 spec = {
		.hdr.src_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 1)),
		.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2)) };
	struct rte_flow_item_ipv4 zero = { .hdr.src_addr = 0 };
	struct rte_flow_item_ipv4 src_only = {
		.hdr.src_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 1)) };
	struct rte_flow_item_ipv4 ttl_too = spec;
	struct rte_flow_item_ipv4 higher = spec;
	struct rte_flow_item_ipv4 lower = spec;
	struct rte_flow_item_ipv4 m24 = {
		.hdr.src_addr = RTE_BE32(0xffffff00),
		.hdr.dst_addr = RTE_BE32(0xffffffff) };
	struct rte_flow_item_eth untagged = { .has_vlan = 0 };
	struct rte_flow_item_eth tagged = { .has_vlan = 1 };
	struct rte_flow_item_eth has_vlan_mask = { .has_vlan = 1 };
	const struct rte_flow_item_ipv4 *ignored[] = {
		&spec, &zero, &src_only, &ttl_too };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &spec },
		ITEM_END };
	struct rte_flow_item p_vlan_range[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &untagged,
		  .last = &tagged, .mask = &has_vlan_mask }, ITEM_END };
	struct pkt p = udp4(), other = udp4();
	unsigned int i;

	other.ip4_src = RTE_IPV4(10, 0, 0, 3);
	/* TTL is outside IPV4's default mask: its "range" is masked out. */
	ttl_too.hdr.time_to_live = 9;
	higher.hdr.src_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 9));
	lower.hdr.src_addr = RTE_BE32(RTE_IPV4(9, 0, 0, 1));
	for (i = 0; i < RTE_DIM(ignored); i++) {
		pattern[0].last = ignored[i];
		mark_rule(port_b, 0, pattern, i + 1);
		assert_int_equal(rx_mark(&p), i + 1);
		assert_int_equal(rx_mark(&other), RX_PLAIN);
		flush_b(NULL);
	}
	/* 10.0.0.9 is 10.0.0.1 under a /24 mask: no range either. */
	pattern[0].last = &higher;
	pattern[0].mask = &m24;
	mark_rule(port_b, 0, pattern, 24);
	assert_int_equal(rx_mark(&other), 24);
	flush_b(NULL);

	/* Real ranges: up, down (nonzero below spec), a flag from 0 to 1. */
	pattern[0].mask = NULL;
	expect_refusal(port_b, pattern, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_LAST, &higher);
	pattern[0].last = &lower;
	expect_refusal(port_b, pattern, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_LAST, &lower);
	expect_refusal(port_b, p_vlan_range, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM_LAST, &tagged);
	assert_int_equal(xstat(port_b, "rules_installed"), 0);
}

/* rte_flow: "Setting either mask or last without spec is an error." */
static void
test_item_mask_without_spec(void **state __rte_unused)
{
	struct rte_flow_item_ipv4 net = {
		.hdr.src_addr = RTE_BE32(0xff000000) };
	struct rte_flow_item p_mask[] = {
		ITEM(ETH, NULL, NULL),
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .mask = &net }, ITEM_END };
	struct rte_flow_item p_last[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .last = &net }, ITEM_END };
	struct rte_flow_item p_none[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL), ITEM_END };
	struct rte_flow_error error;

	expect_refusal(port_b, p_mask, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM_SPEC, &p_mask[1]);
	assert_non_null(strstr(error_message_of(port_b, p_mask),
			       "mask without spec"));
	expect_refusal(port_b, p_last, actions_mark1, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ITEM_SPEC, &p_last[0]);
	/* Neither: any IPv4 packet. */
	assert_int_equal(rte_flow_validate(port_b,
		&(struct rte_flow_attr){ .ingress = 1 }, p_none,
		actions_mark1, &error), 0);
}

/*
 * Items that contradict what earlier ones pin (EtherType, IP protocol,
 * fragments), fully or in masked bits, are refused with the offending
 * item as cause: no frame could match.  Their lookalikes that some frame
 * can match are accepted, and match.
 */
static void
test_item_contradictions(void **state __rte_unused)
{
	struct rte_flow_item_eth e_ip4 = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
	struct rte_flow_item_eth e_ip6 = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6) };
	struct rte_flow_item_eth e_arp = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP) };
	struct rte_flow_item_eth e_tpid = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN) };
	struct rte_flow_item_eth e_86xx = {
		.hdr.ether_type = RTE_BE16(0x8600) };
	struct rte_flow_item_eth e_8xxx = {
		.hdr.ether_type = RTE_BE16(0x8000) };
	struct rte_flow_item_eth e_tagged_ip4 = {
		.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4),
		.has_vlan = 1 };
	struct rte_flow_item_eth type_mask = {
		.hdr.ether_type = RTE_BE16(0xffff) };
	struct rte_flow_item_eth type_hi_mask = {
		.hdr.ether_type = RTE_BE16(0xff00) };
	struct rte_flow_item_eth type_top_mask = {
		.hdr.ether_type = RTE_BE16(0xf000) };
	struct rte_flow_item_eth type_vlan_mask = {
		.hdr.ether_type = RTE_BE16(0xffff), .has_vlan = 1 };
	struct rte_flow_item_vlan v_ip6 = {
		.hdr.eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV6) };
	struct rte_flow_item_vlan v_tpid = {
		.hdr.eth_proto = RTE_BE16(RTE_ETHER_TYPE_VLAN),
		.has_more_vlan = 1 };
	struct rte_flow_item_vlan v_ip4_more = {
		.hdr.eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4),
		.has_more_vlan = 1 };
	struct rte_flow_item_vlan inner_mask = {
		.hdr.eth_proto = RTE_BE16(0xffff), .has_more_vlan = 1 };
	struct rte_flow_item_ipv4 i4_udp = { .hdr.next_proto_id = 0x10 };
	struct rte_flow_item_ipv4 i4_proto_hi = { .hdr.next_proto_id = 0xf0 };
	struct rte_flow_item_ipv4 i4_later_frag = {
		.hdr.fragment_offset = RTE_BE16(100) };
	struct rte_flow_item_ipv4 i4_frag_mask = {
		.hdr.fragment_offset = RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK) };
	struct rte_flow_item_ipv6 i6_udp = { .hdr.proto = IPPROTO_UDP };
	struct rte_flow_item_ipv6 i6_frag = { .hdr.proto = IPPROTO_FRAGMENT };
	struct rte_flow_item_ipv6 i6_udp_frag = {
		.hdr.proto = IPPROTO_UDP, .has_frag_ext = 1 };
	struct rte_flow_item_ipv6 i6_mask = {
		.hdr.proto = 0xff, .has_frag_ext = 1 };
	struct rte_flow_item_ipv6 i6_proto_mask = { .hdr.proto = 0xff };
	struct {
		struct rte_flow_item pattern[4];
		int cause;	/* the offending item */
	} bad[] = {
		{ { ITEM(IPV6, &i6_udp, &i6_proto_mask), ITEM(TCP, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(ETH, &e_ip4, &type_mask), ITEM(IPV6, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(ETH, NULL, NULL), ITEM(VLAN, &v_ip6, &inner_mask),
		    ITEM(IPV4, NULL, NULL), ITEM_END }, 2 },
		{ { ITEM(ETH, &e_ip4, &type_mask), ITEM(VLAN, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(IPV4, &i4_udp, &i4_proto_hi), ITEM(TCP, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(ETH, &e_arp, &type_mask), ITEM(UDP, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(ETH, &e_ip6, &type_mask), ITEM(ICMP, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(ETH, &e_86xx, &type_hi_mask), ITEM(IPV4, NULL, NULL),
		    ITEM_END }, 1 },
		{ { ITEM(IPV6, &i6_udp_frag, &i6_mask), ITEM_END }, 0 },
		{ { ITEM(VLAN, &v_ip4_more, &inner_mask), ITEM_END }, 0 },
		{ { ITEM(ETH, &e_tagged_ip4, &type_vlan_mask), ITEM_END }, 0 },
		{ { ITEM(IPV4, &i4_later_frag, &i4_frag_mask),
		    ITEM(UDP, NULL, NULL), ITEM_END }, 1 },
	};
	struct rte_flow_item p_frag6[] = {
		ITEM(IPV6, &i6_frag, &i6_proto_mask), ITEM(UDP, NULL, NULL),
		ITEM_END };
	struct rte_flow_item p_tagged4[] = {
		ITEM(ETH, &e_tpid, &type_mask), ITEM(IPV4, NULL, NULL),
		ITEM_END };
	struct rte_flow_item p_qinq4[] = {
		ITEM(ETH, NULL, NULL), ITEM(VLAN, &v_tpid, &inner_mask),
		ITEM(IPV4, NULL, NULL), ITEM_END };
	struct rte_flow_item p_proto_hi[] = {
		ITEM(IPV4, &i4_udp, &i4_proto_hi), ITEM(UDP, NULL, NULL),
		ITEM_END };
	struct rte_flow_item p_ip6_udp[] = {
		ITEM(ETH, &e_ip6, &type_mask), ITEM(UDP, NULL, NULL),
		ITEM_END };
	struct rte_flow_item p_8xxx_ip4[] = {
		ITEM(ETH, &e_8xxx, &type_top_mask), ITEM(IPV4, NULL, NULL),
		ITEM_END };
	struct pkt p = udp4();
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++)
		expect_refusal(port_b, bad[i].pattern, actions_mark1, EINVAL,
			       RTE_FLOW_ERROR_TYPE_ITEM,
			       &bad[i].pattern[bad[i].cause]);
	assert_non_null(strstr(error_message_of(port_b, bad[0].pattern),
			       "could never match"));

	/* A first IPv6 fragment: the UDP header follows a fragment header. */
	mark_rule(port_b, 0, p_frag6, 44);
	p = with_proto(udp4(), 6, IPPROTO_UDP);
	p.ip6_frag = true;
	assert_int_equal(rx_mark(&p), 44);
	flush_b(NULL);
	/* A TPID, then IPv4 behind the tag; then behind two. */
	mark_rule(port_b, 0, p_tagged4, 81);
	p = udp4();
	p.vlan = 5;
	assert_int_equal(rx_mark(&p), 81);
	flush_b(NULL);
	mark_rule(port_b, 0, p_qinq4, 82);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	p.vlan2 = 6;
	assert_int_equal(rx_mark(&p), 82);
	flush_b(NULL);
	/* UDP, 17, is 0x1? under the mask 0xf0. */
	mark_rule(port_b, 0, p_proto_hi, 17);
	assert_int_equal(rx_mark(&p), 17);
	flush_b(NULL);
	mark_rule(port_b, 0, p_ip6_udp, 6);
	p = with_proto(udp4(), 6, IPPROTO_UDP);
	assert_int_equal(rx_mark(&p), 6);
	flush_b(NULL);
	/* 0x8xxx may be a TPID (0x8100, 0x88a8): tagged IPv4. */
	mark_rule(port_b, 0, p_8xxx_ip4, 8);
	p = udp4();
	p.vlan = 5;
	assert_int_equal(rx_mark(&p), 8);
}

static void
test_error_actions(void **state __rte_unused)
{
	struct rte_flow_action_port_id port = { .id = 0 };
	struct rte_flow_action_mark mark = { .id = 1 };
	struct rte_flow_action a_port[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_PORT_ID, .conf = &port },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_no_conf[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_two_fates[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_two_marks[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_two_counts[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };

	expect_refusal(port_b, pattern_any, a_port, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ACTION, &a_port[0]);
	expect_refusal(port_b, pattern_any, a_no_conf, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION_CONF, &a_no_conf[0]);
	expect_refusal(port_b, pattern_any, a_two_fates, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION, &a_two_fates[1]);
	expect_refusal(port_b, pattern_any, a_two_marks, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION, &a_two_marks[1]);
	expect_refusal(port_b, pattern_any, a_two_counts, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION, &a_two_counts[1]);
	expect_refusal(port_b, pattern_any, NULL, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL);
	assert_int_equal(xstat(port_b, "rules_installed"), 0);
}

/* Tests: capabilities set by devargs. */

static void
test_cap_max_rules(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_maxr", "sink=1,max_rules=3", 1, 1);
	struct rte_flow_error error;
	struct rte_flow *flows[3];
	int i;

	for (i = 0; i < 3; i++)
		flows[i] = mark_rule(port, (uint32_t)i, pattern_any, 1);
	expect_refusal(port, pattern_any, actions_mark1, ENOSPC,
		       RTE_FLOW_ERROR_TYPE_UNSPECIFIED, ANY_CAUSE);
	assert_int_equal(xstat(port, "rules_installed"), 3);
	assert_int_equal(rte_flow_destroy(port, flows[1], &error), 0);
	mark_rule(port, 0, pattern_any, 1);
	assert_int_equal(rte_vdev_uninit("net_simnic_maxr"), 0);
}

static void
test_cap_max_masks(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_maxm", "sink=1,max_masks=2", 1, 1);
	struct rte_flow_item_ipv4 a = { .hdr.src_addr = RTE_BE32(1) };
	struct rte_flow_item_ipv4 b = { .hdr.src_addr = RTE_BE32(2) };
	struct rte_flow_item_ipv4 m24 = { .hdr.src_addr = RTE_BE32(0xffffff00) };
	struct rte_flow_item p_a[] = { ITEM(IPV4, &a, NULL), ITEM_END };
	struct rte_flow_item p_b[] = { ITEM(IPV4, &b, NULL), ITEM_END };
	struct rte_flow_item p_24[] = { ITEM(IPV4, &a, &m24), ITEM_END };

	mark_rule(port, 0, p_a, 1);
	mark_rule(port, 0, pattern_any, 2);
	assert_int_equal(xstat(port, "flow_masks"), 2);
	expect_refusal(port, p_24, actions_mark1, ENOSPC,
		       RTE_FLOW_ERROR_TYPE_UNSPECIFIED, ANY_CAUSE);
	/* A mask in use takes more rules. */
	mark_rule(port, 0, p_b, 3);
	assert_int_equal(xstat(port, "rules_installed"), 3);
	assert_int_equal(rte_vdev_uninit("net_simnic_maxm"), 0);
}

static void
test_cap_mark_count_disabled(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_nomark", "sink=1,mark=0,count=0",
				1, 1);
	struct rte_flow_action a_flag[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	uint64_t features = RTE_ETH_RX_METADATA_USER_MARK;

	expect_refusal(port, pattern_any, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ACTION, &actions_mark1[0]);
	expect_refusal(port, pattern_any, a_flag, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ACTION, &a_flag[0]);
	expect_refusal(port, pattern_any, a_count, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ACTION, &a_count[0]);
	create_rule(port, 0, pattern_any, a_drop);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_nomark"), 0);

	/* Negotiation of Rx metadata follows mark=. */
	port = port_create("net_simnic_nomark2", "sink=1,mark=0");
	assert_int_equal(rte_eth_rx_metadata_negotiate(port, &features), 0);
	assert_int_equal(features, 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_nomark2"), 0);
	port = port_create("net_simnic_mark2", "sink=1");
	features = RTE_ETH_RX_METADATA_USER_MARK |
		   RTE_ETH_RX_METADATA_TUNNEL_ID;
	assert_int_equal(rte_eth_rx_metadata_negotiate(port, &features), 0);
	assert_int_equal(features, RTE_ETH_RX_METADATA_USER_MARK);
	assert_int_equal(rte_vdev_uninit("net_simnic_mark2"), 0);
}

/* integrity=0: a NIC without the item refuses every rule that has it. */
static void
test_cap_integrity_disabled(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_noint", "sink=1,integrity=0",
				1, 1);
	struct rte_flow_item_integrity ok = { .l3_ok = 1 };
	struct rte_flow_item p_ok[] = {
		ITEM(IPV4, NULL, NULL), ITEM(INTEGRITY, &ok, &ok), ITEM_END };
	struct rte_flow_item p_any[] = {
		ITEM(INTEGRITY, NULL, NULL), ITEM_END };
	struct rte_flow_item p_ip[] = { ITEM(IPV4, NULL, NULL), ITEM_END };

	expect_refusal(port, p_ok, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_ok[1]);
	assert_non_null(strstr(error_message_of(port, p_ok), "integrity=0"));
	expect_refusal(port, p_any, actions_mark1, ENOTSUP,
		       RTE_FLOW_ERROR_TYPE_ITEM, &p_any[0]);
	mark_rule(port, 0, p_ip, 1);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_noint"), 0);

	/* The default, and integrity=1, have it. */
	port = port_up("net_simnic_int", "sink=1,integrity=1", 1, 1);
	mark_rule(port, 0, p_ok, 1);
	mark_rule(port, 0, p_any, 2);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_int"), 0);
}

static void
test_cap_max_mark(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_mm", "sink=1,max_mark=100", 1, 1);
	struct rte_flow_action_mark big = { .id = 101 };
	struct rte_flow_action a_big[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &big },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };

	mark_rule(port, 0, pattern_any, 100);
	expect_refusal(port, pattern_any, a_big, EINVAL,
		       RTE_FLOW_ERROR_TYPE_ACTION_CONF, &a_big[0]);
	assert_int_equal(rte_vdev_uninit("net_simnic_mm"), 0);
}

static void
test_cap_fail_every(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_fail", "sink=1,fail_every=3", 1, 1);
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_error error;
	int i, created = 0;

	for (i = 1; i <= 7; i++) {
		struct rte_flow *f = rte_flow_create(port, &attr, pattern_any,
						     actions_mark1, &error);

		if (i % 3 == 0) {
			assert_null(f);
			assert_int_equal(rte_errno, EIO);
			assert_non_null(strstr(error.message, "fail_every"));
		} else {
			assert_non_null(f);
			created++;
		}
	}
	assert_int_equal(xstat(port, "rules_installed"), created);
	assert_int_equal(xstat(port, "flow_creates"), created);
	assert_int_equal(xstat(port, "flow_create_failures"), 2);
	/* validate is not create: it never fails on purpose. */
	for (i = 0; i < 6; i++)
		assert_int_equal(rte_flow_validate(port, &attr, pattern_any,
						   actions_mark1, &error), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_fail"), 0);
}

/* A thread that creates one rule, for test_insert_latency. */
struct create_call {
	uint16_t port;
	uint32_t mark;
	bool started;
	bool done;
	uint64_t elapsed_us;
	struct rte_flow *flow;
};

static void *
create_call_run(void *arg)
{
	struct create_call *call = arg;
	struct rte_flow_action_mark mark = { .id = call->mark };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_error error;
	uint64_t start;

	__atomic_store_n(&call->started, true, __ATOMIC_RELEASE);
	start = now_us();
	call->flow = rte_flow_create(call->port, &attr, pattern_any, actions,
				     &error);
	call->elapsed_us = now_us() - start;
	__atomic_store_n(&call->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Devarg insert_latency_us: create, destroy and a flush that has rules to
 * remove take at least that long, on the calling thread; validate,
 * refusals and stale handles do not wait, nor does Rx meanwhile.
 */
static void
test_insert_latency(void **state __rte_unused)
{
	const uint64_t latency = 100000;
	uint16_t port = port_up("net_simnic_lat",
				"gen=flows:4,insert_latency_us=100000", 1, 1);
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_action a_jump[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_JUMP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct create_call call = { .port = port, .mark = 5 };
	uint64_t start, burst, longest = 0, bursts = 0;
	struct rte_flow_error error;
	struct rte_mbuf *pkts[32];
	struct rte_flow *flow;
	pthread_t thread;
	uint16_t i, n;

	start = now_us();
	flow = mark_rule(port, 0, pattern_any, 1);
	assert_true(now_us() - start >= latency);
	start = now_us();
	assert_int_equal(rte_flow_destroy(port, flow, &error), 0);
	assert_true(now_us() - start >= latency);
	/* What the driver decides alone takes no time on the NIC. */
	start = now_us();
	assert_int_equal(rte_flow_destroy(port, flow, &error), -ENOENT);
	assert_int_equal(rte_flow_validate(port, &attr, pattern_any,
					   actions_mark1, &error), 0);
	assert_null(rte_flow_create(port, &attr, pattern_any, a_jump,
				    &error));
	assert_int_equal(rte_flow_flush(port, &error), 0);
	assert_true(now_us() - start < latency);

	/* Rx goes on while another thread's create waits. */
	assert_int_equal(pthread_create(&thread, NULL, create_call_run,
					&call), 0);
	while (!__atomic_load_n(&call.started, __ATOMIC_ACQUIRE))
		rte_pause();
	while (!__atomic_load_n(&call.done, __ATOMIC_ACQUIRE)) {
		burst = now_us();
		n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
		burst = now_us() - burst;
		longest = RTE_MAX(longest, burst);
		bursts += n > 0;
		rte_pktmbuf_free_bulk(pkts, n);
	}
	assert_int_equal(pthread_join(thread, NULL), 0);
	print_message("insert latency: create took %" PRIu64 " us; %" PRIu64
		      " bursts meanwhile, the longest %" PRIu64 " us\n",
		      call.elapsed_us, bursts, longest);
	assert_non_null(call.flow);
	assert_true(call.elapsed_us >= latency);
	assert_true(bursts > 0);
	assert_true(longest < latency / 2);
	/* Once create has returned, the rule is in force. */
	n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
	assert_int_equal(n, RTE_DIM(pkts));
	for (i = 0; i < n; i++)
		assert_int_equal(mbuf_mark(pkts[i]), 5);
	rte_pktmbuf_free_bulk(pkts, n);

	start = now_us();
	assert_int_equal(rte_flow_flush(port, &error), 0);
	assert_true(now_us() - start >= latency);
	assert_int_equal(rte_vdev_uninit("net_simnic_lat"), 0);
}

/* Tests: rule lifetime. */

static void
test_flush_and_stale_handles(void **state __rte_unused)
{
	struct rte_flow_query_count count;
	struct rte_flow_action count_action[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_error error;
	struct rte_flow *flows[5], *again;
	struct pkt p = udp4();
	int i;

	for (i = 0; i < 5; i++)
		flows[i] = mark_rule(port_b, (uint32_t)i, pattern_any,
				     (uint32_t)i + 1);
	assert_int_equal(xstat(port_b, "rules_installed"), 5);
	assert_int_equal(rx_mark(&p), 1);
	assert_int_equal(rte_flow_flush(port_b, &error), 0);
	assert_int_equal(xstat(port_b, "rules_installed"), 0);
	assert_int_equal(rx_mark(&p), RX_PLAIN);

	/* Old handles are refused, even once their slot is reused. */
	again = mark_rule(port_b, 0, pattern_any, 9);
	for (i = 0; i < 5; i++) {
		memset(&error, 0, sizeof(error));
		assert_int_equal(rte_flow_destroy(port_b, flows[i], &error),
				 -ENOENT);
		assert_int_equal(error.type, RTE_FLOW_ERROR_TYPE_HANDLE);
		assert_int_equal(rte_flow_query(port_b, flows[i],
						count_action, &count, &error),
				 -ENOENT);
	}
	assert_int_equal(rx_mark(&p), 9);
	assert_int_equal(rte_flow_destroy(port_b, again, &error), 0);
	assert_int_equal(rte_flow_destroy(port_b, again, &error), -ENOENT);
	assert_int_equal(rte_flow_destroy(port_b, NULL, &error), -ENOENT);
}

static void
test_rules_freed_on_stop_and_close(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_life", "sink=1", 1, 1);
	struct rte_flow_error error;
	struct rte_flow *flow;
	int i;

	flow = mark_rule(port, 0, pattern_any, 1);
	for (i = 0; i < 100; i++)
		mark_rule(port, (uint32_t)i, pattern_any, (uint32_t)i);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(xstat(port, "rules_installed"), 0);
	assert_int_equal(xstat(port, "flow_masks"), 0);
	assert_int_equal(rte_flow_destroy(port, flow, &error), -ENOENT);

	assert_int_equal(rte_eth_dev_start(port), 0);
	for (i = 0; i < 100; i++)
		mark_rule(port, 0, pattern_any, (uint32_t)i);
	/* Closing with rules in place frees them (ASan checks for leaks). */
	assert_int_equal(rte_eth_dev_stop(port), 0);
	for (i = 0; i < 10; i++)
		mark_rule(port, 0, pattern_any, (uint32_t)i);
	assert_int_equal(rte_eth_dev_close(port), 0);
	assert_int_not_equal(port_id_of("net_simnic_life", &port), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_life"), 0);

	/* Removing a started port with rules works too. */
	port = port_up("net_simnic_life2", "sink=1", 1, 1);
	mark_rule(port, 0, pattern_any, 1);
	assert_int_equal(rte_vdev_uninit("net_simnic_life2"), 0);
	assert_int_not_equal(port_id_of("net_simnic_life2", &port), 0);
}

static void
test_isolate(void **state __rte_unused)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item pattern[] = { ITEM(UDP, &udp, &udp_mask), ITEM_END };
	struct rte_flow_error error;
	struct pkt p = udp4(), other = udp4();

	other.dport = 53;
	assert_int_equal(rte_flow_isolate(port_b, 1, &error), 0);
	assert_int_equal(rx_mark(&p), RX_DROPPED);
	mark_rule(port_b, 0, pattern, 4);
	assert_int_equal(rx_mark(&p), 4);
	assert_int_equal(rx_mark(&other), RX_DROPPED);
	assert_int_equal(rte_flow_isolate(port_b, 0, &error), 0);
	assert_int_equal(rx_mark(&other), RX_PLAIN);
}

static void
test_many_rules_one_mask(void **state __rte_unused)
{
	const uint32_t n = 20000;
	struct rte_flow_item_ipv4 ip;
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip, NULL),
		ITEM(UDP, &udp, NULL), ITEM_END };
	struct rte_flow **flows = calloc(n, sizeof(*flows));
	struct rte_flow_error error;
	struct pkt p = udp4();
	uint32_t i;

	assert_non_null(flows);
	memset(&ip, 0, sizeof(ip));
	for (i = 0; i < n; i++) {
		ip.hdr.src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 0) + i);
		ip.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2));
		udp.hdr.src_port = rte_cpu_to_be_16((uint16_t)(i % 60000));
		flows[i] = mark_rule(port_b, 0, pattern, i + 1);
	}
	assert_int_equal(xstat(port_b, "flow_masks"), 1);
	assert_int_equal(xstat(port_b, "rules_installed"), n);
	for (i = 0; i < n; i += 997) {
		p.ip4_src = RTE_IPV4(10, 1, 0, 0) + i;
		p.sport = (uint16_t)(i % 60000);
		assert_int_equal(rx_mark(&p), i + 1);
		p.sport++;
		assert_int_equal(rx_mark(&p), RX_PLAIN);
	}
	for (i = 0; i < n; i += 2)
		assert_int_equal(rte_flow_destroy(port_b, flows[i], &error), 0);
	assert_int_equal(xstat(port_b, "rules_installed"), n / 2);
	p.ip4_src = RTE_IPV4(10, 1, 0, 0) + 1;
	p.sport = 1;
	assert_int_equal(rx_mark(&p), 2);
	p.ip4_src = RTE_IPV4(10, 1, 0, 0) + 2;
	p.sport = 2;
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	free(flows);
}

/*
 * Rx on a gen port while rules change underneath.  Every rule marks flow
 * i with i, so a frame marked otherwise got a verdict it should not have.
 * The fields are shared with the main thread: atomics.
 */
struct rx_loop {
	uint16_t port;
	bool stop;
	uint64_t packets;
	uint64_t marked;
	uint64_t wrong;
};

static void *
rx_loop_run(void *arg)
{
	struct rx_loop *loop = arg;
	struct rte_mbuf *pkts[32];
	uint64_t marked, wrong;
	uint16_t i, n;

	while (!__atomic_load_n(&loop->stop, __ATOMIC_ACQUIRE)) {
		n = rte_eth_rx_burst(loop->port, 0, pkts, RTE_DIM(pkts));
		marked = 0;
		wrong = 0;
		for (i = 0; i < n; i++) {
			const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
				pkts[i], const struct rte_ipv4_hdr *,
				RTE_ETHER_HDR_LEN);
			uint32_t flow = rte_be_to_cpu_32(ip->src_addr) -
					RTE_IPV4(10, 0, 0, 1);

			if (!(pkts[i]->ol_flags & RTE_MBUF_F_RX_FDIR_ID))
				continue;
			marked++;
			wrong += pkts[i]->hash.fdir.hi != flow;
		}
		__atomic_fetch_add(&loop->marked, marked, __ATOMIC_RELAXED);
		__atomic_fetch_add(&loop->wrong, wrong, __ATOMIC_RELAXED);
		__atomic_fetch_add(&loop->packets, n, __ATOMIC_RELEASE);
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return NULL;
}

static void
rules_change_during_rx(const char *args)
{
	uint16_t port = port_up("net_simnic_conc", args, 1, 1);
	struct rte_flow_item_ipv4 ip;
	struct rte_flow_item_ipv4 ip_mask = { .hdr.src_addr = RTE_BE32(~0u) };
	struct rte_flow_item pattern[] = { ITEM(IPV4, &ip, &ip_mask), ITEM_END };
	struct rte_flow *flows[64];
	struct rte_flow_error error;
	struct rx_loop loop = { .port = port };
	pthread_t thread;
	int round, i;

	memset(&ip, 0, sizeof(ip));
	assert_int_equal(pthread_create(&thread, NULL, rx_loop_run, &loop), 0);
	while (__atomic_load_n(&loop.packets, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	for (round = 0; round < 200; round++) {
		for (i = 0; i < 64; i++) {
			ip.hdr.src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1) + i);
			flows[i] = mark_rule(port, (uint32_t)(i % 3), pattern, i);
		}
		for (i = 0; i < 64; i += 2)
			assert_int_equal(rte_flow_destroy(port, flows[i], &error), 0);
		assert_int_equal(rte_flow_flush(port, &error), 0);
	}
	/* Let Rx run with rules in place too, whatever the scheduler did. */
	for (i = 0; i < 64; i++) {
		ip.hdr.src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1) + i);
		mark_rule(port, 0, pattern, i);
	}
	while (__atomic_load_n(&loop.marked, __ATOMIC_RELAXED) < 1000)
		rte_pause();
	__atomic_store_n(&loop.stop, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(thread, NULL), 0);
	print_message("rx: %" PRIu64 " frames, %" PRIu64 " marked, %u mbufs free\n",
		      loop.packets, loop.marked, rte_mempool_avail_count(pool));
	assert_true(loop.packets > 0);
	assert_int_equal(loop.wrong, 0);
	assert_true(xstat(port, "flow_hits") > 0);
	assert_int_equal(xstat(port, "flow_hits") + xstat(port, "flow_misses"),
			 loop.packets);
	assert_int_equal(rte_vdev_uninit("net_simnic_conc"), 0);
}

static void
test_rules_change_during_rx(void **state __rte_unused)
{
	rules_change_during_rx("gen=flows:64");
	rules_change_during_rx("gen=flows:64,offload_clock=host");
}

/* Tests: backends. */

static void
test_peer_stats_and_queues(void **state __rte_unused)
{
	uint16_t c = port_up("net_simnic_pc", "peer=net_simnic_pd", 2, 2);
	uint16_t d = port_up("net_simnic_pd", "peer=net_simnic_pc", 2, 2);
	struct rte_eth_stats sc, sd;
	struct rte_mbuf *m, *rx[8];
	struct pkt p = udp4();
	uint8_t buf[2048] = { 0 };
	uint64_t frame_len = pkt_write(&p, buf);
	uint16_t q;

	/* Tx queue q of one port lands on Rx queue q of the other. */
	for (q = 0; q < 2; q++) {
		m = pkt_mbuf(&p);
		assert_int_equal(rte_eth_tx_burst(c, q, &m, 1), 1);
		assert_int_equal(rte_eth_rx_burst(d, (uint16_t)(1 - q), rx, 8), 0);
		assert_int_equal(rte_eth_rx_burst(d, q, rx, 8), 1);
		rte_pktmbuf_free(rx[0]);
	}
	m = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(d, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(c, 0, rx, 8), 1);
	rte_pktmbuf_free(rx[0]);

	assert_int_equal(rte_eth_stats_get(c, &sc), 0);
	assert_int_equal(rte_eth_stats_get(d, &sd), 0);
	assert_int_equal(sc.opackets, 2);
	assert_int_equal(sc.ipackets, 1);
	assert_int_equal(sd.ipackets, 2);
	assert_int_equal(sd.q_ipackets[1], 1);
	assert_int_equal(sd.ibytes, 2 * frame_len);
	assert_int_equal(sc.obytes, 2 * frame_len);

	/* A stopped peer's link is down: frames are lost, counted. */
	assert_int_equal(rte_eth_dev_stop(d), 0);
	m = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(c, 0, &m, 1), 1);
	assert_int_equal(rte_eth_stats_get(c, &sc), 0);
	assert_int_equal(sc.oerrors, 1);
	assert_int_equal(rte_vdev_uninit("net_simnic_pd"), 0);
	/* And a missing one too. */
	m = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(c, 1, &m, 1), 1);
	assert_int_equal(rte_eth_stats_get(c, &sc), 0);
	assert_int_equal(sc.oerrors, 2);
	assert_int_equal(rte_vdev_uninit("net_simnic_pc"), 0);
}

static void
test_sink_counts(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_sink", "sink=1", 1, 1);
	struct rte_mbuf *pkts[10], *rx[4];
	struct rte_eth_stats stats;
	struct pkt p = udp4();
	uint64_t bytes = 0;
	int i;

	for (i = 0; i < 10; i++) {
		pkts[i] = pkt_mbuf(&p);
		bytes += pkts[i]->pkt_len;
	}
	assert_int_equal(rte_eth_tx_burst(port, 0, pkts, 10), 10);
	assert_int_equal(rte_eth_rx_burst(port, 0, rx, 4), 0);
	assert_int_equal(rte_eth_stats_get(port, &stats), 0);
	assert_int_equal(stats.opackets, 10);
	assert_int_equal(stats.obytes, bytes);
	assert_int_equal(stats.ipackets, 0);
	assert_int_equal(rte_eth_stats_reset(port), 0);
	assert_int_equal(rte_eth_stats_get(port, &stats), 0);
	assert_int_equal(stats.opackets, 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_sink"), 0);
	/* No backend devarg: a sink. */
	port = port_up("net_simnic_dflt", NULL, 1, 1);
	pkts[0] = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(port, 0, pkts, 1), 1);
	assert_int_equal(rte_vdev_uninit("net_simnic_dflt"), 0);
}

/* Checks one generated frame; returns its flow index. */
static uint32_t
check_gen_frame(struct rte_mbuf *m, int ipv, uint8_t proto, int vlan,
		uint16_t size)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	size_t off = 12;
	uint32_t src;

	assert_int_equal(m->pkt_len, size);
	assert_int_equal(m->data_len, size);
	if (vlan > 0) {
		assert_int_equal((d[12] << 8) | d[13], RTE_ETHER_TYPE_VLAN);
		assert_int_equal(((d[14] << 8) | d[15]) & 0xfff, vlan);
		off += 4;
	}
	assert_int_equal((d[off] << 8) | d[off + 1],
			 ipv == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	off += 2;
	if (ipv == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + off);

		assert_int_equal(ip->next_proto_id, proto);
		assert_int_equal(ip4_csum(d + off), 0);
		assert_int_equal(rte_be_to_cpu_16(ip->total_length),
				 size - off);
		assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, d + off + 20),
				 0);
		src = rte_be_to_cpu_32(ip->src_addr) - RTE_IPV4(10, 0, 0, 1);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(d + off);

		assert_int_equal(ip->proto, proto);
		assert_int_equal(rte_be_to_cpu_16(ip->payload_len),
				 size - off - 40);
		assert_int_equal(rte_ipv6_udptcp_cksum_verify(ip, d + off + 40),
				 0);
		src = ((uint32_t)ip->src_addr[12] << 24 |
		       (uint32_t)ip->src_addr[13] << 16 |
		       (uint32_t)ip->src_addr[14] << 8 | ip->src_addr[15]) - 1;
	}
	return src;
}

static void
gen_check(const char *name, const char *args, uint16_t nb_rxq, int ipv,
	  uint8_t proto, int vlan, uint16_t size, uint32_t flows)
{
	uint16_t port = port_up(name, args, nb_rxq, 1);
	uint32_t *seen = calloc(flows, sizeof(*seen));
	struct rte_mbuf *pkts[32];
	uint16_t q, i, n;
	uint32_t f, distinct = 0;
	int round;

	assert_non_null(seen);
	for (q = 0; q < nb_rxq; q++) {
		for (round = 0; round < 8; round++) {
			n = rte_eth_rx_burst(port, q, pkts, RTE_DIM(pkts));
			assert_int_equal(n, RTE_DIM(pkts));
			for (i = 0; i < n; i++) {
				f = check_gen_frame(pkts[i], ipv, proto, vlan,
						    size);
				assert_true(f < flows);
				/* Each flow stays on one queue. */
				assert_int_equal(f % nb_rxq, q);
				distinct += seen[f]++ == 0;
			}
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
	assert_int_equal(distinct, RTE_MIN(flows, 8u * 32 * nb_rxq));
	free(seen);
	assert_int_equal(rte_vdev_uninit(name), 0);
}

static void
test_gen_flows_and_sizes(void **state __rte_unused)
{
	gen_check("net_simnic_g1", "gen=flows:10/proto:udp/ip:4/size:128", 1,
		  4, IPPROTO_UDP, 0, 128, 10);
	gen_check("net_simnic_g2", "gen=ip:6/proto:tcp/flows:100/vlan:7", 1,
		  6, IPPROTO_TCP, 7, 14 + 4 + 40 + 20, 100);
	gen_check("net_simnic_g3", "gen=flows:16/size:1500", 2,
		  4, IPPROTO_UDP, 0, 1500, 16);
	gen_check("net_simnic_g4", "gen=flows:1048576/proto:tcp/size:60", 1,
		  4, IPPROTO_TCP, 0, 60, 1048576);
	gen_check("net_simnic_g5", "gen=", 1, 4, IPPROTO_UDP, 0, 64, 1);
}

/* The flow indexes of 'n' frames of queue 0 of a gen port (IPv4, UDP). */
static void
gen_flows(uint16_t port, uint32_t *flows, uint32_t n)
{
	struct rte_mbuf *pkts[32];
	uint32_t got = 0;
	uint16_t i, r;

	while (got < n) {
		r = rte_eth_rx_burst(port, 0, pkts,
				     (uint16_t)RTE_MIN(n - got, RTE_DIM(pkts)));
		assert_true(r > 0);
		for (i = 0; i < r; i++)
			flows[got++] = check_gen_frame(pkts[i], 4, IPPROTO_UDP,
						       0, 64);
		rte_pktmbuf_free_bulk(pkts, r);
	}
}

/* Generalized harmonic number H(n, s): the Zipf distribution's norm. */
static double
zipf_norm(uint32_t n, double s)
{
	double h = 0;
	uint32_t k;

	for (k = 1; k <= n; k++)
		h += pow(k, -s);
	return h;
}

/*
 * zipf:S: flow i (rank i until the ranking moves) carries its Zipf share
 * of the frames, on the NIC and the host clock alike; the same seed gives
 * the same frames, another seed others.
 */
static void
zipf_shares(const char *clock)
{
	enum { FLOWS = 1000, FRAMES = 64000 };
	double h = zipf_norm(FLOWS, 1.1), top10 = 0;
	uint32_t *seq = calloc(FRAMES, sizeof(*seq));
	uint32_t *count = calloc(FLOWS, sizeof(*count));
	uint32_t again[256], other[256], i, n10 = 0;
	char args[128];
	uint16_t port;

	assert_non_null(seq);
	assert_non_null(count);
	snprintf(args, sizeof(args), "gen=flows:%u/zipf:1.1/seed:7%s",
		 FLOWS, clock);
	port = port_up("net_simnic_z1", args, 1, 1);
	gen_flows(port, seq, FRAMES);
	for (i = 0; i < FRAMES; i++) {
		assert_true(seq[i] < FLOWS);
		count[seq[i]]++;
	}
	for (i = 0; i < 10; i++) {
		top10 += pow(i + 1, -1.1) / h;
		n10 += count[i];
	}
	/* Shares within 5% of the expected ones (about 20 sigma). */
	assert_true(fabs(count[0] - FRAMES / h) < 0.05 * FRAMES / h);
	assert_true(fabs(n10 - FRAMES * top10) < 0.05 * FRAMES * top10);
	assert_true(count[0] > count[1] && count[1] > count[2] &&
		    count[2] > count[9] && count[9] > count[99]);

	port = port_up("net_simnic_z2", args, 1, 1);
	gen_flows(port, again, RTE_DIM(again));
	assert_memory_equal(again, seq, sizeof(again));
	snprintf(args, sizeof(args), "gen=flows:%u/zipf:1.1/seed:8%s",
		 FLOWS, clock);
	port = port_up("net_simnic_z3", args, 1, 1);
	gen_flows(port, other, RTE_DIM(other));
	assert_memory_not_equal(other, seq, sizeof(other));

	assert_int_equal(rte_vdev_uninit("net_simnic_z1"), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_z2"), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_z3"), 0);
	free(count);
	free(seq);
}

static void
test_gen_zipf(void **state __rte_unused)
{
	zipf_shares("");
	zipf_shares(",offload_clock=host");
}

/* The flow most of 'n' frames belong to. */
static uint32_t
gen_hottest(uint16_t port, uint32_t flows, uint32_t n)
{
	uint32_t *seq = calloc(n, sizeof(*seq));
	uint32_t *count = calloc(flows, sizeof(*count));
	uint32_t i, hot = 0;

	assert_non_null(seq);
	assert_non_null(count);
	gen_flows(port, seq, n);
	for (i = 0; i < n; i++)
		if (++count[seq[i]] > count[hot])
			hot = seq[i];
	free(count);
	free(seq);
	return hot;
}

/*
 * rotate:T moves rank 0 (and every rank) by 61 of 100 flows (the golden
 * ratio's share) every T seconds, from the first burst on.
 */
static void
test_gen_zipf_rotate(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_zr",
				"gen=flows:100/zipf:2/rotate:0.05", 1, 1);
	uint64_t deadline = rte_get_tsc_cycles() + 5 * rte_get_tsc_hz();
	uint32_t hot;

	assert_int_equal(gen_hottest(port, 100, 256), 0);
	do {
		hot = gen_hottest(port, 100, 256);
	} while (hot == 0 && rte_get_tsc_cycles() < deadline);
	assert_int_equal(hot, 61);
	assert_int_equal(rte_vdev_uninit("net_simnic_zr"), 0);
}

static void
test_gen_with_rules(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_gr", "gen=flows:4", 1, 1);
	struct rte_flow_item_ipv4 ip = {
		.hdr.src_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 3)) };
	struct rte_flow_item_ipv4 ip_mask = { .hdr.src_addr = RTE_BE32(~0u) };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip, &ip_mask),
		ITEM(UDP, NULL, NULL), ITEM_END };
	struct rte_flow_action_mark mark = { .id = 33 };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_query_count count = { .reset = 0 };
	struct rte_mbuf *pkts[16];
	struct rte_flow_error error;
	struct rte_flow *flow;
	uint16_t i, n;
	int marked = 0;

	flow = create_rule(port, 0, pattern, actions);
	n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
	assert_int_equal(n, 16);
	for (i = 0; i < n; i++) {
		uint32_t f = check_gen_frame(pkts[i], 4, IPPROTO_UDP, 0, 64);

		if (f == 2) {
			assert_true(pkts[i]->ol_flags & RTE_MBUF_F_RX_FDIR_ID);
			assert_int_equal(pkts[i]->hash.fdir.hi, 33);
			marked++;
		} else {
			assert_false(pkts[i]->ol_flags & RTE_MBUF_F_RX_FDIR);
		}
	}
	rte_pktmbuf_free_bulk(pkts, n);
	assert_int_equal(marked, 4);
	assert_int_equal(rte_flow_query(port, flow, &actions[1], &count,
					&error), 0);
	assert_int_equal(count.hits, 4);
	assert_int_equal(count.bytes, 4 * 64);
	assert_int_equal(xstat(port, "flow_hits"), 4);
	assert_int_equal(xstat(port, "flow_misses"), 12);
	assert_int_equal(rte_vdev_uninit("net_simnic_gr"), 0);
}

/* Tests: the NIC clock (cached verdicts of gen ports), RSS, steering. */

#define GEN_SRC(f)	(RTE_IPV4(10, 0, 0, 1) + (f))
#define GEN_DST		RTE_IPV4(10, 255, 255, 254)

/* A rule on gen flow f, by source address, with the given actions. */
static struct rte_flow *
gen_flow_rule(uint16_t port, uint32_t priority, uint32_t flow,
	      const struct rte_flow_action actions[])
{
	struct rte_flow_item_ipv4 ip = {
		.hdr.src_addr = rte_cpu_to_be_32(GEN_SRC(flow)) };
	struct rte_flow_item_ipv4 mask = {
		.hdr.src_addr = RTE_BE32(UINT32_MAX) };
	struct rte_flow_item pattern[] = {
		ITEM(IPV4, &ip, &mask), ITEM_END };

	return create_rule(port, priority, pattern, actions);
}

/*
 * One burst of n from queue 0 of a gen port of 'flows' 64-byte IPv4/UDP
 * flows: fate[f] is what became of flow f's frames (a mark or an RX_*
 * value; all frames of a flow in one burst must agree).  Returns the
 * number of frames received.
 */
static uint16_t
gen_rx_fates(uint16_t port, uint16_t n, uint32_t flows, int64_t *fate)
{
	struct rte_mbuf *pkts[64];
	bool seen[64] = { false };
	uint16_t i, got;
	uint32_t f;

	assert_true(flows <= RTE_DIM(seen) && n <= RTE_DIM(pkts));
	got = rte_eth_rx_burst(port, 0, pkts, n);
	for (f = 0; f < flows; f++)
		fate[f] = RX_DROPPED;
	for (i = 0; i < got; i++) {
		int64_t this = mbuf_mark(pkts[i]);

		f = check_gen_frame(pkts[i], 4, IPPROTO_UDP, 0, 64);
		assert_true(f < flows);
		if (seen[f])
			assert_int_equal(fate[f], this);
		seen[f] = true;
		fate[f] = this;
	}
	rte_pktmbuf_free_bulk(pkts, got);
	return got;
}

/* Checks fates: flow 'special' has 'fs', the others 'fo'. */
static void
expect_fates(const int64_t *fate, uint32_t flows, uint32_t special,
	     int64_t fs, int64_t fo)
{
	uint32_t f;

	for (f = 0; f < flows; f++)
		assert_int_equal(fate[f], f == special ? fs : fo);
}

static void
test_nic_clock_follows_rules(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_nc", "gen=flows:8", 1, 1);
	struct rte_flow_action_mark m30 = { .id = 30 }, m31 = { .id = 31 };
	struct rte_flow_action a_mark30_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m30 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_mark31[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m31 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_flag[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_query_count count;
	struct rte_flow_error error;
	struct rte_eth_stats stats;
	struct rte_flow *a, *c;
	int64_t fate[8];

	/* Bursts of 16 cover the 8 flows twice. */
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 0, RX_PLAIN, RX_PLAIN);
	a = gen_flow_rule(port, 1, 3, a_mark30_count);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 3, 30, RX_PLAIN);
	create_rule(port, 2, pattern_any, a_flag);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 3, 30, RX_FLAGGED);
	/* A better rule takes over, then goes: no stale mark after it. */
	c = gen_flow_rule(port, 0, 3, a_mark31);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 3, 31, RX_FLAGGED);
	assert_int_equal(rte_flow_destroy(port, c, &error), 0);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 3, 30, RX_FLAGGED);
	gen_flow_rule(port, 0, 5, a_drop);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 14);
	assert_int_equal(fate[5], RX_DROPPED);
	assert_int_equal(fate[3], 30);

	/* COUNT is exact: rule a won for flow 3 in four bursts. */
	memset(&count, 0, sizeof(count));
	assert_int_equal(rte_flow_query(port, a, &a_mark30_count[1], &count,
					&error), 0);
	assert_int_equal(count.hits, 8);
	assert_int_equal(count.bytes, 8 * 64);

	assert_int_equal(rte_flow_destroy(port, a, &error), 0);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 14);
	assert_int_equal(fate[3], RX_FLAGGED);
	assert_int_equal(rte_flow_flush(port, &error), 0);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 0, RX_PLAIN, RX_PLAIN);

	/* 8 bursts of 16: hits in bursts 2 (2 frames) and 3-7 (16 each). */
	assert_int_equal(xstat(port, "flow_hits"), 2 + 5 * 16);
	assert_int_equal(xstat(port, "flow_misses"), 16 + 14 + 16);
	assert_int_equal(xstat(port, "flow_drops"), 4);
	assert_int_equal(rte_eth_stats_get(port, &stats), 0);
	assert_int_equal(stats.ipackets, 8 * 16 - 4);
	assert_int_equal(stats.ibytes, (8 * 16 - 4) * 64);
	assert_int_equal(rte_vdev_uninit("net_simnic_nc"), 0);
}

/*
 * The same PASSTHRU chains on a gen port: the NIC clock caches verdicts
 * that count for several rules, and must count exactly as the host clock.
 * Eight flows, bursts of 16: each flow twice per burst.
 */
static void
passthru_gen(const char *args)
{
	uint16_t port = port_up("net_simnic_pg", args, 1, 1);
	struct rte_flow_action_mark m10 = { .id = 10 }, m20 = { .id = 20 };
	struct rte_flow_action a_mark10_count_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m10 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_count_drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_mark20_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m20 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_flag_count_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_count_pass[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_error error;
	struct rte_flow *a, *b, *c, *d, *e;
	int64_t fate[8];
	int round;

	/* Flow 3: a, b.  Flow 5: a, c.  Flow 6: a, e, d.  Others: a, d. */
	a = create_rule(port, 0, pattern_any, a_mark10_count_pass);
	b = gen_flow_rule(port, 1, 3, a_count_drop);
	e = gen_flow_rule(port, 1, 6, a_count_pass);
	c = gen_flow_rule(port, 2, 5, a_mark20_count);
	d = create_rule(port, 3, pattern_any, a_flag_count_pass);
	/* Twice: the second burst runs on cached verdicts (NIC clock). */
	for (round = 1; round <= 2; round++) {
		assert_int_equal(gen_rx_fates(port, 16, 8, fate), 14);
		assert_int_equal(fate[3], RX_DROPPED);
		fate[3] = 10;
		expect_fates(fate, 8, 5, 20, 10);
		assert_int_equal(rule_hits(port, a), 16 * round);
		assert_int_equal(rule_hits(port, b), 2 * round);
		assert_int_equal(rule_hits(port, c), 2 * round);
		assert_int_equal(rule_hits(port, d), 12 * round);
		assert_int_equal(rule_hits(port, e), 2 * round);
	}
	/* Isolated: only flow 5 met a terminating rule that delivers. */
	assert_int_equal(rte_flow_isolate(port, 1, &error), 0);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 2);
	expect_fates(fate, 8, 5, 20, RX_DROPPED);
	assert_int_equal(rte_flow_isolate(port, 0, &error), 0);
	assert_int_equal(rule_hits(port, d), 36);
	assert_int_equal(rule_hits(port, e), 6);
	/* Without the DROP rule, flow 3 goes on to d. */
	assert_int_equal(rte_flow_destroy(port, b, &error), 0);
	assert_int_equal(gen_rx_fates(port, 16, 8, fate), 16);
	expect_fates(fate, 8, 5, 20, 10);
	assert_int_equal(rule_hits(port, a), 64);
	assert_int_equal(rule_hits(port, c), 8);
	assert_int_equal(rule_hits(port, d), 50);
	assert_int_equal(rule_hits(port, e), 8);
	assert_int_equal(xstat(port, "flow_hits"), 64);
	assert_int_equal(xstat(port, "flow_misses"), 0);
	assert_int_equal(xstat(port, "flow_drops"), 2 + 2 + 14);
	assert_int_equal(rte_vdev_uninit("net_simnic_pg"), 0);
}

static void
test_passthru_gen(void **state __rte_unused)
{
	passthru_gen("gen=flows:8");
	passthru_gen("gen=flows:8,offload_clock=host");
}

/* A pseudo-random number generator, so that runs repeat. */
/*
 * Generated frames are well formed: INTEGRITY ok rules take them on both
 * clocks (the NIC clock caches the flags with the verdict), not-ok rules
 * do not.
 */
static void
integrity_gen(const char *args)
{
	struct rte_flow_item_integrity ok = { .l3_ok = 1, .l4_ok = 1 };
	struct rte_flow_item_integrity not_ok = { .l3_ok = 0 };
	struct rte_flow_item_integrity l3_mask = { .l3_ok = 1 };
	struct rte_flow_item p_ok[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, NULL, NULL), ITEM(INTEGRITY, &ok, &ok), ITEM_END };
	struct rte_flow_item p_not_ok[] = {
		ITEM(IPV4, NULL, NULL), ITEM(INTEGRITY, &not_ok, &l3_mask),
		ITEM_END };
	uint16_t port = port_up("net_simnic_ig", args, 1, 1);
	struct rte_flow_error error;
	int64_t fate[4];

	mark_rule(port, 0, p_not_ok, 7);
	assert_int_equal(gen_rx_fates(port, 8, 4, fate), 8);
	expect_fates(fate, 4, 0, RX_PLAIN, RX_PLAIN);
	mark_rule(port, 1, p_ok, 5);
	assert_int_equal(gen_rx_fates(port, 8, 4, fate), 8);
	expect_fates(fate, 4, 0, 5, 5);
	assert_int_equal(rte_flow_flush(port, &error), 0);
	assert_int_equal(gen_rx_fates(port, 8, 4, fate), 8);
	expect_fates(fate, 4, 0, RX_PLAIN, RX_PLAIN);
	assert_int_equal(rte_vdev_uninit("net_simnic_ig"), 0);
}

static void
test_item_integrity_gen(void **state __rte_unused)
{
	integrity_gen("gen=flows:4");
	integrity_gen("gen=flows:4,offload_clock=host");
}

static uint32_t
lcg_next(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/* Receives a burst from queue q of both ports and compares the frames. */
static void
twin_compare_burst(const uint16_t ports[2], uint16_t q)
{
	const uint64_t flags = RTE_MBUF_F_RX_FDIR | RTE_MBUF_F_RX_FDIR_ID |
			       RTE_MBUF_F_RX_RSS_HASH;
	struct rte_mbuf *a[32], *b[32];
	uint16_t na, nb, i;

	na = rte_eth_rx_burst(ports[0], q, a, RTE_DIM(a));
	nb = rte_eth_rx_burst(ports[1], q, b, RTE_DIM(b));
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(a[i]->pkt_len, b[i]->pkt_len);
		/* Each port sends to its own MAC address: skip it. */
		assert_memory_equal(rte_pktmbuf_mtod_offset(a[i], void *, 6),
				    rte_pktmbuf_mtod_offset(b[i], void *, 6),
				    a[i]->pkt_len - 6);
		assert_int_equal(a[i]->ol_flags & flags, b[i]->ol_flags & flags);
		if (a[i]->ol_flags & RTE_MBUF_F_RX_FDIR_ID)
			assert_int_equal(a[i]->hash.fdir.hi, b[i]->hash.fdir.hi);
		if (a[i]->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
			assert_int_equal(a[i]->hash.rss, b[i]->hash.rss);
	}
	rte_pktmbuf_free_bulk(a, na);
	rte_pktmbuf_free_bulk(b, nb);
}

/* Creates the same random rule on both ports; returns false if refused. */
static bool
twin_random_rule(const uint16_t ports[2], uint32_t *seed,
		 struct rte_flow *flows[2])
{
	uint32_t r = lcg_next(seed), flow = lcg_next(seed) % 60;
	struct rte_flow_attr attr = { .ingress = 1, .priority = r % 4 };
	struct rte_flow_item_ipv4 ip = {
		.hdr.src_addr = rte_cpu_to_be_32(GEN_SRC(flow)) };
	struct rte_flow_item_ipv4 ip_mask = {
		.hdr.src_addr = RTE_BE32(UINT32_MAX) };
	struct rte_flow_item_tcp tcp = {
		.hdr.src_port = rte_cpu_to_be_16((uint16_t)(1024 + flow)) };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(TCP, NULL, NULL), ITEM_END };
	struct rte_flow_action_mark mark = { .id = lcg_next(seed) % 1000 };
	struct rte_flow_action actions[5];
	struct rte_flow_error error;
	unsigned int n = 0;
	int i;

	switch ((r >> 4) % 4) {
	case 1:	/* one flow */
		pattern[1].spec = &ip;
		pattern[1].mask = &ip_mask;
		break;
	case 2:	/* four flows */
		ip_mask.hdr.src_addr = RTE_BE32(0xfffffffc);
		ip.hdr.src_addr &= ip_mask.hdr.src_addr;
		pattern[1].spec = &ip;
		pattern[1].mask = &ip_mask;
		break;
	case 3:	/* one flow, by port */
		pattern[2].spec = &tcp;
		break;
	}
	memset(actions, 0, sizeof(actions));
	switch ((r >> 8) % 9) {
	case 0:
		actions[n].type = RTE_FLOW_ACTION_TYPE_MARK;
		actions[n++].conf = &mark;
		break;
	case 1:
		actions[n++].type = RTE_FLOW_ACTION_TYPE_FLAG;
		break;
	case 2:
		actions[n++].type = RTE_FLOW_ACTION_TYPE_DROP;
		break;
	case 3:
		actions[n++].type = RTE_FLOW_ACTION_TYPE_COUNT;
		break;
	case 4:
		actions[n].type = RTE_FLOW_ACTION_TYPE_MARK;
		actions[n++].conf = &mark;
		actions[n++].type = RTE_FLOW_ACTION_TYPE_COUNT;
		break;
	case 5:
		actions[n++].type = RTE_FLOW_ACTION_TYPE_COUNT;
		actions[n++].type = RTE_FLOW_ACTION_TYPE_DROP;
		break;
	/* PASSTHRU: chains of rules that count, mark and flag. */
	case 6:
		actions[n].type = RTE_FLOW_ACTION_TYPE_MARK;
		actions[n++].conf = &mark;
		actions[n++].type = RTE_FLOW_ACTION_TYPE_COUNT;
		actions[n++].type = RTE_FLOW_ACTION_TYPE_PASSTHRU;
		break;
	case 7:
		actions[n++].type = RTE_FLOW_ACTION_TYPE_FLAG;
		actions[n++].type = RTE_FLOW_ACTION_TYPE_PASSTHRU;
		break;
	default:
		actions[n++].type = RTE_FLOW_ACTION_TYPE_COUNT;
		actions[n++].type = RTE_FLOW_ACTION_TYPE_PASSTHRU;
		break;
	}
	actions[n].type = RTE_FLOW_ACTION_TYPE_END;
	for (i = 0; i < 2; i++)
		flows[i] = rte_flow_create(ports[i], &attr, pattern, actions,
					   &error);
	assert_true((flows[0] == NULL) == (flows[1] == NULL));
	return flows[0] != NULL;
}

/* Compares the COUNT of a rule on both ports. */
static void
twin_compare_count(const uint16_t ports[2], struct rte_flow *flows[2])
{
	struct rte_flow_action count_action[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_query_count count[2];
	struct rte_flow_error error;
	int ret[2], i;

	for (i = 0; i < 2; i++) {
		memset(&count[i], 0, sizeof(count[i]));
		ret[i] = rte_flow_query(ports[i], flows[i], count_action,
					&count[i], &error);
	}
	assert_int_equal(ret[0], ret[1]);
	assert_int_equal(count[0].hits, count[1].hits);
	assert_int_equal(count[0].bytes, count[1].bytes);
}

/*
 * The same rule changes, between the same bursts, on a host-clock and a
 * NIC-clock gen port: every frame, mark, flag, hash and counter agrees.
 */
static void
test_nic_clock_matches_host_clock(void **state __rte_unused)
{
	static const char *const names[2] = {
		"net_simnic_twh", "net_simnic_twn" };
	static const char *const args[2] = {
		"gen=flows:50/proto:tcp,offload_clock=host",
		"gen=flows:50/proto:tcp,offload_clock=nic" };
	static const char *const stats[] = {
		"flow_hits", "flow_misses", "flow_drops", "rx_good_packets",
		"rx_good_bytes" };
	struct rte_flow *flows[64][2];
	struct rte_flow_error error;
	uint16_t ports[2], q;
	uint32_t seed = 12345, r;
	unsigned int n = 0, i, step;

	for (i = 0; i < 2; i++) {
		ports[i] = port_create(names[i], args[i]);
		port_start_rss(ports[i], 2, RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP,
			       true);
	}
	for (step = 0; step < 400; step++) {
		r = lcg_next(&seed) % 20;
		if (r < 10 && n < RTE_DIM(flows)) {
			n += twin_random_rule(ports, &seed, flows[n]);
		} else if (r < 17 && n > 0) {
			i = lcg_next(&seed) % n;
			twin_compare_count(ports, flows[i]);
			assert_int_equal(rte_flow_destroy(ports[0], flows[i][0],
							  &error), 0);
			assert_int_equal(rte_flow_destroy(ports[1], flows[i][1],
							  &error), 0);
			memcpy(flows[i], flows[--n], sizeof(flows[i]));
		} else if (r == 18) {
			assert_int_equal(rte_flow_flush(ports[0], &error), 0);
			assert_int_equal(rte_flow_flush(ports[1], &error), 0);
			n = 0;
		} else if (r == 19) {
			for (i = 0; i < 2; i++)
				assert_int_equal(rte_flow_isolate(ports[i],
					(int)(step & 1), &error), 0);
		}
		for (q = 0; q < 2; q++)
			twin_compare_burst(ports, q);
	}
	for (i = 0; i < n; i++)
		twin_compare_count(ports, flows[i]);
	for (i = 0; i < RTE_DIM(stats); i++)
		assert_int_equal(xstat(ports[0], stats[i]),
				 xstat(ports[1], stats[i]));
	print_message("twins: %" PRIu64 " frames, %" PRIu64 " hits, %" PRIu64
		      " drops\n", xstat(ports[0], "rx_good_packets"),
		      xstat(ports[0], "flow_hits"),
		      xstat(ports[0], "flow_drops"));
	assert_true(xstat(ports[0], "flow_hits") > 1000);
	assert_true(xstat(ports[0], "flow_drops") > 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(rte_vdev_uninit(names[i]), 0);
}

/* Toeplitz as DPDK computes it (rte_softrss), from host-order words. */
static uint32_t
softrss_v4(const uint8_t *key, uint32_t src, uint32_t dst, uint16_t sport,
	   uint16_t dport, bool ports)
{
	uint32_t tuple[3] = { src, dst, (uint32_t)sport << 16 | dport };

	return rte_softrss(tuple, ports ? 3 : 2, key);
}

static uint32_t
softrss_v6(const uint8_t *key, const uint8_t *src, const uint8_t *dst,
	   uint16_t sport, uint16_t dport, bool ports)
{
	uint32_t tuple[9];
	int i;

	for (i = 0; i < 4; i++) {
		tuple[i] = (uint32_t)src[4 * i] << 24 |
			   (uint32_t)src[4 * i + 1] << 16 |
			   (uint32_t)src[4 * i + 2] << 8 | src[4 * i + 3];
		tuple[4 + i] = (uint32_t)dst[4 * i] << 24 |
			       (uint32_t)dst[4 * i + 1] << 16 |
			       (uint32_t)dst[4 * i + 2] << 8 | dst[4 * i + 3];
	}
	tuple[8] = (uint32_t)sport << 16 | dport;
	return rte_softrss(tuple, ports ? 9 : 8, key);
}

/* Sends p from port tx to port rx (one queue each); returns the frame. */
static struct rte_mbuf *
xfer(uint16_t tx, uint16_t rx, const struct pkt *p)
{
	struct rte_mbuf *m = pkt_mbuf(p), *got[4];

	assert_int_equal(rte_eth_tx_burst(tx, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(rx, 0, got, RTE_DIM(got)), 1);
	return got[0];
}

/* The hash port rx gives p, or -1 for none. */
static int64_t
xfer_hash(uint16_t tx, uint16_t rx, const struct pkt *p)
{
	struct rte_mbuf *m = xfer(tx, rx, p);
	int64_t hash = -1;

	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		hash = m->hash.rss;
	rte_pktmbuf_free(m);
	return hash;
}

static void
test_rss_hash_peer(void **state __rte_unused)
{
	uint16_t tx = port_up("net_simnic_rs0", "peer=net_simnic_rs1", 1, 1);
	uint16_t rx = port_create("net_simnic_rs1", "peer=net_simnic_rs0");
	/* Microsoft's RSS verification suite, first IPv4 and IPv6 cases. */
	static const uint8_t v6_src[16] = {
		0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
		0, 0, 0, 0, 0, 0, 0, 7 };
	static const uint8_t v6_dst[16] = {
		0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
		0, 0, 0, 0, 0, 0, 0, 1 };
	uint8_t key[40] __rte_aligned(4), key2[40] __rte_aligned(4);
	struct rte_eth_rss_conf conf = { .rss_key = key, .rss_key_len = 40 };
	struct rte_eth_dev_info info;
	struct rte_eth_conf dev_conf;
	struct pkt p = udp4(), p6, icmp, tcp, raw;
	unsigned int i;

	assert_int_equal(rte_eth_dev_info_get(rx, &info), 0);
	assert_true(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH);
	assert_int_equal(info.hash_key_size, 40);
	p.ip4_src = IP4(66, 9, 149, 187);
	p.ip4_dst = IP4(161, 142, 100, 80);
	p.sport = 2794;
	p.dport = 1766;
	p6 = with_proto(p, 6, IPPROTO_UDP);
	memcpy(p6.ip6_src, v6_src, 16);
	memcpy(p6.ip6_dst, v6_dst, 16);
	icmp = with_proto(p, 4, IPPROTO_ICMP);
	tcp = with_proto(p, 4, IPPROTO_TCP);
	raw = p;
	raw.ipv = 0;
	raw.eth_type = 0x88b5;

	/* Without RSS, no hash. */
	port_start(rx, 1, 1);
	assert_int_equal(xfer_hash(tx, rx, &p), -1);
	assert_int_equal(rte_eth_dev_stop(rx), 0);

	/*
	 * RSS without the offload, as OVS configures ports: the hash comes
	 * all the same, as on i40e or mlx5, and the configuration says so.
	 */
	port_start_rss(rx, 1, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP, false);
	assert_int_equal(rte_eth_dev_conf_get(rx, &dev_conf), 0);
	assert_true(dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH);
	assert_int_equal(xfer_hash(tx, rx, &p), 0x51ccc178);
	assert_int_equal(rte_eth_dev_stop(rx), 0);

	/* The offload: UDP with ports; TCP (not in rss_hf), ICMP on IPs. */
	port_start_rss(rx, 1, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP, true);
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(rx, &conf), 0);
	assert_int_equal(conf.rss_hf, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
	assert_int_equal(xfer_hash(tx, rx, &p), 0x51ccc178);
	assert_int_equal(xfer_hash(tx, rx, &p),
			 softrss_v4(key, p.ip4_src, p.ip4_dst, p.sport,
				    p.dport, true));
	assert_int_equal(xfer_hash(tx, rx, &tcp), 0x323e8fc2);
	assert_int_equal(xfer_hash(tx, rx, &icmp), 0x323e8fc2);
	assert_int_equal(xfer_hash(tx, rx, &p6), 0x40207d3d);
	assert_int_equal(xfer_hash(tx, rx, &p6),
			 softrss_v6(key, v6_src, v6_dst, p.sport, p.dport,
				    true));
	assert_int_equal(xfer_hash(tx, rx, &raw), -1);

	/* A key of one's own. */
	for (i = 0; i < sizeof(key2); i++)
		key2[i] = (uint8_t)(i * 37 + 11);
	conf.rss_key = key2;
	conf.rss_key_len = 40;
	conf.rss_hf = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP;
	assert_int_equal(rte_eth_dev_rss_hash_update(rx, &conf), 0);
	assert_int_equal(xfer_hash(tx, rx, &tcp),
			 softrss_v4(key2, p.ip4_src, p.ip4_dst, p.sport,
				    p.dport, true));
	assert_int_equal(xfer_hash(tx, rx, &p6),
			 softrss_v6(key2, v6_src, v6_dst, p.sport, p.dport,
				    true));
	conf.rss_key_len = 20;
	assert_int_not_equal(rte_eth_dev_rss_hash_update(rx, &conf), 0);

	assert_int_equal(rte_vdev_uninit("net_simnic_rs1"), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_rs0"), 0);
}

/*
 * Gen ports hash each frame, cached or not, and follow key changes; with
 * the offload or with RSS alone.
 */
static void
rss_hash_gen(const char *args, bool hash_offload)
{
	uint16_t port = port_create("net_simnic_rsg", args);
	uint8_t key[40] __rte_aligned(4);
	struct rte_eth_rss_conf conf = { .rss_key = key, .rss_key_len = 40 };
	struct rte_mbuf *pkts[32];
	uint16_t i, n;
	int round;

	port_start_rss(port, 1, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP,
		       hash_offload);
	for (round = 0; round < 3; round++) {
		if (round == 2) {
			for (i = 0; i < sizeof(key); i++)
				key[i] = (uint8_t)(i * 13 + 5);
			assert_int_equal(rte_eth_dev_rss_hash_update(port,
								     &conf),
					 0);
		}
		assert_int_equal(rte_eth_dev_rss_hash_conf_get(port, &conf),
				 0);
		n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
		assert_int_equal(n, RTE_DIM(pkts));
		for (i = 0; i < n; i++) {
			uint32_t f = check_gen_frame(pkts[i], 4, IPPROTO_UDP,
						     0, 64);

			assert_true(pkts[i]->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
			assert_int_equal(pkts[i]->hash.rss,
					 softrss_v4(key, GEN_SRC(f), GEN_DST,
						    (uint16_t)(1024 + f), 5000,
						    true));
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	/* Restarted without RSS: no hash, cached verdicts or not. */
	assert_int_equal(rte_eth_dev_stop(port), 0);
	port_start(port, 1, 1);
	n = rte_eth_rx_burst(port, 0, pkts, RTE_DIM(pkts));
	assert_int_equal(n, RTE_DIM(pkts));
	for (i = 0; i < n; i++)
		assert_false(pkts[i]->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
	rte_pktmbuf_free_bulk(pkts, n);
	assert_int_equal(rte_vdev_uninit("net_simnic_rsg"), 0);
}

static void
test_rss_hash_gen(void **state __rte_unused)
{
	rss_hash_gen("gen=flows:20", true);
	rss_hash_gen("gen=flows:20,offload_clock=host", true);
	rss_hash_gen("gen=flows:20", false);
	rss_hash_gen("gen=flows:20,offload_clock=host", false);
}

/* QUEUE and RSS rules move frames between a peer port's Rx queues. */
static void
test_steering(void **state __rte_unused)
{
	uint16_t tx = port_up("net_simnic_st0", "peer=net_simnic_st1", 1, 1);
	uint16_t rx = port_up("net_simnic_st1", "peer=net_simnic_st0", 4, 1);
	uint16_t rss_queues[] = { 3, 1 };
	struct rte_flow_action_queue queue = { .index = 2 };
	struct rte_flow_action_rss rss = {
		.queue_num = RTE_DIM(rss_queues), .queue = rss_queues,
		.types = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP };
	struct rte_flow_action_mark m5 = { .id = 5 }, m6 = { .id = 6 };
	struct rte_flow_action a_queue[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m5 },
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_rss[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m6 },
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_item_udp u2000 = { .hdr.dst_port = RTE_BE16(2000) };
	struct rte_flow_item_udp u3000 = { .hdr.dst_port = RTE_BE16(3000) };
	struct rte_flow_item_udp umask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item p2000[] = { ITEM(UDP, &u2000, &umask), ITEM_END };
	struct rte_flow_item p3000[] = { ITEM(UDP, &u3000, &umask), ITEM_END };
	struct rte_flow_action a_pass_mark6[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &m6 },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_action a_queue_only[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow_error error;
	uint8_t key[40] __rte_aligned(4);
	struct rte_eth_rss_conf conf = { .rss_key = key, .rss_key_len = 40 };
	struct rte_eth_stats stats;
	struct rte_mbuf *m, *got[4];
	struct pkt p = udp4();
	uint16_t q, expected, n_q[4] = { 0 };
	int i;

	assert_int_equal(rte_eth_dev_rss_hash_conf_get(rx, &conf), 0);
	create_rule(rx, 0, p2000, a_queue);
	create_rule(rx, 0, p3000, a_rss);

	/* Tx queue 0 feeds Rx queue 0, which classifies, then steers. */
	m = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(tx, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(rx, 0, got, 4), 0);
	assert_int_equal(rte_eth_rx_burst(rx, 1, got, 4), 0);
	assert_int_equal(rte_eth_rx_burst(rx, 2, got, 4), 1);
	assert_int_equal(mbuf_mark(got[0]), 5);
	rte_pktmbuf_free(got[0]);

	/* RSS: the (hash mod 2)-th of queues {1, 3}. */
	p.dport = 3000;
	for (i = 0; i < 32; i++) {
		p.sport = (uint16_t)(1000 + i);
		expected = softrss_v4(key, p.ip4_src, p.ip4_dst, p.sport,
				      p.dport, true) % 2 == 0 ? 1 : 3;
		m = pkt_mbuf(&p);
		assert_int_equal(rte_eth_tx_burst(tx, 0, &m, 1), 1);
		assert_int_equal(rte_eth_rx_burst(rx, 0, got, 4), 0);
		for (q = 1; q < 4; q++) {
			uint16_t n = rte_eth_rx_burst(rx, q, got, 4);

			assert_int_equal(n, q == expected ? 1 : 0);
			if (n == 0)
				continue;
			assert_int_equal(mbuf_mark(got[0]), 6);
			rte_pktmbuf_free(got[0]);
		}
		n_q[expected]++;
	}
	assert_true(n_q[1] > 0 && n_q[3] > 0);

	/* Unmatched frames stay where they arrive. */
	p.dport = 53;
	m = xfer(tx, rx, &p);
	assert_int_equal(mbuf_mark(m), RX_PLAIN);
	rte_pktmbuf_free(m);

	assert_int_equal(xstat(rx, "flow_steered"), 33);
	assert_int_equal(rte_eth_stats_get(rx, &stats), 0);
	assert_int_equal(stats.ipackets, 34);
	assert_int_equal(stats.q_ipackets[0], 1);
	assert_int_equal(stats.q_ipackets[2], 1);
	assert_int_equal(stats.q_ipackets[1], n_q[1]);
	assert_int_equal(stats.q_ipackets[3], n_q[3]);

	/* Past a PASSTHRU rule: its mark, the QUEUE rule's queue. */
	assert_int_equal(rte_flow_flush(rx, &error), 0);
	create_rule(rx, 0, pattern_any, a_pass_mark6);
	create_rule(rx, 1, p2000, a_queue_only);
	p.dport = 2000;
	m = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(tx, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(rx, 0, got, 4), 0);
	assert_int_equal(rte_eth_rx_burst(rx, 2, got, 4), 1);
	assert_int_equal(mbuf_mark(got[0]), 6);
	rte_pktmbuf_free(got[0]);
	assert_int_equal(rte_vdev_uninit("net_simnic_st1"), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_st0"), 0);
}

static void
test_bad_devargs(void **state __rte_unused)
{
	static const char *const bad[] = {
		"gen=flows:0", "gen=flows:2000000", "gen=proto:icmp",
		"gen=ip:5", "gen=size:20", "gen=size:70000", "gen=foo:1",
		"gen=flows", "gen=vlan:4096", "gen=flows:1x",
		"max_rules=0", "max_rules=abc", "max_rules=-1",
		"max_rules=99999999999", "max_masks=0", "max_mark=-1",
		"count=2", "mark=yes", "integrity=2", "integrity=",
		"fail_every=", "sink=0", "sink",
		"unknown=1", "sink=1,gen=flows:1", "max_rules=1,max_rules=2",
		"iface=simnic_no_such_if0", "iface=", "peer=net_simnic_bad",
		"peer=", "sink=1,offload_clock=nic", "peer=x,offload_clock=nic",
		"gen=flows:2,offload_clock=fast", "gen=,offload_clock=",
		"insert_latency_us=1000001", "insert_latency_us=-1",
		"insert_latency_us=", "insert_latency_us=1ms",
		"gen=zipf:0", "gen=zipf:11", "gen=zipf:x", "gen=zipf:-1",
		"gen=zipf:1.1x", "gen=zipf:1/rotate:0", "gen=zipf:1/rotate:3601",
		"gen=rotate:1", "gen=zipf:1/seed:-1", "gen=seed:4294967296",
	};
	unsigned int i;
	uint16_t port;

	for (i = 0; i < RTE_DIM(bad); i++) {
		if (rte_vdev_init("net_simnic_bad", bad[i]) == 0) {
			rte_vdev_uninit("net_simnic_bad");
			fail_msg("devargs '%s' were accepted", bad[i]);
		}
		assert_int_not_equal(port_id_of("net_simnic_bad", &port), 0);
	}
	/* Good ones, for contrast, including hexadecimal numbers. */
	port = port_create("net_simnic_good",
			   "gen=flows:3/size:100,max_rules=0x10,max_mark=7,count=0,mark=1,max_masks=2,fail_every=0,integrity=0");
	assert_int_equal(rte_vdev_uninit("net_simnic_good"), 0);
	port = port_create("net_simnic_good", "offload_clock=host,gen=flows:3");
	assert_int_equal(rte_vdev_uninit("net_simnic_good"), 0);
	port = port_create("net_simnic_good", "sink=1,offload_clock=host");
	assert_int_equal(rte_vdev_uninit("net_simnic_good"), 0);
	port = port_create("net_simnic_good",
			   "sink=1,insert_latency_us=1000000");
	assert_int_equal(rte_vdev_uninit("net_simnic_good"), 0);
	(void)port;
}

static void
test_xstats_names(void **state __rte_unused)
{
	static const char *const names[] = {
		"rules_installed", "flow_masks", "flow_creates",
		"flow_destroys", "flow_create_failures", "flow_hits",
		"flow_misses", "flow_drops", "flow_steered", "rx_good_packets",
		"switch_rx_forwarded", "switch_rx_dropped", "switch_tx_packets",
		"switch_tx_bytes", "switch_tx_errors",
	};
	struct rte_eth_xstat_name *all;
	unsigned int i;
	int n, j;
	bool found;

	n = rte_eth_xstats_get_names(port_b, NULL, 0);
	assert_true(n > (int)RTE_DIM(names));
	all = calloc((size_t)n, sizeof(*all));
	assert_non_null(all);
	assert_int_equal(rte_eth_xstats_get_names(port_b, all, (unsigned)n), n);
	for (i = 0; i < RTE_DIM(names); i++) {
		found = false;
		for (j = 0; j < n; j++)
			found |= strcmp(all[j].name, names[i]) == 0;
		if (!found)
			fail_msg("no xstat %s", names[i]);
	}
	free(all);
	assert_int_equal(rte_eth_xstats_reset(port_b), 0);
	assert_int_equal(xstat(port_b, "flow_creates"), 0);
}

/* Switch domains: transfer rules on the PF forward between its ports. */

#define SW_PF		"net_simnic_swpf"
#define SW_WIRE		"net_simnic_swwire"
#define SW_VF0		"net_simnic_swvf0"
#define SW_VM0		"net_simnic_swvm0"
#define SW_VF1		"net_simnic_swvf1"

/*
 * The switch "sw0": its PF, whose far end is the wire port, and the
 * representors of VF 0 (far end: the vm0 port) and VF 1 (a sink).
 */
struct sw_ports {
	uint16_t pf, wire, vf0, vm0, vf1;
};

static struct sw_ports
sw_up(void)
{
	struct sw_ports s;

	s.pf = port_up(SW_PF, "switch=sw0,peer=" SW_WIRE, 1, 1);
	s.wire = port_up(SW_WIRE, "peer=" SW_PF, 1, 1);
	s.vf0 = port_up(SW_VF0, "switch=sw0,representor=vf0,peer=" SW_VM0, 1, 1);
	s.vm0 = port_up(SW_VM0, "peer=" SW_VF0, 1, 1);
	s.vf1 = port_up(SW_VF1, "switch=sw0,representor=vf1,sink=1", 1, 1);
	return s;
}

static void
sw_down(void)
{
	assert_int_equal(rte_vdev_uninit(SW_VF1), 0);
	assert_int_equal(rte_vdev_uninit(SW_VM0), 0);
	assert_int_equal(rte_vdev_uninit(SW_VF0), 0);
	assert_int_equal(rte_vdev_uninit(SW_WIRE), 0);
	assert_int_equal(rte_vdev_uninit(SW_PF), 0);
}

static struct rte_flow *
transfer_rule(uint16_t port, const struct rte_flow_item pattern[],
	      const struct rte_flow_action actions[])
{
	struct rte_flow_attr attr = { .transfer = 1 };
	struct rte_flow_error error = { .message = NULL };
	struct rte_flow *flow;

	flow = rte_flow_create(port, &attr, pattern, actions, &error);
	if (flow == NULL)
		fail_msg("transfer rule refused: %s (%s)",
			 error.message ? error.message : "(no message)",
			 rte_strerror(rte_errno));
	return flow;
}

/* Sends f's bytes out of 'from'; returns how many frames 'to' gets. */
static uint16_t
sw_send(uint16_t from, uint16_t to, const uint8_t *frame, size_t len,
	struct rte_mbuf **rx, uint16_t n_rx)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), frame, len);
	assert_int_equal(rte_eth_tx_burst(from, 0, &m, 1), 1);
	return rte_eth_rx_burst(to, 0, rx, n_rx);
}

/* The frame 'from' sends reaches 'to' whole, and nothing else does. */
static void
sw_expect_frame(uint16_t from, uint16_t via, uint16_t to,
		const struct pkt *p)
{
	struct rte_mbuf *rx[4];
	uint8_t frame[256];
	size_t len = pkt_write(p, frame);

	/* The switch takes it at 'via': that port's host gets nothing. */
	assert_int_equal(sw_send(from, via, frame, len, rx, 4), 0);
	assert_int_equal(rte_eth_rx_burst(to, 0, rx, 4), 1);
	assert_int_equal(rx[0]->pkt_len, len);
	assert_memory_equal(rte_pktmbuf_mtod(rx[0], uint8_t *), frame, len);
	rte_pktmbuf_free(rx[0]);
}

/* The frame 'from' sends reaches the host at 'via', untouched. */
static void
sw_expect_host(uint16_t from, uint16_t via, const struct pkt *p)
{
	struct rte_mbuf *rx[4];
	uint8_t frame[256];
	size_t len = pkt_write(p, frame);

	assert_int_equal(sw_send(from, via, frame, len, rx, 4), 1);
	assert_memory_equal(rte_pktmbuf_mtod(rx[0], uint8_t *), frame, len);
	rte_pktmbuf_free(rx[0]);
}

/* The first port that DPDK's devargs 'devargs' name, -1 if none. */
static int
matching_port(const char *devargs)
{
	struct rte_dev_iterator it;
	uint16_t port;

	RTE_ETH_FOREACH_MATCHING_DEV(port, devargs, &it) {
		rte_eth_iterator_cleanup(&it);
		return port;
	}
	return -1;
}

static void
test_switch_info_and_proxy(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_eth_dev_info pf, vf0, vf1, other;
	struct rte_flow_error error;
	uint16_t proxy = UINT16_MAX;

	assert_int_equal(rte_eth_dev_info_get(s.pf, &pf), 0);
	assert_int_equal(rte_eth_dev_info_get(s.vf0, &vf0), 0);
	assert_int_equal(rte_eth_dev_info_get(s.vf1, &vf1), 0);
	assert_int_equal(rte_eth_dev_info_get(s.wire, &other), 0);
	assert_string_equal(pf.switch_info.name, "sw0");
	assert_string_equal(vf1.switch_info.name, "sw0");
	assert_int_not_equal(pf.switch_info.domain_id,
			     RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID);
	assert_int_equal(vf0.switch_info.domain_id, pf.switch_info.domain_id);
	assert_int_equal(vf1.switch_info.domain_id, pf.switch_info.domain_id);
	assert_int_equal(other.switch_info.domain_id,
			 RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID);
	assert_int_equal(pf.switch_info.port_id, 0);
	assert_int_equal(vf0.switch_info.port_id, 1);
	assert_int_equal(vf1.switch_info.port_id, 2);
	/* Representors say so. */
	assert_false(*pf.dev_flags & RTE_ETH_DEV_REPRESENTOR);
	assert_true(*vf1.dev_flags & RTE_ETH_DEV_REPRESENTOR);
	/*
	 * And applications find them as a real PMD's: DPDK's devargs name
	 * a representor only with representor=vf<N>, its VF's.
	 */
	assert_int_equal(matching_port(SW_VF0 ",switch=sw0,representor=vf0"),
			 s.vf0);
	assert_int_equal(matching_port(SW_VF1 ",switch=sw0,representor=vf1"),
			 s.vf1);
	assert_int_equal(matching_port(SW_VF1 ",switch=sw0,representor=vf0"),
			 -1);
	assert_int_equal(matching_port(SW_VF1 ",switch=sw0"), -1);
	assert_int_equal(matching_port(SW_PF ",switch=sw0"), s.pf);

	/* The PF takes the transfer rules of every port of the switch. */
	assert_int_equal(rte_flow_pick_transfer_proxy(s.vf0, &proxy, &error),
			 0);
	assert_int_equal(proxy, s.pf);
	assert_int_equal(rte_flow_pick_transfer_proxy(s.pf, &proxy, &error),
			 0);
	assert_int_equal(proxy, s.pf);
	assert_int_equal(rte_flow_pick_transfer_proxy(s.wire, &proxy, &error),
			 -ENOTSUP);
	assert_non_null(strstr(error.message, "no switch domain"));
	sw_down();
}

static void
test_switch_forward_count_drop(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_flow_item_ethdev from_vf0 = { .port_id = s.vf0 };
	struct rte_flow_item_ipv4 ip = {
		.hdr.dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2)) };
	struct rte_flow_item_ipv4 ip_dst_mask = {
		.hdr.dst_addr = RTE_BE32(UINT32_MAX) };
	const struct rte_flow_item pattern[] = {
		ITEM(REPRESENTED_PORT, &from_vf0, NULL),
		ITEM(ETH, NULL, NULL),
		ITEM(IPV4, &ip, &ip_dst_mask),
		ITEM_END,
	};
	struct rte_flow_action_ethdev to_pf = { .port_id = s.pf };
	const struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_pf },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	const struct rte_flow_action drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct pkt p = udp4(), other = udp4();
	struct rte_flow *flow, *dropper;
	struct rte_flow_query_count count;
	struct rte_mbuf *rx[4];
	struct rte_flow_error error;
	uint8_t frame[256];
	size_t len = pkt_write(&p, frame);

	flow = transfer_rule(s.pf, pattern, actions);
	expect_in_dump(s.pf, flow, "fate port");
	expect_in_dump(s.pf, flow, " transfer in_port");

	/* From VF 0 to the wire: the representor's host sees none. */
	sw_expect_frame(s.vm0, s.vf0, s.wire, &p);
	sw_expect_frame(s.vm0, s.vf0, s.wire, &p);
	assert_int_equal(rule_hits(s.pf, flow), 2);
	memset(&count, 0, sizeof(count));
	count.reset = 1;
	assert_int_equal(rte_flow_query(s.pf, flow, actions + 1, &count,
					&error), 0);
	assert_int_equal(count.bytes, 2 * len);
	assert_int_equal(rule_hits(s.pf, flow), 0);
	assert_int_equal(xstat(s.vf0, "switch_rx_forwarded"), 2);
	assert_int_equal(xstat(s.vf0, "rx_good_packets"), 0);
	assert_int_equal(xstat(s.pf, "switch_tx_packets"), 2);
	assert_int_equal(xstat(s.pf, "switch_tx_bytes"), 2 * len);
	assert_int_equal(xstat(s.pf, "rules_installed"), 1);

	/* What the rule does not match goes to the host as before. */
	other.ip4_dst = RTE_IPV4(10, 0, 0, 3);
	sw_expect_host(s.vm0, s.vf0, &other);
	/* The same frame from the wire came in by another port. */
	sw_expect_host(s.wire, s.pf, &p);

	/* A rule of any port, in front: frames are dropped, counted. */
	dropper = transfer_rule(s.pf, pattern + 1, drop);
	assert_int_equal(sw_send(s.wire, s.pf, frame, len, rx, 4), 0);
	assert_int_equal(sw_send(s.vm0, s.vf0, frame, len, rx, 4), 0);
	assert_int_equal(rule_hits(s.pf, dropper) + rule_hits(s.pf, flow), 2);
	assert_int_equal(xstat(s.pf, "switch_rx_dropped") +
			 xstat(s.vf0, "switch_rx_dropped") +
			 xstat(s.vf0, "switch_rx_forwarded"), 4);
	assert_int_equal(rte_flow_destroy(s.pf, dropper, &error), 0);

	/* A stopped port's link is down: what goes to it is lost. */
	assert_int_equal(rte_eth_dev_stop(s.wire), 0);
	assert_int_equal(sw_send(s.vm0, s.vf0, frame, len, rx, 4), 0);
	assert_int_equal(xstat(s.pf, "switch_tx_errors"), 1);
	port_start(s.wire, 1, 1);
	sw_expect_frame(s.vm0, s.vf0, s.wire, &p);

	/* Destroyed: the representor's host gets the frames again. */
	assert_int_equal(rte_flow_destroy(s.pf, flow, &error), 0);
	sw_expect_host(s.vm0, s.vf0, &p);
	assert_int_equal(xstat(s.pf, "rules_installed"), 0);

	/* The PF's stop takes the switch's rules, as its own. */
	flow = transfer_rule(s.pf, pattern, actions);
	assert_int_equal(rte_eth_dev_stop(s.pf), 0);
	sw_expect_host(s.vm0, s.vf0, &p);
	assert_int_equal(rte_flow_destroy(s.pf, flow, &error), -ENOENT);
	sw_down();
}

/*
 * A gen port's frames that the switch forwards or drops never reach its
 * host; on the NIC clock, the port caches the switch's verdicts.
 */
static void
test_switch_gen(void **state __rte_unused)
{
	uint16_t pf = port_up(SW_PF, "switch=sw1,sink=1", 1, 1);
	uint16_t vf = port_up(SW_VF0, "switch=sw1,representor=vf3,gen=flows:4", 1, 1);
	struct rte_flow_action_port_id to_pf = { .id = pf };
	const struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_PORT_ID, .conf = &to_pf },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	const struct rte_flow_action drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_item_port_id from_vf = { .id = vf };
	const struct rte_flow_item pattern[] = {
		ITEM(PORT_ID, &from_vf, NULL),
		ITEM_END,
	};
	struct rte_flow_error error;
	struct rte_mbuf *rx[32];
	struct rte_flow *flow;
	uint16_t n;

	n = rte_eth_rx_burst(vf, 0, rx, 32);
	assert_int_equal(n, 32);
	rte_pktmbuf_free_bulk(rx, n);
	flow = transfer_rule(pf, pattern, actions);
	assert_int_equal(rte_eth_rx_burst(vf, 0, rx, 32), 0);
	assert_int_equal(rte_eth_rx_burst(vf, 0, rx, 32), 0);
	assert_int_equal(rule_hits(pf, flow), 64);
	assert_int_equal(xstat(pf, "switch_tx_packets"), 64);
	assert_int_equal(xstat(vf, "switch_rx_forwarded"), 64);
	/* The verdicts the port cached go with the rules they came from. */
	assert_int_equal(rte_flow_destroy(pf, flow, &error), 0);
	n = rte_eth_rx_burst(vf, 0, rx, 32);
	assert_int_equal(n, 32);
	rte_pktmbuf_free_bulk(rx, n);
	flow = transfer_rule(pf, pattern, drop);
	assert_int_equal(rte_eth_rx_burst(vf, 0, rx, 32), 0);
	assert_int_equal(rule_hits(pf, flow), 32);
	assert_int_equal(xstat(vf, "switch_rx_dropped"), 32);
	assert_int_equal(xstat(pf, "switch_tx_packets"), 64);
	assert_int_equal(rte_vdev_uninit(SW_VF0), 0);
	assert_int_equal(rte_vdev_uninit(SW_PF), 0);
}

static void
test_switch_errors(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_flow_attr transfer = { .transfer = 1 };
	struct rte_flow_attr ingress = { .ingress = 1 };
	struct rte_flow_attr both = { .transfer = 1, .ingress = 1 };
	struct rte_flow_item_ethdev from_vf0 = { .port_id = s.vf0 };
	struct rte_flow_item_ethdev from_wire = { .port_id = s.wire };
	struct rte_flow_item_ethdev half = { .port_id = 0xff };
	const struct rte_flow_item port_item[] = {
		ITEM(REPRESENTED_PORT, &from_vf0, NULL), ITEM_END };
	const struct rte_flow_item two_ports[] = {
		ITEM(REPRESENTED_PORT, &from_vf0, NULL),
		ITEM(REPRESENTED_PORT, &from_vf0, NULL), ITEM_END };
	const struct rte_flow_item foreign[] = {
		ITEM(REPRESENTED_PORT, &from_wire, NULL), ITEM_END };
	const struct rte_flow_item partial[] = {
		ITEM(REPRESENTED_PORT, &from_vf0, &half), ITEM_END };
	struct rte_flow_action_ethdev to_pf = { .port_id = s.pf };
	struct rte_flow_action_ethdev to_wire = { .port_id = s.wire };
	struct rte_flow_action_port_id original = { .original = 1 };
	const struct rte_flow_action fwd[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_pf },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action fwd_foreign[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT,
		  .conf = &to_wire },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action fwd_original[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_PORT_ID, .conf = &original },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action fwd_no_conf[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action count_only[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action mark_fwd[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_pf },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action fwd_drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to_pf },
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };

	/* Transfer rules: on the switch's proxy, and only there. */
	expect_refusal_attr(s.wire, &transfer, pattern_any, fwd, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER, ANY_CAUSE);
	expect_refusal_attr(s.vf0, &transfer, pattern_any, fwd, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER, ANY_CAUSE);
	expect_refusal_attr(s.pf, &both, pattern_any, fwd, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ATTR, ANY_CAUSE);
	/* Port items and actions belong to transfer rules. */
	expect_refusal_attr(s.pf, &ingress, port_item, actions_mark1, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ITEM, &port_item[0]);
	expect_refusal_attr(s.pf, &ingress, pattern_any, fwd, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ACTION, &fwd[0]);
	/* Ports of the switch only, named whole, once. */
	expect_refusal_attr(s.pf, &transfer, foreign, fwd, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ITEM_SPEC, &foreign[0]);
	expect_refusal_attr(s.pf, &transfer, pattern_any, fwd_foreign, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION_CONF, &fwd_foreign[0]);
	expect_refusal_attr(s.pf, &transfer, partial, fwd, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ITEM_MASK, &partial[0]);
	expect_refusal_attr(s.pf, &transfer, two_ports, fwd, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ITEM, &two_ports[1]);
	expect_refusal_attr(s.pf, &transfer, pattern_any, fwd_original,
			    ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF,
			    &fwd_original[0]);
	expect_refusal_attr(s.pf, &transfer, pattern_any, fwd_no_conf, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION_CONF, &fwd_no_conf[0]);
	/* A fate, one, and none of the host's actions. */
	expect_refusal_attr(s.pf, &transfer, pattern_any, count_only, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL);
	expect_refusal_attr(s.pf, &transfer, pattern_any, mark_fwd, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ACTION, &mark_fwd[0]);
	expect_refusal_attr(s.pf, &transfer, pattern_any, fwd_drop, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION, &fwd_drop[1]);
	assert_int_equal(xstat(s.pf, "rules_installed"), 0);
	sw_down();
}

static void
test_switch_devargs(void **state __rte_unused)
{
	static const char *const bad[] = {
		"representor=vf1", "switch=", "switch=a b", "switch=a/b",
		"switch=0123456789012345678901234567890123",
		"switch=sw2,representor=vf4096", "switch=sw2,representor=vf-1",
		"switch=sw2,representor=x", "switch=sw2,representor=vf",
		"switch=sw2,representor=pf0", "switch=sw2,representor=vf1x",
		"actions_off=", "actions_off=set_ipv4", "actions_off=drop/",
		"actions_off=count", "actions_off=drop//dec_ttl",
		/* The switch has a PF and a VF 0 already. */
		"switch=sw2", "switch=sw2,representor=vf0",
	};
	uint16_t pf, vf, proxy;
	struct rte_flow_error error;
	unsigned int i;

	/* A representor may come before its PF. */
	vf = port_create(SW_VF0, "switch=sw2,representor=vf0");
	assert_int_equal(rte_flow_pick_transfer_proxy(vf, &proxy, &error),
			 -ENODEV);
	pf = port_create(SW_PF, "switch=sw2");
	assert_int_equal(rte_flow_pick_transfer_proxy(vf, &proxy, &error), 0);
	assert_int_equal(proxy, pf);
	for (i = 0; i < RTE_DIM(bad); i++) {
		if (rte_vdev_init("net_simnic_bad", bad[i]) == 0) {
			rte_vdev_uninit("net_simnic_bad");
			fail_msg("devargs '%s' were accepted", bad[i]);
		}
	}
	/* The PF gone, the switch has no proxy; it may come back. */
	assert_int_equal(rte_vdev_uninit(SW_PF), 0);
	assert_int_equal(rte_flow_pick_transfer_proxy(vf, &proxy, &error),
			 -ENODEV);
	pf = port_create(SW_PF, "switch=sw2");
	assert_int_equal(rte_flow_pick_transfer_proxy(vf, &proxy, &error), 0);
	assert_int_equal(proxy, pf);
	assert_int_equal(rte_vdev_uninit(SW_PF), 0);
	assert_int_equal(rte_vdev_uninit(SW_VF0), 0);
}

/* Header rewrites of transfer rules. */

/*
 * p's frame with its L4 checksum (TCP, UDP; UDP over IPv4 only if
 * udp_csum) as a sender would compute it; returns the frame's length.
 */
static size_t
pkt_write_csum(const struct pkt *p, uint8_t *b, bool udp_csum)
{
	size_t len = pkt_write(p, b);
	size_t l3 = 14 + (p->vlan >= 0 ? 4 : 0) + (p->vlan2 >= 0 ? 4 : 0);
	size_t csum_at = p->proto == IPPROTO_TCP ? 16 : 6;
	uint16_t csum;

	if ((p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP) ||
	    (p->proto == IPPROTO_UDP && p->ipv == 4 && !udp_csum))
		return len;
	if (p->ipv == 4)
		csum = rte_ipv4_udptcp_cksum((void *)(b + l3), b + l3 + 20);
	else
		csum = rte_ipv6_udptcp_cksum((void *)(b + l3), b + l3 + 40);
	memcpy(b + l3 + (p->ipv == 4 ? 20 : 40) + csum_at, &csum, 2);
	return len;
}

#define SIMNIC_TEST_MAX_ACTIONS	16
#define ACT(t, c) { .type = RTE_FLOW_ACTION_TYPE_ ## t, .conf = (c) }
#define ACT_END { .type = RTE_FLOW_ACTION_TYPE_END }

/* The pattern for 'p' coming in by 'port': its layers, any values. */
static void
sw_pattern_of(const struct pkt *p, const struct rte_flow_item_ethdev *port,
	      struct rte_flow_item pattern[6])
{
	struct rte_flow_item *item = pattern;

	memset(pattern, 0, 6 * sizeof(pattern[0]));
	*item++ = (struct rte_flow_item)ITEM(REPRESENTED_PORT, port, NULL);
	*item++ = (struct rte_flow_item)ITEM(ETH, NULL, NULL);
	if (p->vlan >= 0)
		*item++ = (struct rte_flow_item)ITEM(VLAN, NULL, NULL);
	if (p->ipv != 0) {
		item->type = p->ipv == 4 ? RTE_FLOW_ITEM_TYPE_IPV4 :
					   RTE_FLOW_ITEM_TYPE_IPV6;
		item++;
		item->type = p->proto == IPPROTO_TCP ? RTE_FLOW_ITEM_TYPE_TCP :
						      RTE_FLOW_ITEM_TYPE_UDP;
		item++;
	}
	item->type = RTE_FLOW_ITEM_TYPE_END;
}

/*
 * A rule with 'mods' forwards 'in' from VF 0 to the wire, which gets
 * exactly 'out' (both with checksums as pkt_write_csum writes them,
 * 'wrong' added to the input's L4 checksum and expected in the output's).
 */
static void
sw_expect_rewrite(const struct sw_ports *s, const struct pkt *in,
		  const struct pkt *out, const struct rte_flow_action *mods,
		  bool udp_csum, uint16_t wrong)
{
	struct rte_flow_item_ethdev from_vf0 = { .port_id = s->vf0 };
	struct rte_flow_action_ethdev to_pf = { .port_id = s->pf };
	struct rte_flow_action actions[SIMNIC_TEST_MAX_ACTIONS];
	struct rte_flow_item pattern[6];
	uint8_t frame_in[256] = { 0 }, frame_out[256] = { 0 };
	size_t len_in = pkt_write_csum(in, frame_in, udp_csum);
	size_t len_out = pkt_write_csum(out, frame_out, udp_csum);
	size_t l4_csum = 14 + (in->vlan >= 0 ? 4 : 0) +
			 (in->ipv == 4 ? 20 : 40) + 16;
	struct rte_mbuf *rx[4];
	struct rte_flow_error error;
	struct rte_flow *flow;
	unsigned int n = 0;

	while (mods[n].type != RTE_FLOW_ACTION_TYPE_END)
		n++;
	assert_true(n + 2 <= SIMNIC_TEST_MAX_ACTIONS);
	memcpy(actions, mods, n * sizeof(actions[0]));
	actions[n] = (struct rte_flow_action)ACT(REPRESENTED_PORT, &to_pf);
	actions[n + 1] = (struct rte_flow_action)ACT_END;
	if (wrong != 0) {
		/* TCP only, checksums away from the ends of the range. */
		assert_int_equal(in->proto, IPPROTO_TCP);
		put16(frame_in + l4_csum, (uint16_t)(((frame_in[l4_csum] << 8) |
				frame_in[l4_csum + 1]) + wrong));
		put16(frame_out + l4_csum,
		      (uint16_t)(((frame_out[l4_csum] << 8) |
				 frame_out[l4_csum + 1]) + wrong));
	}
	sw_pattern_of(in, &from_vf0, pattern);
	flow = transfer_rule(s->pf, pattern, actions);
	assert_int_equal(sw_send(s->vm0, s->vf0, frame_in, len_in, rx, 4), 0);
	assert_int_equal(rte_eth_rx_burst(s->wire, 0, rx, 4), 1);
	assert_int_equal(rx[0]->pkt_len, len_out);
	assert_memory_equal(rte_pktmbuf_mtod(rx[0], uint8_t *), frame_out,
			    len_out);
	rte_pktmbuf_free(rx[0]);
	assert_int_equal(rte_flow_destroy(s->pf, flow, &error), 0);
}

static void
test_switch_rewrite_eth_vlan(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_flow_action_set_mac mac_src = {
		.mac_addr = { 2, 0, 0, 0, 0, 0x11 } };
	struct rte_flow_action_set_mac mac_dst = {
		.mac_addr = { 2, 0, 0, 0, 0, 0x22 } };
	struct rte_flow_action_of_push_vlan push = {
		.ethertype = RTE_BE16(RTE_ETHER_TYPE_VLAN) };
	struct rte_flow_action_of_set_vlan_vid vid = {
		.vlan_vid = RTE_BE16(5) };
	struct rte_flow_action_of_set_vlan_pcp pcp = { .vlan_pcp = 3 };
	const struct rte_flow_action set_macs[] = {
		ACT(SET_MAC_SRC, &mac_src), ACT(SET_MAC_DST, &mac_dst),
		ACT_END };
	const struct rte_flow_action push_tag[] = {
		ACT(OF_PUSH_VLAN, &push), ACT(OF_SET_VLAN_VID, &vid),
		ACT(OF_SET_VLAN_PCP, &pcp), ACT_END };
	const struct rte_flow_action pop_tag[] = {
		ACT(OF_POP_VLAN, NULL), ACT_END };
	const struct rte_flow_action retag[] = {
		ACT(OF_SET_VLAN_VID, &vid), ACT_END };
	struct pkt in = with_proto(udp4(), 4, IPPROTO_TCP), out = in;

	memcpy(&out.src, mac_src.mac_addr, 6);
	memcpy(&out.dst, mac_dst.mac_addr, 6);
	sw_expect_rewrite(&s, &in, &out, set_macs, true, 0);

	out = in;
	out.vlan = 3 << 13 | 5;
	sw_expect_rewrite(&s, &in, &out, push_tag, true, 0);
	/* A pushed tag takes the outer tag's TCI, then changes it. */
	in.vlan = 7 << 13 | 100;
	out = in;
	out.vlan2 = in.vlan;
	out.vlan = 3 << 13 | 5;
	sw_expect_rewrite(&s, &in, &out, push_tag, true, 0);

	out = in;
	out.vlan = -1;
	sw_expect_rewrite(&s, &in, &out, pop_tag, true, 0);
	out = in;
	out.vlan = 7 << 13 | 5;
	sw_expect_rewrite(&s, &in, &out, retag, true, 0);
	sw_down();
}

static void
test_switch_rewrite_ip_tp(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_flow_action_set_ipv4 ip4_src = {
		.ipv4_addr = RTE_BE32(RTE_IPV4(100, 64, 7, 1)) };
	struct rte_flow_action_set_ipv4 ip4_dst = {
		.ipv4_addr = RTE_BE32(RTE_IPV4(10, 16, 0, 9)) };
	struct rte_flow_action_set_ipv6 ip6_src = {
		.ipv6_addr = { 0x20, 0x01, 0xd, 0xb8, [15] = 0x77 } };
	struct rte_flow_action_set_ipv6 ip6_dst = {
		.ipv6_addr = { 0x20, 0x01, 0xd, 0xb8, [14] = 1, [15] = 2 } };
	struct rte_flow_action_set_tp tp_src = { .port = RTE_BE16(4242) };
	struct rte_flow_action_set_tp tp_dst = { .port = RTE_BE16(53) };
	struct rte_flow_action_set_ttl ttl = { .ttl_value = 9 };
	const struct rte_flow_action set_ip4[] = {
		ACT(SET_IPV4_SRC, &ip4_src), ACT(SET_IPV4_DST, &ip4_dst),
		ACT_END };
	const struct rte_flow_action set_ip6[] = {
		ACT(SET_IPV6_SRC, &ip6_src), ACT(SET_IPV6_DST, &ip6_dst),
		ACT_END };
	const struct rte_flow_action set_tp[] = {
		ACT(SET_TP_SRC, &tp_src), ACT(SET_TP_DST, &tp_dst), ACT_END };
	const struct rte_flow_action set_ttl[] = {
		ACT(SET_TTL, &ttl), ACT_END };
	const struct rte_flow_action dec_ttl[] = {
		ACT(DEC_TTL, NULL), ACT(DEC_TTL, NULL), ACT_END };
	struct pkt tcp4 = with_proto(udp4(), 4, IPPROTO_TCP);
	struct pkt udp6 = with_proto(udp4(), 6, IPPROTO_UDP);
	struct pkt tcp6 = with_proto(udp4(), 6, IPPROTO_TCP);
	struct pkt u4 = udp4(), out;

	/* IPv4: the header's checksum and TCP's and UDP's follow. */
	out = tcp4;
	out.ip4_src = RTE_IPV4(100, 64, 7, 1);
	out.ip4_dst = RTE_IPV4(10, 16, 0, 9);
	sw_expect_rewrite(&s, &tcp4, &out, set_ip4, true, 0);
	out.proto = u4.proto;
	sw_expect_rewrite(&s, &u4, &out, set_ip4, true, 0);
	/* A UDP checksum of 0 says there is none: it stays 0. */
	sw_expect_rewrite(&s, &u4, &out, set_ip4, false, 0);
	/* A wrong one stays wrong by as much. */
	out = tcp4;
	out.ip4_src = RTE_IPV4(100, 64, 7, 1);
	out.ip4_dst = RTE_IPV4(10, 16, 0, 9);
	sw_expect_rewrite(&s, &tcp4, &out, set_ip4, true, 1);

	/* IPv6: the pseudo-header's addresses. */
	out = udp6;
	memcpy(out.ip6_src, ip6_src.ipv6_addr, 16);
	memcpy(out.ip6_dst, ip6_dst.ipv6_addr, 16);
	sw_expect_rewrite(&s, &udp6, &out, set_ip6, true, 0);
	out.proto = IPPROTO_TCP;
	sw_expect_rewrite(&s, &tcp6, &out, set_ip6, true, 0);

	/* Ports. */
	out = tcp4;
	out.sport = 4242;
	out.dport = 53;
	sw_expect_rewrite(&s, &tcp4, &out, set_tp, true, 0);
	out = udp6;
	out.sport = 4242;
	out.dport = 53;
	sw_expect_rewrite(&s, &udp6, &out, set_tp, true, 0);

	/* TTL and hop limit. */
	out = tcp4;
	out.ttl = 9;
	sw_expect_rewrite(&s, &tcp4, &out, set_ttl, true, 0);
	out.ttl = tcp4.ttl - 2;
	sw_expect_rewrite(&s, &tcp4, &out, dec_ttl, true, 0);
	out = udp6;
	out.ttl = udp6.ttl - 2;
	sw_expect_rewrite(&s, &udp6, &out, dec_ttl, true, 0);
	sw_down();
}

/* A frame the sender still holds is not written to: a copy goes. */
static void
test_switch_rewrite_shared(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_flow_item_ethdev from_vf0 = { .port_id = s.vf0 };
	struct rte_flow_action_ethdev to_pf = { .port_id = s.pf };
	struct rte_flow_action_set_mac mac_dst = {
		.mac_addr = { 2, 0, 0, 0, 0, 0x22 } };
	const struct rte_flow_action actions[] = {
		ACT(SET_MAC_DST, &mac_dst), ACT(REPRESENTED_PORT, &to_pf),
		ACT_END };
	struct pkt p = udp4();
	struct rte_flow_item pattern[6];
	uint8_t frame[256] = { 0 };
	size_t len = pkt_write(&p, frame);
	struct rte_mbuf *m, *rx[4];

	sw_pattern_of(&p, &from_vf0, pattern);
	transfer_rule(s.pf, pattern, actions);
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), frame, len);
	rte_mbuf_refcnt_update(m, 1);
	assert_int_equal(rte_eth_tx_burst(s.vm0, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(s.vf0, 0, rx, 4), 0);
	assert_int_equal(rte_eth_rx_burst(s.wire, 0, rx, 4), 1);
	assert_ptr_not_equal(rx[0], m);
	assert_memory_equal(rte_pktmbuf_mtod(rx[0], uint8_t *),
			    mac_dst.mac_addr, 6);
	rte_pktmbuf_free(rx[0]);
	/* The sender's frame is as it sent it, and its own again. */
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	rte_pktmbuf_free(m);
	sw_down();
}

static void
test_switch_rewrite_errors(void **state __rte_unused)
{
	struct sw_ports s = sw_up();
	struct rte_flow_attr transfer = { .transfer = 1 };
	struct rte_flow_attr ingress = { .ingress = 1 };
	struct rte_flow_action_ethdev to_pf = { .port_id = s.pf };
	struct rte_flow_action_set_ipv4 ip4 = { .ipv4_addr = 1 };
	struct rte_flow_action_of_push_vlan not_tpid = {
		.ethertype = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
	struct rte_flow_action_of_set_vlan_vid vid = {
		.vlan_vid = RTE_BE16(4096) };
	struct rte_flow_action_of_set_vlan_pcp pcp = { .vlan_pcp = 8 };
	struct rte_flow_action_set_tp tp = { .port = 1 };
	const struct rte_flow_item eth_only[] = { ITEM(ETH, NULL, NULL),
						  ITEM_END };
	const struct rte_flow_item ipv4_only[] = { ITEM(ETH, NULL, NULL),
		ITEM(IPV4, NULL, NULL), ITEM_END };
	const struct rte_flow_item vlan[] = { ITEM(ETH, NULL, NULL),
		ITEM(VLAN, NULL, NULL), ITEM_END };
	const struct rte_flow_action no_ipv4[] = {
		ACT(SET_IPV4_SRC, &ip4), ACT(REPRESENTED_PORT, &to_pf), ACT_END };
	const struct rte_flow_action no_l4[] = {
		ACT(SET_TP_DST, &tp), ACT(REPRESENTED_PORT, &to_pf), ACT_END };
	const struct rte_flow_action no_tag[] = {
		ACT(OF_POP_VLAN, NULL), ACT(REPRESENTED_PORT, &to_pf), ACT_END };
	const struct rte_flow_action two_pops[] = {
		ACT(OF_POP_VLAN, NULL), ACT(OF_POP_VLAN, NULL),
		ACT(REPRESENTED_PORT, &to_pf), ACT_END };
	const struct rte_flow_action after_fate[] = {
		ACT(REPRESENTED_PORT, &to_pf), ACT(DEC_TTL, NULL), ACT_END };
	const struct rte_flow_action bad_push[] = {
		ACT(OF_PUSH_VLAN, &not_tpid), ACT(REPRESENTED_PORT, &to_pf),
		ACT_END };
	const struct rte_flow_action bad_vid[] = {
		ACT(OF_SET_VLAN_VID, &vid), ACT(REPRESENTED_PORT, &to_pf),
		ACT_END };
	const struct rte_flow_action bad_pcp[] = {
		ACT(OF_SET_VLAN_PCP, &pcp), ACT(REPRESENTED_PORT, &to_pf),
		ACT_END };
	const struct rte_flow_action ingress_rewrite[] = {
		ACT(DEC_TTL, NULL), ACT(DROP, NULL), ACT_END };
	const struct rte_flow_action drop[] = { ACT(DROP, NULL), ACT_END };
	const struct rte_flow_action dec_ttl_fwd[] = {
		ACT(DEC_TTL, NULL), ACT(REPRESENTED_PORT, &to_pf), ACT_END };
	uint16_t pf_off;

	expect_refusal_attr(s.pf, &transfer, eth_only, no_ipv4, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION, &no_ipv4[0]);
	expect_refusal_attr(s.pf, &transfer, ipv4_only, no_l4, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION, &no_l4[0]);
	expect_refusal_attr(s.pf, &transfer, eth_only, no_tag, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION, &no_tag[0]);
	expect_refusal_attr(s.pf, &transfer, vlan, two_pops, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION, &two_pops[1]);
	expect_refusal_attr(s.pf, &transfer, ipv4_only, after_fate, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION, &after_fate[1]);
	expect_refusal_attr(s.pf, &transfer, eth_only, bad_push, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION_CONF, &bad_push[0]);
	expect_refusal_attr(s.pf, &transfer, vlan, bad_vid, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION_CONF, &bad_vid[0]);
	expect_refusal_attr(s.pf, &transfer, vlan, bad_pcp, EINVAL,
			    RTE_FLOW_ERROR_TYPE_ACTION_CONF, &bad_pcp[0]);
	expect_refusal_attr(s.pf, &ingress, ipv4_only, ingress_rewrite,
			    ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION,
			    &ingress_rewrite[0]);
	assert_int_equal(xstat(s.pf, "rules_installed"), 0);
	sw_down();

	/* A PF without some actions refuses them, and them only. */
	pf_off = port_up(SW_PF, "switch=sw3,actions_off=set_ipv4_src/drop",
			 1, 1);
	to_pf.port_id = pf_off;
	expect_refusal_attr(pf_off, &transfer, ipv4_only, no_ipv4, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ACTION, &no_ipv4[0]);
	expect_refusal_attr(pf_off, &transfer, eth_only, drop, ENOTSUP,
			    RTE_FLOW_ERROR_TYPE_ACTION, &drop[0]);
	transfer_rule(pf_off, ipv4_only, dec_ttl_fwd);
	assert_int_equal(rte_vdev_uninit(SW_PF), 0);
}

/* iface: a veth pair created and removed by the test. */

static int
run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int
raw_socket(const char *ifname)
{
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

/* Waits up to a second for a frame from src on fd; returns its length. */
static ssize_t
raw_recv_from(int fd, const struct rte_ether_addr *src, uint8_t *buf,
	      size_t size)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t len;

	while (rte_get_timer_cycles() < deadline) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		len = recv(fd, buf, size, MSG_DONTWAIT);
		if (len >= 12 && memcmp(buf + 6, src, 6) == 0)
			return len;
	}
	return -1;
}

/*
 * Sends 'frame' from fd until port's Rx delivers a frame of the same
 * length from the same source, for up to a second; returns whether it had
 * the same bytes.
 */
static bool
iface_roundtrip(int fd, uint16_t port, const uint8_t *frame, size_t len)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	struct rte_mbuf *rx[32];
	int same = -1;
	uint16_t i, n;

	while (same < 0 && rte_get_timer_cycles() < deadline) {
		assert_int_equal(send(fd, frame, len, 0), (ssize_t)len);
		rte_delay_ms(10);
		n = rte_eth_rx_burst(port, 0, rx, RTE_DIM(rx));
		for (i = 0; i < n; i++) {
			const uint8_t *d = rte_pktmbuf_mtod(rx[i], uint8_t *);

			if (same < 0 && rx[i]->pkt_len == len &&
			    memcmp(d + 6, frame + 6, 6) == 0)
				same = memcmp(d, frame, len) == 0;
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	return same == 1;
}

static void
test_iface_veth(void **state __rte_unused)
{
	char host[IFNAMSIZ], peer[IFNAMSIZ], args[64];
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(4242) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item pattern[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, &udp, &udp_mask), ITEM_END };
	struct rte_mbuf *m, *rx[32];
	uint8_t buf[2048], frame[2048];
	struct pkt p = udp4();
	uint64_t deadline;
	size_t len;
	int64_t mark = RX_DROPPED;
	uint16_t port, i, n;
	int fd;

	if (geteuid() != 0 || run("ip -V >/dev/null 2>&1") != 0) {
		print_message("skipping: needs root and iproute2\n");
		skip();
	}
	snprintf(host, sizeof(host), "snt%da", (int)(getpid() % 100000));
	snprintf(peer, sizeof(peer), "snt%db", (int)(getpid() % 100000));
	run("ip link del %s >/dev/null 2>&1", host);
	assert_int_equal(run("ip link add %s type veth peer name %s", host,
			     peer), 0);
	run("sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 net.ipv6.conf.%s.disable_ipv6=1 >/dev/null 2>&1",
	    host, peer);
	assert_int_equal(run("ip link set %s up && ip link set %s up", host,
			     peer), 0);

	snprintf(args, sizeof(args), "iface=%s", host);
	port = port_up("net_simnic_if", args, 1, 1);
	mark_rule(port, 0, pattern, 77);
	fd = raw_socket(peer);

	/* In: peer -> veth -> simnic Rx, marked by the rule. */
	p.dport = 4242;
	memset(frame, 0, sizeof(frame));
	len = pkt_write(&p, frame);
	deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	while (mark == RX_DROPPED && rte_get_timer_cycles() < deadline) {
		assert_int_equal(send(fd, frame, len, 0), (ssize_t)len);
		rte_delay_ms(10);
		n = rte_eth_rx_burst(port, 0, rx, RTE_DIM(rx));
		for (i = 0; i < n; i++) {
			if (rx[i]->pkt_len == len &&
			    memcmp(rte_pktmbuf_mtod(rx[i], void *), frame,
				   len) == 0 &&
			    (rx[i]->ol_flags & RTE_MBUF_F_RX_FDIR_ID))
				mark = rx[i]->hash.fdir.hi;
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	assert_int_equal(mark, 77);

	/* Out: simnic Tx -> veth -> peer. */
	p.src = mac_b;
	p.dst = mac_a;
	m = pkt_mbuf(&p);
	assert_int_equal(rte_eth_tx_burst(port, 0, &m, 1), 1);
	assert_int_equal(raw_recv_from(fd, &mac_b, buf, sizeof(buf)),
			 (ssize_t)len);

	/*
	 * VLAN tags, which veth strips into packet metadata, arrive in the
	 * frame: one 802.1Q tag, then an 802.1ad tag over an 802.1Q one.
	 */
	p = udp4();
	p.vlan = 0x2005;
	len = pkt_write(&p, frame);
	assert_true(iface_roundtrip(fd, port, frame, len));
	p.vlan2 = 7;
	len = pkt_write(&p, frame);
	frame[12] = 0x88;
	frame[13] = 0xa8;
	assert_true(iface_roundtrip(fd, port, frame, len));

	close(fd);
	assert_int_equal(rte_vdev_uninit("net_simnic_if"), 0);
	run("ip link del %s", host);
}

/* Tests: profiles (devarg profile). */

static const struct rte_flow_attr attr_in = { .ingress = 1 };
static const struct rte_flow_item_ipv4 ip4_src32_mask = {
	.hdr.src_addr = RTE_BE32(UINT32_MAX) };
static const struct rte_flow_item_ipv4 ip4_dst32_mask = {
	.hdr.dst_addr = RTE_BE32(UINT32_MAX) };
static const struct rte_flow_item_ipv4 ip4_src24_mask = {
	.hdr.src_addr = RTE_BE32(0xffffff00) };
static const struct rte_flow_item_ipv4 ip4_spec = {
	.hdr.src_addr = RTE_BE32(IP4(10, 0, 0, 1)),
	.hdr.dst_addr = RTE_BE32(IP4(10, 0, 0, 2)) };
static const struct rte_flow_item_udp udp_ports_spec = {
	.hdr.src_port = RTE_BE16(1000), .hdr.dst_port = RTE_BE16(2000) };
static const struct rte_flow_item_udp udp_ports_mask = {
	.hdr.src_port = RTE_BE16(0xffff), .hdr.dst_port = RTE_BE16(0xffff) };
static const struct rte_flow_action_queue queue0 = { .index = 0 };
static const struct rte_flow_action_queue queue1 = { .index = 1 };

/* validate's verdict: err 0 or a refusal with type and message. */
static void
expect_validate(uint16_t port, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[],
		const struct rte_flow_action actions[], int err,
		enum rte_flow_error_type type, const char *message)
{
	struct rte_flow_error error;
	int ret;

	memset(&error, 0, sizeof(error));
	ret = rte_flow_validate(port, attr, pattern, actions, &error);
	if (ret != -err)
		fail_msg("validate returned %d, not %d (%s)", ret, -err,
			 error.message ? error.message : "no message");
	if (err == 0)
		return;
	assert_int_equal(error.type, type);
	assert_non_null(error.message);
	assert_string_equal(error.message, message);
}

/* create's verdict: a flow (err 0) or a refusal with type and message. */
static struct rte_flow *
expect_create(uint16_t port, const struct rte_flow_attr *attr,
	      const struct rte_flow_item pattern[],
	      const struct rte_flow_action actions[], int err,
	      enum rte_flow_error_type type, const char *message)
{
	struct rte_flow_error error;
	struct rte_flow *flow;

	memset(&error, 0, sizeof(error));
	flow = rte_flow_create(port, attr, pattern, actions, &error);
	if (err == 0) {
		if (flow == NULL)
			fail_msg("create refused: %s", error.message ?
				 error.message : "no message");
		return flow;
	}
	assert_null(flow);
	assert_int_equal(rte_errno, err);
	assert_int_equal(error.type, type);
	assert_non_null(error.message);
	assert_string_equal(error.message, message);
	return NULL;
}

/*
 * What the first rules of a profile port fixed (ixgbe's global mask, i40e's
 * input set of a packet type) holds while one of 'a' and 'b', rules of
 * pattern 'held', is in: 'other' fails at create.  It goes with the last
 * of them ('other' then fixes it, and 'held' fails) and with a flush.
 */
static void
expect_conflict_until_released(uint16_t port, struct rte_flow *a,
			       struct rte_flow *b,
			       const struct rte_flow_item held[],
			       const struct rte_flow_item other[],
			       const struct rte_flow_action actions[])
{
	struct rte_flow_error error;

	assert_int_equal(rte_flow_destroy(port, a, &error), 0);
	expect_create(port, &attr_in, other, actions, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
	assert_int_equal(rte_flow_destroy(port, b, &error), 0);
	expect_create(port, &attr_in, other, actions, 0, 0, NULL);
	expect_create(port, &attr_in, held, actions, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
	assert_int_equal(rte_flow_flush(port, &error), 0);
	expect_create(port, &attr_in, held, actions, 0, 0, NULL);
}

/* Both refuse alike (i40e, mlx5: create validates first). */
static void
expect_both(uint16_t port, const struct rte_flow_attr *attr,
	    const struct rte_flow_item pattern[],
	    const struct rte_flow_action actions[], int err,
	    enum rte_flow_error_type type, const char *message)
{
	expect_validate(port, attr, pattern, actions, err, type, message);
	expect_create(port, attr, pattern, actions, err, type, message);
}

/* ixgbe: validate says "Not supported action.", create "Failed ...". */
static void
expect_ixgbe_refusal(uint16_t port, const struct rte_flow_attr *attr,
		     const struct rte_flow_item pattern[],
		     const struct rte_flow_action actions[])
{
	expect_validate(port, attr, pattern, actions, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, "Not supported action.");
	expect_create(port, attr, pattern, actions, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
}

/* Sends p from port tx to port rx; returns its mark or an RX_* value. */
static int64_t
rx_mark_via(uint16_t tx, uint16_t rx, const struct pkt *p)
{
	struct rte_mbuf *m = pkt_mbuf(p), *got[8];
	int64_t result;
	uint16_t n;

	assert_int_equal(rte_eth_tx_burst(tx, 0, &m, 1), 1);
	n = rte_eth_rx_burst(rx, 0, got, RTE_DIM(got));
	assert_true(n <= 1);
	if (n == 0)
		return RX_DROPPED;
	result = mbuf_mark(got[0]);
	rte_pktmbuf_free(got[0]);
	return result;
}

/* Creates rules like the given one until the table is full. */
static uint32_t
fill_table(uint16_t port, const struct rte_flow_item pattern[],
	   const struct rte_flow_action actions[], int err,
	   const char *message)
{
	struct rte_flow_error error;
	uint32_t n = 0;

	memset(&error, 0, sizeof(error));
	while (rte_flow_create(port, &attr_in, pattern, actions,
			       &error) != NULL)
		n++;
	assert_int_equal(rte_errno, err);
	if (message != NULL)
		assert_string_equal(error.message, message);
	/* Validate checks the format only, as the PMDs' do. */
	expect_validate(port, &attr_in, pattern, actions, 0, 0, NULL);
	return n;
}

static void
test_profile_ixgbe_refusals(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_ixgbe", "sink=1,profile=ixgbe",
				2, 1);
	const struct rte_flow_item_eth eth_zero = { .hdr.ether_type = 0 };
	const struct rte_flow_item_ipv4 ip4_proto_mask = {
		.hdr.src_addr = RTE_BE32(UINT32_MAX),
		.hdr.next_proto_id = 0xff };
	const struct rte_flow_item_ipv6 ip6_mask = {
		.hdr.src_addr = { 0xff, 0xff } };
	const struct rte_flow_item_ipv6 ip6_spec = { .hdr.src_addr = { 0xfd } };
	const struct rte_flow_item_vlan vlan_spec = {
		.hdr.vlan_tci = RTE_BE16(5) };
	const struct rte_flow_item_vlan vlan_mask = {
		.hdr.vlan_tci = RTE_BE16(0xfff) };
	const struct rte_flow_item ok[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_item ip_only[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM_END };
	const struct rte_flow_item eth_masked[] = {
		ITEM(ETH, &eth_zero, &eth_zero),
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask), ITEM_END };
	const struct rte_flow_item ip_no_mask[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL), ITEM_END };
	const struct rte_flow_item ip_proto[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_proto_mask),
		ITEM_END };
	const struct rte_flow_item ip6[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV6, &ip6_spec, &ip6_mask),
		ITEM_END };
	const struct rte_flow_item vlan[] = {
		ITEM(ETH, NULL, NULL), ITEM(VLAN, &vlan_spec, &vlan_mask),
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask), ITEM_END };
	const struct rte_flow_item icmp[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM(ICMP, NULL, NULL), ITEM_END };
	const struct rte_flow_action queue_mark[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_VOID },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action mark_queue[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action queue_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action drop[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const uint16_t queues[] = { 0, 1 };
	const struct rte_flow_action_rss rss = {
		.queue_num = 2, .queue = queues };
	const struct rte_flow_action rss_only[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action rss_mark[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_attr prio1 = { .ingress = 1, .priority = 1 };
	struct rte_flow_error error;

	/* The cause is the first action, as ixgbe_parse_rss_filter() says. */
	memset(&error, 0, sizeof(error));
	assert_int_equal(rte_flow_validate(port, &attr_in, ok, mark_queue,
					   &error), -EINVAL);
	assert_ptr_equal(error.cause, &mark_queue[0]);
	expect_ixgbe_refusal(port, &attr_in, ok, mark_queue);
	expect_ixgbe_refusal(port, &attr_in, ok, actions_mark1);
	expect_ixgbe_refusal(port, &attr_in, ok, queue_count);
	expect_ixgbe_refusal(port, &prio1, ok, queue_mark);
	expect_ixgbe_refusal(port, &attr_in, eth_masked, queue_mark);
	expect_ixgbe_refusal(port, &attr_in, ip_no_mask, queue_mark);
	expect_ixgbe_refusal(port, &attr_in, ip_proto, queue_mark);
	expect_ixgbe_refusal(port, &attr_in, ip6, queue_mark);
	expect_ixgbe_refusal(port, &attr_in, vlan, queue_mark);
	expect_ixgbe_refusal(port, &attr_in, icmp, queue_mark);
	/* 82599: DROP rules give no ports. */
	expect_ixgbe_refusal(port, &attr_in, ok, drop);
	expect_validate(port, &attr_in, ip_only, drop, 0, 0, NULL);
	/* RSS takes nothing after it; the first action is the cause. */
	memset(&error, 0, sizeof(error));
	assert_int_equal(rte_flow_validate(port, &attr_in, ok, rss_mark,
					   &error), -EINVAL);
	assert_ptr_equal(error.cause, &rss_mark[1]);
	assert_string_equal(error.message, "Not supported action.");

	expect_create(port, &attr_in, ok, queue_mark, 0, 0, NULL);
	expect_validate(port, &attr_in, ok, rss_only, 0, 0, NULL);
	assert_int_equal(rte_vdev_uninit("net_simnic_ixgbe"), 0);
}

static void
test_profile_ixgbe_global_mask(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_ixgbe", "sink=1,profile=ixgbe",
				2, 1);
	const struct rte_flow_item_ipv4 other_spec = {
		.hdr.src_addr = RTE_BE32(IP4(10, 0, 0, 9)) };
	const struct rte_flow_item src[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_item src2[] = {
		ITEM(ETH, NULL, NULL),
		ITEM(IPV4, &other_spec, &ip4_src32_mask),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_item dst[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_dst32_mask),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_action queue_mark[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue0 },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	struct rte_flow *a, *b;

	a = expect_create(port, &attr_in, src, queue_mark, 0, 0, NULL);
	/* Another mask: validate does not know, create fails. */
	expect_validate(port, &attr_in, dst, queue_mark, 0, 0, NULL);
	expect_create(port, &attr_in, dst, queue_mark, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
	b = expect_create(port, &attr_in, src2, queue_mark, 0, 0, NULL);
	/* The mask stays while one fdir rule is left. */
	expect_conflict_until_released(port, a, b, src, dst, queue_mark);
	assert_int_equal(rte_vdev_uninit("net_simnic_ixgbe"), 0);
}

/* ixgbe's RSS filter ignores the pattern; one at a time. */
static void
test_profile_ixgbe_rss_filter(void **state __rte_unused)
{
	uint16_t tx = port_up("net_simnic_ixt", "peer=net_simnic_ixr", 1, 1);
	uint16_t rx = port_up("net_simnic_ixr",
			      "peer=net_simnic_ixt,profile=ixgbe", 1, 1);
	const struct rte_flow_item_ipv4 far_spec = {
		.hdr.src_addr = RTE_BE32(IP4(192, 168, 0, 1)) };
	const struct rte_flow_item far[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &far_spec, &ip4_src32_mask),
		ITEM_END };
	const uint16_t queues[] = { 0 };
	const struct rte_flow_action_rss rss = {
		.queue_num = 1, .queue = queues };
	const struct rte_flow_action rss_only[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action queue_mark[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue0 },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_item mine[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM_END };
	struct pkt p = udp4();
	struct rte_flow *flow;

	flow = expect_create(rx, &attr_in, far, rss_only, 0, 0, NULL);
	expect_in_dump(rx, flow, "priority 4294967295");
	expect_create(rx, &attr_in, far, rss_only, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
	/* fdir rules go first, the RSS filter takes the rest. */
	expect_create(rx, &attr_in, mine, queue_mark, 0, 0, NULL);
	assert_int_equal(rx_mark_via(tx, rx, &p), 1);
	p.ip4_src = IP4(10, 9, 9, 9);
	assert_int_equal(rx_mark_via(tx, rx, &p), RX_PLAIN);
	assert_int_equal(rte_vdev_uninit("net_simnic_ixr"), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_ixt"), 0);
}

static void
test_profile_table_sizes(void **state __rte_unused)
{
	const struct rte_flow_item ixgbe_rule[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM_END };
	const struct rte_flow_item rule[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_action queue_mark[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue0 },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	uint16_t port;

	port = port_up("net_simnic_ts", "sink=1,profile=ixgbe", 1, 1);
	assert_int_equal(fill_table(port, ixgbe_rule, queue_mark, ENOSPC,
				    NULL), 2048);
	assert_int_equal(rte_vdev_uninit("net_simnic_ts"), 0);
	port = port_up("net_simnic_ts", "sink=1,profile=i40e", 1, 1);
	assert_int_equal(fill_table(port, rule, queue_mark, ENOBUFS,
				    "Fdir space full"), 8192);
	assert_int_equal(rte_vdev_uninit("net_simnic_ts"), 0);
	port = port_up("net_simnic_ts", "sink=1,profile=mlx5", 1, 1);
	assert_int_equal(fill_table(port, rule, queue_mark, ENOSPC, NULL),
			 65536);
	assert_int_equal(rte_vdev_uninit("net_simnic_ts"), 0);
	/* An explicit max_rules wins, whatever the order of the devargs. */
	port = port_up("net_simnic_ts", "sink=1,max_rules=3,profile=i40e",
		       1, 1);
	assert_int_equal(fill_table(port, rule, queue_mark, ENOBUFS,
				    "Fdir space full"), 3);
	assert_int_equal(rte_vdev_uninit("net_simnic_ts"), 0);
	port = port_up("net_simnic_ts", "sink=1,profile=ixgbe,max_rules=5",
		       1, 1);
	assert_int_equal(fill_table(port, ixgbe_rule, queue_mark, ENOSPC,
				    NULL), 5);
	assert_int_equal(rte_vdev_uninit("net_simnic_ts"), 0);
}

static void
test_profile_i40e_refusals(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_i40e", "sink=1,profile=i40e",
				2, 1);
	const struct rte_flow_item_eth eth_spec = {
		.hdr.dst_addr.addr_bytes = { 2, 0, 0, 0, 0, 0xb } };
	const struct rte_flow_item_eth eth_dst_mask = {
		.hdr.dst_addr.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff } };
	const struct rte_flow_item_eth eth_half_mask = {
		.hdr.dst_addr.addr_bytes = { 0xff, 0xff, 0xff } };
	const struct rte_flow_item_eth eth_zero = { .hdr.ether_type = 0 };
	const struct rte_flow_item_vlan vlan_spec = {
		.hdr.vlan_tci = RTE_BE16(5),
		.hdr.eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
	const struct rte_flow_item_vlan vlan_mask = {
		.hdr.vlan_tci = RTE_BE16(0xfff),
		.hdr.eth_proto = RTE_BE16(0xffff) };
	const struct rte_flow_item_ipv4 frag_mask = {
		.hdr.fragment_offset = RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK) };
	const struct rte_flow_item_tcp tcp_spec = {
		.hdr.tcp_flags = RTE_TCP_SYN_FLAG };
	const struct rte_flow_item_tcp tcp_mask = { .hdr.tcp_flags = 0xff };
	const struct rte_flow_item udp4_ok[] = {
		ITEM(ETH, &eth_zero, &eth_zero),
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_item mac_half[] = {
		ITEM(ETH, &eth_spec, &eth_half_mask),
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask), ITEM_END };
	const struct rte_flow_item l2_l3[] = {
		ITEM(ETH, &eth_spec, &eth_dst_mask),
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask), ITEM_END };
	const struct rte_flow_item l2_l4[] = {
		ITEM(ETH, &eth_spec, &eth_dst_mask), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, &udp_ports_spec, &udp_ports_mask), ITEM_END };
	const struct rte_flow_item vlan[] = {
		ITEM(ETH, NULL, NULL), ITEM(VLAN, &vlan_spec, &vlan_mask),
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask), ITEM_END };
	const struct rte_flow_item frag[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &frag_mask),
		ITEM_END };
	const struct rte_flow_item tcp_flags[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(TCP, &tcp_spec, &tcp_mask), ITEM_END };
	const struct rte_flow_item icmp[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(ICMP, NULL, NULL), ITEM_END };
	const struct rte_flow_item no_eth[] = {
		ITEM(IPV4, &ip4_spec, &ip4_src32_mask), ITEM_END };
	const struct rte_flow_item eth_alone[] = {
		ITEM(ETH, NULL, NULL), ITEM_END };
	const struct rte_flow_action queue_mark[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action queue_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action count_first[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const uint16_t queues[] = { 0, 1 };
	const struct rte_flow_action_rss rss = {
		.queue_num = 2, .queue = queues };
	const struct rte_flow_action mark_rss[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action flag_first[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action mark_flag[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_FLAG },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action drop_mark_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_attr prio1 = { .ingress = 1, .priority = 1 };
	struct rte_flow_error error;

	expect_both(port, &attr_in, udp4_ok, queue_count, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "Invalid action.");
	expect_both(port, &attr_in, udp4_ok, count_first, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "Invalid action.");
	expect_both(port, &attr_in, udp4_ok, flag_first, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "Invalid action.");
	expect_both(port, &attr_in, udp4_ok, mark_flag, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "Invalid action.");
	expect_both(port, &attr_in, udp4_ok, drop_mark_count, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "Invalid action.");
	memset(&error, 0, sizeof(error));
	assert_int_equal(rte_flow_validate(port, &attr_in, udp4_ok,
					   queue_count, &error), -EINVAL);
	assert_ptr_equal(error.cause, &queue_count[1]);
	expect_both(port, &prio1, udp4_ok, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY, "Not support priority.");
	expect_both(port, &attr_in, mac_half, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM, "Invalid MAC_addr mask.");
	expect_both(port, &attr_in, l2_l3, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM,
		    "L2 and L3 input set are exclusive.");
	expect_both(port, &attr_in, l2_l4, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM,
		    "L2 and L4 input set are exclusive.");
	expect_both(port, &attr_in, vlan, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM, "Unsupported inner_type.");
	expect_both(port, &attr_in, frag, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM,
		    "Invalid IPv4 fragment_offset mask");
	expect_both(port, &attr_in, tcp_flags, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM, "Invalid TCP mask");
	expect_both(port, &attr_in, icmp, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM, "Unsupported pattern");
	expect_both(port, &attr_in, no_eth, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM, "Unsupported pattern");
	expect_both(port, &attr_in, eth_alone, queue_mark, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ITEM, "NULL eth spec/mask.");

	/* What OVS asks for: MARK then RSS, or QUEUE then MARK. */
	expect_create(port, &attr_in, udp4_ok, mark_rss, 0, 0, NULL);
	expect_create(port, &attr_in, udp4_ok, queue_mark, 0, 0, NULL);
	expect_create(port, &attr_in, udp4_ok, actions_mark1, 0, 0, NULL);
	assert_int_equal(rte_vdev_uninit("net_simnic_i40e"), 0);
}

static void
test_profile_i40e_input_set(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_i40e", "sink=1,profile=i40e",
				1, 1);
	const struct rte_flow_item_ipv4 other_spec = {
		.hdr.src_addr = RTE_BE32(IP4(10, 0, 0, 9)) };
	const struct rte_flow_item udp_src[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src32_mask),
		ITEM(UDP, NULL, NULL), ITEM_END };
	const struct rte_flow_item udp_src2[] = {
		ITEM(ETH, NULL, NULL),
		ITEM(IPV4, &other_spec, &ip4_src32_mask),
		ITEM(UDP, NULL, NULL), ITEM_END };
	/* A /24 is no field at all: the input set of no mask. */
	const struct rte_flow_item udp_src24[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src24_mask),
		ITEM(UDP, NULL, NULL), ITEM_END };
	const struct rte_flow_item udp_dst[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_dst32_mask),
		ITEM(UDP, NULL, NULL), ITEM_END };
	const struct rte_flow_item tcp_dst[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_dst32_mask),
		ITEM(TCP, NULL, NULL), ITEM_END };
	struct rte_flow *a, *b;

	a = expect_create(port, &attr_in, udp_src, actions_mark1, 0, 0, NULL);
	b = expect_create(port, &attr_in, udp_src2, actions_mark1, 0, 0,
			  NULL);
	/* IPv4-UDP has src as its input set: dst is a conflict... */
	expect_validate(port, &attr_in, udp_dst, actions_mark1, 0, 0, NULL);
	expect_create(port, &attr_in, udp_dst, actions_mark1, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
	expect_create(port, &attr_in, udp_src24, actions_mark1, EINVAL,
		      RTE_FLOW_ERROR_TYPE_HANDLE, "Failed to create flow.");
	/* ... not for IPv4-TCP, a pctype of its own. */
	expect_create(port, &attr_in, tcp_dst, actions_mark1, 0, 0, NULL);
	/* Free again once IPv4-UDP has no rule left. */
	expect_conflict_until_released(port, a, b, udp_src, udp_dst,
				       actions_mark1);
	assert_int_equal(rte_vdev_uninit("net_simnic_i40e"), 0);
}

/* A /24 on i40e matches every source: the rule is wider than asked. */
static void
test_profile_i40e_widening(void **state __rte_unused)
{
	uint16_t tx = port_up("net_simnic_i4t", "peer=net_simnic_i4r", 1, 1);
	uint16_t rx = port_up("net_simnic_i4r",
			      "peer=net_simnic_i4t,profile=i40e", 1, 1);
	const struct rte_flow_item_udp dport_mask = {
		.hdr.dst_port = RTE_BE16(0xff00) };
	const struct rte_flow_item src24[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src24_mask),
		ITEM(UDP, &udp_ports_spec, &dport_mask), ITEM_END };
	struct pkt p = udp4();

	expect_create(rx, &attr_in, src24, actions_mark1, 0, 0, NULL);
	expect_create(port_b, &attr_in, src24, actions_mark1, 0, 0, NULL);
	assert_int_equal(rx_mark_via(tx, rx, &p), 1);
	assert_int_equal(rx_mark(&p), 1);
	/* Outside the /24 and the port range: i40e marks, generic not. */
	p.ip4_src = IP4(192, 168, 7, 7);
	p.dport = 0x1234;
	assert_int_equal(rx_mark_via(tx, rx, &p), 1);
	assert_int_equal(rx_mark(&p), RX_PLAIN);
	/* Still UDP over IPv4 only: the pctype is matched. */
	p = with_proto(p, 4, IPPROTO_TCP);
	assert_int_equal(rx_mark_via(tx, rx, &p), RX_PLAIN);
	assert_int_equal(rte_vdev_uninit("net_simnic_i4r"), 0);
	assert_int_equal(rte_vdev_uninit("net_simnic_i4t"), 0);
}

static void
test_profile_mlx5(void **state __rte_unused)
{
	uint16_t port = port_up("net_simnic_mlx5", "sink=1,profile=mlx5",
				2, 1);
	const struct rte_flow_item_tcp tcp_spec = {
		.hdr.tcp_flags = RTE_TCP_SYN_FLAG };
	const struct rte_flow_item_tcp tcp_mask = { .hdr.tcp_flags = 0x0f };
	const struct rte_flow_item flexible[] = {
		ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip4_spec, &ip4_src24_mask),
		ITEM(TCP, &tcp_spec, &tcp_mask), ITEM_END };
	const struct rte_flow_action_mark big = { .id = 0xfffff0 };
	const struct rte_flow_action_mark biggest_ok = { .id = 0xffffef };
	const struct rte_flow_action mark_big_queue[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &big },
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action mark_ok_queue[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &biggest_ok },
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue1 },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action count_only[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action passthru[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const uint16_t queues[] = { 0, 1 };
	const struct rte_flow_action_rss rss = {
		.queue_num = 2, .queue = queues };
	const struct rte_flow_action mark_rss[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark1 },
		{ .type = RTE_FLOW_ACTION_TYPE_RSS, .conf = &rss },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_action drop_count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_DROP },
		{ .type = RTE_FLOW_ACTION_TYPE_END } };
	const struct rte_flow_attr prio3 = { .ingress = 1, .priority = 3 };

	expect_both(port, &attr_in, flexible, actions_mark1, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "no fate action is found");
	expect_both(port, &attr_in, flexible, count_only, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION, "no fate action is found");
	expect_both(port, &attr_in, flexible, mark_big_queue, EINVAL,
		    RTE_FLOW_ERROR_TYPE_ACTION_CONF,
		    "mark id exceeds the limit");
	expect_both(port, &attr_in, flexible, passthru, ENOTSUP,
		    RTE_FLOW_ERROR_TYPE_ACTION, "action not supported");
	expect_create(port, &attr_in, flexible, mark_ok_queue, 0, 0, NULL);
	expect_create(port, &attr_in, flexible, mark_rss, 0, 0, NULL);
	expect_create(port, &prio3, flexible, drop_count, 0, 0, NULL);
	assert_int_equal(rte_vdev_uninit("net_simnic_mlx5"), 0);
}

/* Bad values are refused at probe; generic is the default, unchanged. */
static void
test_profile_devarg(void **state __rte_unused)
{
	static const char *const bad[] = {
		"profile=", "profile=foo", "profile=IXGBE", "profile=i40e,profile=mlx5",
		"profile=ixgbe ",
	};
	const struct rte_flow_attr prio7 = { .ingress = 1, .priority = 7 };
	unsigned int i;
	uint16_t port;
	char *text;

	for (i = 0; i < RTE_DIM(bad); i++) {
		assert_int_equal(rte_vdev_init("net_simnic_bad", bad[i]),
				 -EINVAL);
		assert_int_not_equal(port_id_of("net_simnic_bad", &port), 0);
	}
	port = port_up("net_simnic_gen", "sink=1,profile=generic", 1, 1);
	/* What the others refuse: MARK alone, any priority, any mask. */
	expect_create(port, &prio7, pattern_any, actions_mark1, 0, 0, NULL);
	text = rule_dump(port, NULL);
	assert_null(strstr(text, "profile"));
	free(text);
	assert_int_equal(rte_vdev_uninit("net_simnic_gen"), 0);
	port = port_up("net_simnic_gen", "sink=1,profile=mlx5", 1, 1);
	text = rule_dump(port, NULL);
	assert_non_null(strstr(text, "profile mlx5"));
	free(text);
	assert_int_equal(rte_vdev_uninit("net_simnic_gen"), 0);
}

/* Group setup: EAL is up; create the pair all flow tests use. */
static int
pair_setup(void **state __rte_unused)
{
	port_a = port_up(PORT_A, "peer=" PORT_B, 1, 1);
	port_b = port_up(PORT_B, "peer=" PORT_A, 1, 1);
	return 0;
}

static int
pair_teardown(void **state __rte_unused)
{
	return rte_vdev_uninit(PORT_A) | rte_vdev_uninit(PORT_B);
}

#define T(f) cmocka_unit_test_setup_teardown(f, flush_b, flush_b)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_pattern_matches_all),
		T(test_item_eth),
		T(test_item_vlan),
		T(test_item_ipv4),
		T(test_item_ipv4_fragments),
		T(test_item_ipv6),
		T(test_item_tcp),
		T(test_item_udp_sctp),
		T(test_item_icmp),
		T(test_item_void),
		T(test_short_frames),
		T(test_item_integrity_udp4),
		T(test_item_integrity_tcp),
		T(test_item_integrity_ipv6),
		T(test_item_integrity_not_ok),
		T(test_item_integrity_default_mask),
		T(test_item_integrity_errors),
		T(test_priority_lower_wins),
		T(test_priority_tie_first_created_wins),
		T(test_priority_same_key_sorted),
		T(test_action_flag),
		T(test_action_mark_mbuf),
		T(test_action_drop),
		T(test_action_count_query_reset),
		T(test_action_queue_rss_passthru),
		T(test_passthru),
		T(test_error_attributes),
		T(test_error_items),
		T(test_item_last),
		T(test_item_mask_without_spec),
		T(test_item_contradictions),
		T(test_error_actions),
		T(test_cap_max_rules),
		T(test_cap_max_masks),
		T(test_cap_mark_count_disabled),
		T(test_cap_integrity_disabled),
		T(test_cap_max_mark),
		T(test_cap_fail_every),
		T(test_insert_latency),
		T(test_flush_and_stale_handles),
		T(test_rules_freed_on_stop_and_close),
		T(test_isolate),
		T(test_many_rules_one_mask),
		T(test_rules_change_during_rx),
		T(test_peer_stats_and_queues),
		T(test_sink_counts),
		T(test_gen_flows_and_sizes),
		T(test_gen_zipf),
		T(test_gen_zipf_rotate),
		T(test_gen_with_rules),
		T(test_nic_clock_follows_rules),
		T(test_passthru_gen),
		T(test_item_integrity_gen),
		T(test_nic_clock_matches_host_clock),
		T(test_rss_hash_peer),
		T(test_rss_hash_gen),
		T(test_steering),
		T(test_bad_devargs),
		T(test_xstats_names),
		T(test_switch_info_and_proxy),
		T(test_switch_forward_count_drop),
		T(test_switch_gen),
		T(test_switch_errors),
		T(test_switch_devargs),
		T(test_switch_rewrite_eth_vlan),
		T(test_switch_rewrite_ip_tp),
		T(test_switch_rewrite_shared),
		T(test_switch_rewrite_errors),
		T(test_iface_veth),
		T(test_profile_ixgbe_refusals),
		T(test_profile_ixgbe_global_mask),
		T(test_profile_ixgbe_rss_filter),
		T(test_profile_table_sizes),
		T(test_profile_i40e_refusals),
		T(test_profile_i40e_input_set),
		T(test_profile_i40e_widening),
		T(test_profile_mlx5),
		T(test_profile_devarg),
	};
	int failed;

	pool = simnic_app_init("test_simnic", argc, argv, 512, "notice",
			       NB_MBUFS);
	if (pool == NULL)
		return 2;
	failed = cmocka_run_group_tests_name("simnic", tests, pair_setup,
					     pair_teardown);
	simnic_app_cleanup(pool);
	return failed != 0;
}
