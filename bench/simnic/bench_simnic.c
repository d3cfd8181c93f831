/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Micro-benchmark of simnic's flow engine, through the public API only
 * (the driver is loaded as an EAL plugin, as by any application):
 *
 *   - rule insertion and removal rates (rte_flow_create/destroy per second)
 *     as the table grows to 1, 1k, 10k and 100k exact-match rules of one
 *     mask, and with the rules spread over 8 and 32 masks;
 *   - the cost of Rx per packet in TSC cycles, for the same tables, on a
 *     gen port whose classification runs on the host's clock (every frame
 *     is looked up in rx_burst: the lookup is on the measured clock) and
 *     on one whose classification runs on the NIC's clock (cached
 *     verdicts: what a real NIC's Rx costs the host).
 *
 * Every generated flow matches exactly one rule (flows = rules), so that
 * lookups hit all over the table.  Rx cost is measured around
 * rte_eth_rx_burst() plus rte_pktmbuf_free_bulk(), bursts of 32, after one
 * pass over all flows to warm up.  Every measurement is repeated ROUNDS
 * times and the best one counts: on a shared machine the others include
 * time the thread spent preempted.  Prints a Markdown table.
 *
 *   bench_simnic [--quick] [plugin.so]
 *
 * The plugin comes from $SIMNIC_PLUGIN, else the argument, else
 * librte_net_simnic.so next to this program.  EAL runs with --no-huge
 * --no-pci --no-shconf on one core, with a file prefix of its own.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "simnic_app.h"

#define BURST		32
#define NB_MBUFS	8191
#define MAX_RULES	(1u << 17)
/* Small tables are created and destroyed again until this many ops. */
#define MIN_FLOW_OPS	10000
/* Measurements are repeated; the best run counts (see rx_cost). */
#define ROUNDS		5
/* The gen backend's addresses, see simnic's README.md. */
#define GEN_SRC(f)	(RTE_IPV4(10, 0, 0, 1) + (f))
#define GEN_SPORT(f)	(1024 + (f) % 64512)

struct bench_case {
	uint32_t rules;
	uint32_t masks;
};

struct bench_result {
	double creates_per_s;
	double destroys_per_s;
	double host_cycles;	/* per packet */
	double nic_cycles;
	uint64_t nic_refresh_cycles;	/* first pass after a change */
};

static struct rte_mempool *pool;
static uint64_t rx_packets = 2000000;

static __rte_noreturn void
die(const char *what)
{
	fprintf(stderr, "bench_simnic: %s: %s\n", what,
		rte_strerror(rte_errno));
	exit(1);
}

static uint16_t
bench_port(const char *name, uint32_t flows, const char *clock)
{
	char args[128];
	uint16_t port;

	snprintf(args, sizeof(args),
		 "gen=flows:%u,offload_clock=%s,max_rules=%u,max_masks=64",
		 flows, clock, MAX_RULES);
	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &port) != 0)
		die("cannot create a simnic port");
	if (simnic_app_port_start(port, NULL, 1, 1, pool) != 0)
		die("cannot start a simnic port");
	return port;
}

/*
 * Rule i matches gen flow i only: its source port exactly, and its source
 * address under mask i % masks (a prefix of 32 - i % masks bits), so that
 * the rules use 'masks' distinct masks.
 */
static struct rte_flow *
bench_rule(uint16_t port, uint32_t i, uint32_t masks)
{
	uint32_t prefix_mask = UINT32_MAX << (i % masks);
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_ipv4 ip = {
		.hdr.src_addr = rte_cpu_to_be_32(GEN_SRC(i) & prefix_mask) };
	struct rte_flow_item_ipv4 ip_mask = {
		.hdr.src_addr = rte_cpu_to_be_32(prefix_mask) };
	struct rte_flow_item_udp udp = {
		.hdr.src_port = rte_cpu_to_be_16((uint16_t)GEN_SPORT(i)) };
	struct rte_flow_item_udp udp_mask = {
		.hdr.src_port = RTE_BE16(0xffff) };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &ip,
		  .mask = &ip_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = &udp,
		  .mask = &udp_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_mark mark = { .id = i + 1 };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = &mark },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error error;
	struct rte_flow *flow;

	flow = rte_flow_create(port, &attr, pattern, actions, &error);
	if (flow == NULL) {
		fprintf(stderr, "bench_simnic: rule %u: %s\n", i,
			error.message != NULL ? error.message : "(no message)");
		exit(1);
	}
	return flow;
}

