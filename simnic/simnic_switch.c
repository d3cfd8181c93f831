/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Switch domains: simnic as an embedded switch (eSwitch).
 *
 * Ports created with the same devarg switch=NAME are the ports of one
 * switch.  The one without devarg representor is its PF: the transfer
 * proxy, on which transfer rules are created (rte_flow_pick_transfer_proxy()
 * says so).  The others, with representor=vfN, are representors of the
 * switch's VF N.
 * Each port's backend stands for what is beyond that port of the switch:
 * the wire for the PF, the VF for a representor.
 *
 * A frame coming in by any port of the switch meets the switch's transfer
 * rules first.  One that a rule forwards (REPRESENTED_PORT, PORT_ID) goes
 * out by that port's backend, as a frame the port's Tx queue would send,
 * and one it drops is freed: neither reaches any host Rx queue.  A frame
 * no transfer rule takes goes on to its port's own (ingress) rules and
 * its Rx queues, as in a port of no switch.
 *
 * Locking.  Transfer rules live in the switch's table, which the Rx
 * threads of every port of the switch read, each under its Rx queue's
 * lock.  So a change of the table, of the switch's ports, or of a port's
 * wire queue takes every Rx queue lock of every port of the switch, in
 * port order (simnic_switch_rxqs_lock), under simnic_switches_mutex; a
 * rule change takes the PF's flow_lock before that.  A burst forwarding a
 * frame holds its own Rx queue's lock and, briefly, the wire lock of the
 * port the frame leaves by, and no other.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <ethdev_driver.h>

#include "simnic.h"

struct simnic_switch {
	LIST_ENTRY(simnic_switch) next;
	char name[SIMNIC_SWITCH_NAME_MAX];
	uint16_t domain_id;
	unsigned int n_ports;
	/* The switch's ports by port id; the PF among them, if it exists. */
	struct simnic_private *ports[RTE_MAX_ETHPORTS];
	struct simnic_private *pf;
	/* Transfer rules, created through the PF. */
	struct simnic_flow_table *table;
	uint32_t n_rules;		/* read by Rx without a lock */
};

static LIST_HEAD(, simnic_switch) simnic_switches =
	LIST_HEAD_INITIALIZER(simnic_switches);
static pthread_mutex_t simnic_switches_mutex = PTHREAD_MUTEX_INITIALIZER;

/* The switch's masks: as many as the most a port may have. */
#define SIMNIC_SWITCH_MAX_MASKS	65536u

static struct simnic_switch *
simnic_switch_find(const char *name)
{
	struct simnic_switch *sw;

	LIST_FOREACH(sw, &simnic_switches, next)
		if (strcmp(sw->name, name) == 0)
			return sw;
	return NULL;
}

static struct simnic_switch *
simnic_switch_create(const char *name)
{
	struct simnic_switch *sw = calloc(1, sizeof(*sw));

	if (sw == NULL)
		return NULL;
	if (rte_eth_switch_domain_alloc(&sw->domain_id) != 0) {
		free(sw);
		return NULL;
	}
	sw->table = simnic_flow_table_create(SIMNIC_SWITCH_MAX_MASKS);
	if (sw->table == NULL) {
		rte_eth_switch_domain_free(sw->domain_id);
		free(sw);
		return NULL;
	}
	snprintf(sw->name, sizeof(sw->name), "%s", name);
	LIST_INSERT_HEAD(&simnic_switches, sw, next);
	return sw;
}

static void
simnic_switch_destroy(struct simnic_switch *sw)
{
	LIST_REMOVE(sw, next);
	simnic_flow_table_free(sw->table);
	rte_eth_switch_domain_free(sw->domain_id);
	free(sw);
}

/* The port of the switch that already has the role, or NULL. */
static const struct simnic_private *
simnic_switch_role_taken(const struct simnic_switch *sw, int32_t vf)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(sw->ports); i++)
		if (sw->ports[i] != NULL && sw->ports[i]->vf == vf)
			return sw->ports[i];
	return NULL;
}

