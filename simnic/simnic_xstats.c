/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Driver-specific extended statistics: what the flow engine did.  ethdev
 * adds the basic and per-queue counters in front of these by itself
 * (RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS).
 *
 *   rules_installed       rules in the table now
 *   flow_masks            distinct masks (hash tables) in use now
 *   flow_creates          successful creates
 *   flow_destroys         rules removed: destroy, flush, port stop or close
 *   flow_create_failures  creates refused, including injected failures
 *   flow_hits             received frames that matched a rule
 *   flow_misses           received frames that matched none
 *   flow_drops            frames dropped by a DROP rule, or by isolated
 *                         mode for lack of a terminating rule (no rule
 *                         matched, or PASSTHRU rules only)
 *   flow_steered          frames a QUEUE or RSS rule moved to another Rx
 *                         queue (peer and iface ports)
 *   switch_rx_forwarded   frames that came in by this port and that a
 *                         transfer rule sent out of a port of the switch
 *   switch_rx_dropped     ... that a transfer rule dropped
 *   switch_tx_packets     frames transfer rules sent out of this port
 *   switch_tx_bytes       ... their bytes
 *   switch_tx_errors      ... lost: the port was stopped, or its backend
 *                         full
 */

#include <stdio.h>
#include <string.h>

#include "simnic.h"

enum simnic_xstat_id {
	SIMNIC_XSTAT_RULES_INSTALLED,
	SIMNIC_XSTAT_FLOW_MASKS,
	SIMNIC_XSTAT_FLOW_CREATES,
	SIMNIC_XSTAT_FLOW_DESTROYS,
	SIMNIC_XSTAT_FLOW_CREATE_FAILURES,
	SIMNIC_XSTAT_FLOW_HITS,
	SIMNIC_XSTAT_FLOW_MISSES,
	SIMNIC_XSTAT_FLOW_DROPS,
	SIMNIC_XSTAT_FLOW_STEERED,
	SIMNIC_XSTAT_SWITCH_RX_FORWARDED,
	SIMNIC_XSTAT_SWITCH_RX_DROPPED,
	SIMNIC_XSTAT_SWITCH_TX_PACKETS,
	SIMNIC_XSTAT_SWITCH_TX_BYTES,
	SIMNIC_XSTAT_SWITCH_TX_ERRORS,
	SIMNIC_XSTAT_COUNT
};

static const char *const simnic_xstat_names[SIMNIC_XSTAT_COUNT] = {
	[SIMNIC_XSTAT_RULES_INSTALLED] = "rules_installed",
	[SIMNIC_XSTAT_FLOW_MASKS] = "flow_masks",
	[SIMNIC_XSTAT_FLOW_CREATES] = "flow_creates",
	[SIMNIC_XSTAT_FLOW_DESTROYS] = "flow_destroys",
	[SIMNIC_XSTAT_FLOW_CREATE_FAILURES] = "flow_create_failures",
	[SIMNIC_XSTAT_FLOW_HITS] = "flow_hits",
	[SIMNIC_XSTAT_FLOW_MISSES] = "flow_misses",
	[SIMNIC_XSTAT_FLOW_DROPS] = "flow_drops",
	[SIMNIC_XSTAT_FLOW_STEERED] = "flow_steered",
	[SIMNIC_XSTAT_SWITCH_RX_FORWARDED] = "switch_rx_forwarded",
	[SIMNIC_XSTAT_SWITCH_RX_DROPPED] = "switch_rx_dropped",
	[SIMNIC_XSTAT_SWITCH_TX_PACKETS] = "switch_tx_packets",
	[SIMNIC_XSTAT_SWITCH_TX_BYTES] = "switch_tx_bytes",
	[SIMNIC_XSTAT_SWITCH_TX_ERRORS] = "switch_tx_errors",
};