/*
 * Receives and frees at least n packets; returns the TSC cycles it took,
 * and in *got how many packets.
 */
static uint64_t
rx_run(uint16_t port, uint64_t n, uint64_t *marked, uint64_t *n_got)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t got = 0, start = rte_rdtsc_precise(), cycles;
	uint16_t i, k;

	while (got < n) {
		k = rte_eth_rx_burst(port, 0, pkts, BURST);
		if (marked != NULL)
			for (i = 0; i < k; i++)
				*marked += !!(pkts[i]->ol_flags &
					      RTE_MBUF_F_RX_FDIR_ID);
		rte_pktmbuf_free_bulk(pkts, k);
		got += k;
	}
	cycles = rte_rdtsc_precise() - start;
	if (n_got != NULL)
		*n_got = got;
	return cycles;
}

/*
 * Cycles per packet of Rx, after a pass over all flows: the best of
 * ROUNDS runs, which filters out the time the thread was not running on
 * a shared machine.  Checks that frames are marked as expected.
 */
static double
rx_cost(uint16_t port, uint32_t flows, bool expect_marks)
{
	uint64_t marked = 0, cycles, got;
	double best = 0, cost;
	int round;

	rx_run(port, flows + BURST, NULL, NULL);
	for (round = 0; round < ROUNDS; round++) {
		cycles = rx_run(port, rx_packets / ROUNDS, NULL, &got);
		cost = (double)cycles / (double)got;
		if (round == 0 || cost < best)
			best = cost;
	}
	rx_run(port, BURST * 4, &marked, NULL);
	if (expect_marks != (marked == BURST * 4)) {
		fprintf(stderr, "bench_simnic: %" PRIu64 " of %u frames marked\n",
			marked, BURST * 4);
		exit(1);
	}
	return best;
}

/* Creates rules [0, n) on port into handles; returns the cycles taken. */
static uint64_t
create_all(uint16_t port, uint32_t n, uint32_t masks,
	   struct rte_flow **handles)
{
	uint64_t start = rte_rdtsc_precise();
	uint32_t i;

	for (i = 0; i < n; i++)
		handles[i] = bench_rule(port, i, masks);
	return rte_rdtsc_precise() - start;
}

static uint64_t
destroy_all(uint16_t port, uint32_t n, struct rte_flow **handles)
{
	uint64_t start = rte_rdtsc_precise();
	struct rte_flow_error error;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (rte_flow_destroy(port, handles[i], &error) != 0)
			die("rte_flow_destroy");
	return rte_rdtsc_precise() - start;
}

static double
best_rate(double best, uint64_t ops, uint64_t cycles)
{
	return RTE_MAX(best, (double)ops * (double)rte_get_tsc_hz() /
			     (double)cycles);
}

/*
 * Insertion and removal rates: the table is filled and emptied ROUNDS
 * times (small tables more often, to reach MIN_FLOW_OPS operations per
 * round); the best round counts.
 */
static void
flow_rates(uint16_t port, const struct bench_case *c,
	   struct rte_flow **handles, struct bench_result *r)
{
	uint32_t reps = 1, i;
	uint64_t cc, dc;
	int round;

	r->creates_per_s = 0;
	r->destroys_per_s = 0;
	if (c->rules == 0)
		return;
	if (c->rules < MIN_FLOW_OPS)
		reps = (MIN_FLOW_OPS + c->rules - 1) / c->rules;
	for (round = 0; round < ROUNDS; round++) {
		cc = 0;
		dc = 0;
		for (i = 0; i < reps; i++) {
			cc += create_all(port, c->rules, c->masks, handles);
			dc += destroy_all(port, c->rules, handles);
		}
		r->creates_per_s = best_rate(r->creates_per_s,
					     (uint64_t)c->rules * reps, cc);
		r->destroys_per_s = best_rate(r->destroys_per_s,
					      (uint64_t)c->rules * reps, dc);
	}
}