/* Representors name their PF as their backer, once there is one. */
static void
simnic_switch_set_backers(struct simnic_switch *sw)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(sw->ports); i++) {
		struct simnic_private *port = sw->ports[i];

		if (port != NULL && port->vf >= 0)
			port->dev_data->backer_port_id = sw->pf != NULL ?
				sw->pf->port_id : port->port_id;
	}
}

static void
simnic_switch_lock_ports(struct simnic_switch *sw)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(sw->ports); i++)
		if (sw->ports[i] != NULL)
			simnic_rxqs_lock(sw->ports[i]);
}

static void
simnic_switch_unlock_ports(struct simnic_switch *sw)
{
	unsigned int i;

	for (i = RTE_DIM(sw->ports); i-- > 0;)
		if (sw->ports[i] != NULL)
			simnic_rxqs_unlock(sw->ports[i]);
}

/*
 * Makes 'priv' a port of switch 'name': its PF (vf < 0) or the
 * representor of its VF 'vf'.  The switch is created with its first port.
 * A switch has one PF and one representor per VF.
 */
int
simnic_switch_join(struct simnic_private *priv, const char *name, int32_t vf)
{
	const struct simnic_private *taken;
	struct simnic_switch *sw;
	int ret = 0;

	pthread_mutex_lock(&simnic_switches_mutex);
	sw = simnic_switch_find(name);
	if (sw == NULL)
		sw = simnic_switch_create(name);
	if (sw == NULL) {
		SIMNIC_LOG(ERR, "%s: cannot create switch %s: out of switch domains or memory",
			   priv->name, name);
		ret = -ENOMEM;
		goto out;
	}
	taken = simnic_switch_role_taken(sw, vf);
	if (taken != NULL) {
		if (vf < 0)
			SIMNIC_LOG(ERR, "%s: switch %s has a PF already, %s; give this port devarg representor=vf<n> to make it a representor",
				   priv->name, name, taken->name);
		else
			SIMNIC_LOG(ERR, "%s: switch %s has a representor of VF %" PRId32 " already, %s",
				   priv->name, name, vf, taken->name);
		ret = -EEXIST;
		goto out;
	}
	priv->sw = sw;
	priv->vf = vf;
	sw->n_ports++;
	/* Bursts of the other ports read the list: lock them out. */
	simnic_switch_lock_ports(sw);
	sw->ports[priv->port_id] = priv;
	if (vf < 0)
		sw->pf = priv;
	simnic_switch_set_backers(sw);
	simnic_switch_unlock_ports(sw);
	if (vf >= 0) {
		priv->dev_data->dev_flags |= RTE_ETH_DEV_REPRESENTOR;
		priv->dev_data->representor_id = (uint16_t)vf;
	}
	SIMNIC_LOG(INFO, "%s: port %u of switch %s (domain %u), %s",
		   priv->name, priv->port_id, name, sw->domain_id,
		   vf < 0 ? "its PF and transfer proxy" : "a VF representor");
out:
	if (sw != NULL && sw->n_ports == 0)
		simnic_switch_destroy(sw);
	pthread_mutex_unlock(&simnic_switches_mutex);
	return ret;
}

/*
 * Takes 'priv' out of its switch, once its own rules are gone (the PF's
 * include every transfer rule).  Rules of the switch that forward to the
 * port stay, as on a NIC: their frames are dropped, as errors.
 */
void
simnic_switch_leave(struct simnic_private *priv)
{
	struct simnic_switch *sw = priv->sw;

	if (sw == NULL)
		return;
	pthread_mutex_lock(&simnic_switches_mutex);
	simnic_switch_lock_ports(sw);
	/* No burst is forwarding to the port now, none will find it. */
	sw->ports[priv->port_id] = NULL;
	if (sw->pf == priv)
		sw->pf = NULL;
	simnic_switch_set_backers(sw);
	simnic_switch_unlock_ports(sw);
	simnic_rxqs_unlock(priv);
	priv->sw = NULL;
	if (--sw->n_ports == 0)
		simnic_switch_destroy(sw);
	pthread_mutex_unlock(&simnic_switches_mutex);
}

