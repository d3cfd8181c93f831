/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

#ifndef SIMNIC_APP_H
#define SIMNIC_APP_H

/*
 * What the programs that test and measure simnic through the public DPDK
 * API (tests/test_simnic.c, bench/simnic/bench_simnic.c) share: EAL set up
 * with simnic loaded as a plugin, and ports started.
 */

#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

/*
 * Initializes EAL for program 'name' with --no-huge, --no-pci, --no-shconf
 * and a file prefix of its own (no hugepages needed, no PCI device
 * touched, no clash with other DPDK processes), on core 0 with 'mem_mb'
 * MB of memory and simnic's log level 'log_level'.  simnic is loaded from
 * $SIMNIC_PLUGIN, else the first argument that is not an option, else
 * librte_net_simnic.so next to the program.  Then creates an mbuf pool of
 * 'n_mbufs'.  Returns the pool, or NULL after printing why.
 */
struct rte_mempool *simnic_app_init(const char *name, int argc, char **argv,
				    unsigned int mem_mb,
				    const char *log_level,
				    unsigned int n_mbufs);

/* Frees 'pool', stops EAL and removes its runtime directory. */
void simnic_app_cleanup(struct rte_mempool *pool);

/*
 * Configures 'port' with 'conf' (all zeroes if NULL), 'nb_rxq' Rx queues
 * that take their mbufs from 'pool' and 'nb_txq' Tx queues, of 512
 * descriptors each, and starts it.  Returns 0 or a negative errno value.
 */
int simnic_app_port_start(uint16_t port, const struct rte_eth_conf *conf,
			  uint16_t nb_rxq, uint16_t nb_txq,
			  struct rte_mempool *pool);

#endif /* SIMNIC_APP_H */