/*
 * NIC clock, the first pass over the flows after a rule change, which
 * classifies every flow again: cycles per packet, best of ROUNDS.
 */
static uint64_t
nic_refresh_cost(uint16_t port, uint32_t flows, uint32_t masks)
{
	struct rte_flow_error error;
	uint64_t best = UINT64_MAX, got, cost;
	int round;

	for (round = 0; round < ROUNDS; round++) {
		/* A rule that comes and goes: two changes of the table. */
		if (rte_flow_destroy(port, bench_rule(port, 0, masks),
				     &error) != 0)
			die("rte_flow_destroy");
		cost = rx_run(port, flows, NULL, &got) / got;
		best = RTE_MIN(best, cost);
		/* Back to the steady state before the next round. */
		rx_run(port, flows + BURST, NULL, NULL);
	}
	return best;
}

static void
run_case(const struct bench_case *c, struct bench_result *r)
{
	uint32_t flows = RTE_MAX(c->rules, 1u), i;
	uint16_t host = bench_port("net_simnic_bh", flows, "host");
	uint16_t nic = bench_port("net_simnic_bn", flows, "nic");
	struct rte_flow **handles = calloc(c->rules + 1, sizeof(*handles));

	if (handles == NULL)
		die("out of memory");
	flow_rates(host, c, handles, r);
	create_all(host, c->rules, c->masks, handles);
	for (i = 0; i < c->rules; i++)
		bench_rule(nic, i, c->masks);

	r->host_cycles = rx_cost(host, flows, c->rules > 0);
	r->nic_cycles = rx_cost(nic, flows, c->rules > 0);
	r->nic_refresh_cycles = c->rules == 0 ? 0 :
				nic_refresh_cost(nic, flows, c->masks);

	free(handles);
	if (rte_vdev_uninit("net_simnic_bh") != 0 ||
	    rte_vdev_uninit("net_simnic_bn") != 0)
		die("rte_vdev_uninit");
}

static void
print_rate(double rate)
{
	if (rate == 0)
		printf(" - |");
	else
		printf(" %.0f k/s |", rate / 1000);
}

int
main(int argc, char **argv)
{
	static const struct bench_case cases[] = {
		{ 0, 1 }, { 1, 1 }, { 1000, 1 }, { 10000, 1 }, { 100000, 1 },
		{ 10000, 8 }, { 10000, 32 },
	};
	struct bench_result r;
	unsigned int i;
	int a;

	for (a = 1; a < argc; a++)
		if (strcmp(argv[a], "--quick") == 0)
			rx_packets = 200000;
	pool = simnic_app_init("bench_simnic", argc, argv, 1024, "warning",
			       NB_MBUFS);
	if (pool == NULL)
		return 1;

	printf("%s, TSC %.2f GHz, %" PRIu64 " packets per Rx measurement, bursts of %d\n\n",
	       rte_version(), rte_get_tsc_hz() / 1e9, rx_packets, BURST);
	printf("| rules | masks | create | destroy | Rx host clock (cycles/pkt) | Rx NIC clock (cycles/pkt) | NIC clock, first pass after a change (cycles/pkt) |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < RTE_DIM(cases); i++) {
		run_case(&cases[i], &r);
		printf("| %u | %u |", cases[i].rules,
		       cases[i].rules == 0 ? 0 : cases[i].masks);
		print_rate(r.creates_per_s);
		print_rate(r.destroys_per_s);
		printf(" %.1f | %.1f |", r.host_cycles, r.nic_cycles);
		if (cases[i].rules == 0)
			printf(" - |\n");
		else
			printf(" %" PRIu64 " |\n", r.nic_refresh_cycles);
		fflush(stdout);
	}

	simnic_app_cleanup(pool);
	return 0;
}