/* The wire queue: what transfer rules forward leaves by it. */
int
simnic_switch_port_start(struct simnic_private *priv)
{
	struct simnic_txq *txq;
	int ret;

	if (priv->sw == NULL || priv->wire_txq != NULL)
		return 0;
	txq = simnic_txq_create(&rte_eth_devices[priv->port_id], 0,
				SOCKET_ID_ANY, &ret);
	if (txq == NULL)
		return ret;
	pthread_mutex_lock(&simnic_switches_mutex);
	simnic_switch_lock_ports(priv->sw);
	priv->wire_txq = txq;
	simnic_switch_unlock_ports(priv->sw);
	pthread_mutex_unlock(&simnic_switches_mutex);
	return 0;
}

/* A stopped port's link is down: what is forwarded to it is lost. */
void
simnic_switch_port_stop(struct simnic_private *priv)
{
	struct simnic_txq *txq = priv->wire_txq;

	if (priv->sw == NULL || txq == NULL)
		return;
	pthread_mutex_lock(&simnic_switches_mutex);
	simnic_switch_lock_ports(priv->sw);
	priv->wire_txq = NULL;
	simnic_switch_unlock_ports(priv->sw);
	pthread_mutex_unlock(&simnic_switches_mutex);
	simnic_txq_free(txq);
}

void
simnic_switch_info(const struct simnic_private *priv,
		   struct rte_eth_switch_info *info)
{
	if (priv->sw == NULL)
		return;
	info->name = priv->sw->name;
	info->domain_id = priv->sw->domain_id;
	/* The switch's own numbering: 0 for the PF, N + 1 for VF N. */
	info->port_id = (uint16_t)(priv->vf + 1);
}

const char *
simnic_switch_name(const struct simnic_private *priv)
{
	return priv->sw != NULL ? priv->sw->name : NULL;
}

bool
simnic_switch_is_proxy(const struct simnic_private *priv)
{
	return priv->sw != NULL && priv->vf < 0;
}

/* The port that takes the switch's transfer rules: its PF. */
int
simnic_switch_proxy(const struct simnic_private *priv, uint16_t *port)
{
	int ret = -ENODEV;

	if (priv->sw == NULL)
		return -ENOTSUP;
	pthread_mutex_lock(&simnic_switches_mutex);
	if (priv->sw->pf != NULL) {
		*port = priv->sw->pf->port_id;
		ret = 0;
	}
	pthread_mutex_unlock(&simnic_switches_mutex);
	return ret;
}

bool
simnic_switch_has_port(const struct simnic_private *priv, uint32_t port_id)
{
	bool found;

	if (priv->sw == NULL || port_id >= RTE_MAX_ETHPORTS)
		return false;
	pthread_mutex_lock(&simnic_switches_mutex);
	found = priv->sw->ports[port_id] != NULL;
	pthread_mutex_unlock(&simnic_switches_mutex);
	return found;
}

/*
 * Rx queues come and go under their port's flow_lock; in a switch, under
 * the switches' mutex too, as the PF's rule changes lock them.
 */
void
simnic_switch_queues_lock(const struct simnic_private *priv)
{
	if (priv->sw != NULL)
		pthread_mutex_lock(&simnic_switches_mutex);
}

void
simnic_switch_queues_unlock(const struct simnic_private *priv)
{
	if (priv->sw != NULL)
		pthread_mutex_unlock(&simnic_switches_mutex);
}

/*
 * A change of the transfer rules: every Rx queue of the switch locked.
 * The caller, the PF's rte_flow op, holds the PF's flow_lock already.
 */
void
simnic_switch_rxqs_lock(struct simnic_private *priv)
{
	pthread_mutex_lock(&simnic_switches_mutex);
	simnic_switch_lock_ports(priv->sw);
}

void
simnic_switch_rxqs_unlock(struct simnic_private *priv)
{
	simnic_switch_unlock_ports(priv->sw);
	pthread_mutex_unlock(&simnic_switches_mutex);
}

struct simnic_flow_table *
simnic_switch_table(const struct simnic_private *priv)
{
	return priv->sw->table;
}

uint32_t
simnic_switch_n_rules(const struct simnic_private *priv)
{
	if (priv->sw == NULL)
		return 0;
	return __atomic_load_n(&priv->sw->n_rules, __ATOMIC_RELAXED);
}