static uint64_t
simnic_load(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* Adds up the Rx queues' flow counters into values[]. */
static void
simnic_xstats_sum_rxqs(const struct rte_eth_dev *dev, uint64_t *values)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct simnic_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		values[SIMNIC_XSTAT_FLOW_HITS] += rxq->flow_hits;
		values[SIMNIC_XSTAT_FLOW_MISSES] += rxq->flow_misses;
		values[SIMNIC_XSTAT_FLOW_DROPS] += rxq->flow_drops;
		values[SIMNIC_XSTAT_FLOW_STEERED] += rxq->steered;
		values[SIMNIC_XSTAT_SWITCH_RX_FORWARDED] += rxq->switched;
		values[SIMNIC_XSTAT_SWITCH_RX_DROPPED] += rxq->switch_drops;
	}
}

static void
simnic_xstats_collect(struct rte_eth_dev *dev, uint64_t *values)
{
	struct simnic_private *priv = dev->data->dev_private;

	memset(values, 0, SIMNIC_XSTAT_COUNT * sizeof(values[0]));
	rte_rwlock_read_lock(&priv->flow_lock);
	values[SIMNIC_XSTAT_RULES_INSTALLED] = priv->n_rules;
	values[SIMNIC_XSTAT_FLOW_MASKS] =
		simnic_flow_table_n_masks(priv->flow_table);
	rte_rwlock_read_unlock(&priv->flow_lock);
	values[SIMNIC_XSTAT_FLOW_CREATES] = simnic_load(&priv->flow_creates);
	values[SIMNIC_XSTAT_FLOW_DESTROYS] = simnic_load(&priv->flow_destroys);
	values[SIMNIC_XSTAT_FLOW_CREATE_FAILURES] =
		simnic_load(&priv->flow_create_failures);
	values[SIMNIC_XSTAT_SWITCH_TX_PACKETS] =
		simnic_load(&priv->switch_out_packets);
	values[SIMNIC_XSTAT_SWITCH_TX_BYTES] =
		simnic_load(&priv->switch_out_bytes);
	values[SIMNIC_XSTAT_SWITCH_TX_ERRORS] =
		simnic_load(&priv->switch_out_errors);
	simnic_xstats_sum_rxqs(dev, values);
}

int
simnic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		  unsigned int n)
{
	uint64_t values[SIMNIC_XSTAT_COUNT];
	unsigned int i;

	if (xstats == NULL || n < SIMNIC_XSTAT_COUNT)
		return SIMNIC_XSTAT_COUNT;
	simnic_xstats_collect(dev, values);
	for (i = 0; i < SIMNIC_XSTAT_COUNT; i++) {
		xstats[i].id = i;
		xstats[i].value = values[i];
	}
	return SIMNIC_XSTAT_COUNT;
}

int
simnic_xstats_get_names(struct rte_eth_dev *dev __rte_unused,
			struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int i;

	if (names == NULL || size < SIMNIC_XSTAT_COUNT)
		return SIMNIC_XSTAT_COUNT;
	for (i = 0; i < SIMNIC_XSTAT_COUNT; i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s",
			 simnic_xstat_names[i]);
	return SIMNIC_XSTAT_COUNT;
}

/*
 * ethdev calls this instead of stats_reset when it exists, so it resets
 * the basic counters too.  Gauges (rules_installed, flow_masks) stay.
 */
int
simnic_xstats_reset(struct rte_eth_dev *dev)
{
	struct simnic_private *priv = dev->data->dev_private;
	uint16_t i;

	__atomic_store_n(&priv->flow_creates, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&priv->flow_destroys, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&priv->flow_create_failures, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&priv->switch_out_packets, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&priv->switch_out_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&priv->switch_out_errors, 0, __ATOMIC_RELAXED);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct simnic_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		rxq->flow_hits = 0;
		rxq->flow_misses = 0;
		rxq->flow_drops = 0;
		rxq->steered = 0;
		rxq->switched = 0;
		rxq->switch_drops = 0;
	}
	return dev->dev_ops->stats_reset(dev);
}