/* Under simnic_switch_rxqs_lock(). */
void
simnic_switch_n_rules_add(struct simnic_private *priv, int delta)
{
	__atomic_store_n(&priv->sw->n_rules, priv->sw->n_rules + delta,
			 __ATOMIC_RELAXED);
}

/* Rx side. */

/*
 * Sends 'm' out of port 'port_id' of the switch, by its backend, which
 * counts it as sent or lost (a peer that is down); a port that left the
 * switch or is stopped, or a backend that pushes back, loses it too.
 */
static void
simnic_switch_output(struct simnic_switch *sw, uint16_t port_id,
		     struct rte_mbuf *m)
{
	struct simnic_private *port = sw->ports[port_id];
	uint64_t packets, bytes, errors;
	struct simnic_txq *txq;
	uint16_t sent = 0;

	if (port == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	/* The backend counts the frame sent or lost: add that to the port's. */
	simnic_spin_lock(&port->wire_lock);
	txq = port->wire_txq;
	if (txq != NULL) {
		packets = txq->packets;
		bytes = txq->bytes;
		errors = txq->errors;
		sent = port->backend_ops->tx_burst(txq, &m, 1);
		__atomic_fetch_add(&port->switch_out_packets,
				   txq->packets - packets, __ATOMIC_RELAXED);
		__atomic_fetch_add(&port->switch_out_bytes, txq->bytes - bytes,
				   __ATOMIC_RELAXED);
		__atomic_fetch_add(&port->switch_out_errors,
				   txq->errors - errors, __ATOMIC_RELAXED);
	}
	simnic_spin_unlock(&port->wire_lock);
	if (sent == 0) {
		rte_pktmbuf_free(m);
		__atomic_fetch_add(&port->switch_out_errors, 1,
				   __ATOMIC_RELAXED);
	}
}

/*
 * What transfer rule 'rule' does to frame 'm', which came in by rxq's
 * port: count it, then rewrite and forward it, or drop it.  rxq->lock is
 * held.
 */
void
simnic_switch_take(struct simnic_rxq *rxq, struct rte_mbuf *m,
		   struct simnic_rule *rule)
{
	if (rule->has_count) {
		__atomic_fetch_add(&rule->switch_hits, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&rule->switch_bytes, m->pkt_len,
				   __ATOMIC_RELAXED);
	}
	if (rule->fate == SIMNIC_FATE_PORT &&
	    simnic_modify_apply(&m, rule) == 0) {
		rxq->switched++;
		simnic_switch_output(rxq->priv->sw, rule->out_port, m);
	} else {
		rxq->switch_drops++;
		rte_pktmbuf_free(m);
	}
}

/* The transfer rule that takes a frame of key 'key'; rxq->lock is held. */
struct simnic_rule *
simnic_switch_lookup(const struct simnic_rxq *rxq,
		     const struct simnic_flow_key *key)
{
	return simnic_flow_table_lookup(rxq->priv->sw->table, key, NULL);
}

/*
 * The transfer rule in slot 'index' of the switch's PF.  A verdict that
 * names it is valid only while the rules stay as they were: a change
 * bumps the flow_gen of every port of the switch (simnic_switch_gen_bump),
 * and the PF leaves only once its rules are gone.
 */
struct simnic_rule *
simnic_switch_rule(const struct simnic_rxq *rxq, uint32_t index)
{
	return simnic_flow_rule_at(rxq->priv->sw->pf, index);
}

/* After a change of the transfer rules: every port's verdicts are stale. */
void
simnic_switch_gen_bump(struct simnic_private *proxy)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(proxy->sw->ports); i++) {
		struct simnic_private *port = proxy->sw->ports[i];

		if (port != NULL && port != proxy)
			port->flow_gen++;
	}
}

/*
 * The switch's verdict on a frame that came in by rxq's port, with key
 * 'key': true when a transfer rule took it (forwarded or dropped), false
 * when it goes on to the port's own rules.  rxq->lock is held.
 */
bool
simnic_switch_rx(struct simnic_rxq *rxq, struct rte_mbuf *m,
		 const struct simnic_flow_key *key)
{
	struct simnic_rule *rule = simnic_switch_lookup(rxq, key);

	if (rule == NULL)
		return false;
	simnic_switch_take(rxq, m, rule);
	return true;
}
