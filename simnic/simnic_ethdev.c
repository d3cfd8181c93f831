/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * net_simnic: a software NIC with an rte_flow engine, as a vdev.
 *
 * This file: devargs, ethdev ops, probe/remove and registration.  The
 * backends are in simnic_rxtx.c, rte_flow in simnic_flow.c and the lookup
 * engine in simnic_flow_table.c.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_flow_driver.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>

#include "simnic.h"

#define SIMNIC_ARG_IFACE	"iface"
#define SIMNIC_ARG_GEN		"gen"
#define SIMNIC_ARG_SINK		"sink"
#define SIMNIC_ARG_PEER		"peer"
#define SIMNIC_ARG_MAX_RULES	"max_rules"
#define SIMNIC_ARG_MAX_MASKS	"max_masks"
#define SIMNIC_ARG_MAX_MARK	"max_mark"
#define SIMNIC_ARG_COUNT	"count"
#define SIMNIC_ARG_MARK		"mark"
#define SIMNIC_ARG_INTEGRITY	"integrity"
#define SIMNIC_ARG_FAIL_EVERY	"fail_every"
#define SIMNIC_ARG_OFFLOAD_CLOCK	"offload_clock"
#define SIMNIC_ARG_INSERT_LATENCY	"insert_latency_us"
#define SIMNIC_ARG_PROFILE	"profile"
#define SIMNIC_ARG_SWITCH	"switch"
#define SIMNIC_ARG_REPRESENTOR	"representor"
#define SIMNIC_ARG_ACTIONS_OFF	"actions_off"

#define SIMNIC_MAX_MASKS_LIMIT	65536u

/* What the devargs asked for; becomes the port's private data. */
struct simnic_options {
	const char *dev_name;
	unsigned int n_backends;
	enum simnic_backend backend;
	char iface[IF_NAMESIZE];
	unsigned int ifindex;
	char peer[RTE_ETH_NAME_MAX_LEN];
	struct simnic_gen_spec gen;
	struct simnic_caps caps;
	bool max_rules_set;
	const struct simnic_profile *profile;
	bool clock_set;
	enum simnic_offload_clock clock;
	char switch_name[SIMNIC_SWITCH_NAME_MAX];	/* "": no switch */
	int32_t vf;					/* -1: the PF */
};

static const struct simnic_options simnic_default_options = {
	.backend = SIMNIC_BACKEND_SINK,
	.profile = &simnic_profile_generic,
	.vf = -1,
	.gen = {
		.flows = 1,
		.ip_version = 4,
		.l4_proto = IPPROTO_UDP,
		.vlan = 0,
		.size = 0,
		.zipf = 0,
		.seed = 1,
		.rotate_ms = 0,
	},
	.caps = {
		.max_rules = 1u << 20,
		.max_masks = 4096,
		.max_mark = UINT32_MAX,
		.fail_every = 0,
		.insert_latency_us = 0,
		.count = true,
		.mark = true,
		.integrity = true,
	},
};

static const struct rte_eth_link simnic_link_down = {
	.link_speed = RTE_ETH_SPEED_NUM_10G,
	.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
	.link_status = RTE_ETH_LINK_DOWN,
	.link_autoneg = RTE_ETH_LINK_FIXED,
};

RTE_LOG_REGISTER_DEFAULT(simnic_logtype, NOTICE);

/* Devargs parsing. */

static int
simnic_bad_value(const struct simnic_options *opt, const char *key,
		 const char *value, const char *expected)
{
	SIMNIC_LOG(ERR, "%s: invalid value '%s' for devarg '%s': expected %s",
		   opt->dev_name, value, key, expected);
	return -EINVAL;
}

/* Decimal, or hexadecimal with 0x; nothing else (no sign, no spaces). */
static int
simnic_parse_uint(const struct simnic_options *opt, const char *key,
		  const char *value, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	char expected[64];
	unsigned long long v;
	char *end;
	int base = 10;

	snprintf(expected, sizeof(expected), "an integer in [%" PRIu64
		 ", %" PRIu64 "]", min, max);
	if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X'))
		base = 16;
	if (!isxdigit((unsigned char)value[base == 16 ? 2 : 0]))
		return simnic_bad_value(opt, key, value, expected);
	errno = 0;
	v = strtoull(value, &end, base);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return simnic_bad_value(opt, key, value, expected);
	*out = v;
	return 0;
}

static int
simnic_parse_u32(const struct simnic_options *opt, const char *key,
		 const char *value, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	int ret;

	ret = simnic_parse_uint(opt, key, value, min, max, &v);
	if (ret == 0)
		*out = (uint32_t)v;
	return ret;
}

/* A decimal number such as 1.1 or 0.25, within [min, max]. */
static int
simnic_parse_double(const struct simnic_options *opt, const char *key,
		    const char *value, double min, double max, double *out)
{
	char expected[64];
	char *end;
	double v;

	snprintf(expected, sizeof(expected), "a decimal number in [%g, %g]",
		 min, max);
	if (!isdigit((unsigned char)value[0]))
		return simnic_bad_value(opt, key, value, expected);
	errno = 0;
	v = strtod(value, &end);
	if (errno != 0 || *end != '\0' || !(v >= min && v <= max))
		return simnic_bad_value(opt, key, value, expected);
	*out = v;
	return 0;
}

static int
simnic_parse_bool(const struct simnic_options *opt, const char *key,
		  const char *value, bool *out)
{
	if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
		return simnic_bad_value(opt, key, value, "0 or 1");
	*out = value[0] == '1';
	return 0;
}

static int
simnic_arg_iface(struct simnic_options *opt, const char *key,
		 const char *value)
{
	if (value[0] == '\0' || strlen(value) >= sizeof(opt->iface))
		return simnic_bad_value(opt, key, value,
			"a Linux network interface name");
	opt->ifindex = if_nametoindex(value);
	if (opt->ifindex == 0)
		return simnic_bad_value(opt, key, value,
			"an existing network interface (none has this name)");
	strcpy(opt->iface, value);
	opt->backend = SIMNIC_BACKEND_IFACE;
	opt->n_backends++;
	return 0;
}

static int
simnic_arg_sink(struct simnic_options *opt, const char *key,
		const char *value)
{
	if (strcmp(value, "1") != 0)
		return simnic_bad_value(opt, key, value, "1");
	opt->backend = SIMNIC_BACKEND_SINK;
	opt->n_backends++;
	return 0;
}

static int
simnic_arg_peer(struct simnic_options *opt, const char *key,
		const char *value)
{
	if (value[0] == '\0' || strlen(value) >= sizeof(opt->peer))
		return simnic_bad_value(opt, key, value,
			"the name of another simnic port");
	if (strcmp(value, opt->dev_name) == 0)
		return simnic_bad_value(opt, key, value,
			"another port's name (a port cannot be its own peer)");
	strcpy(opt->peer, value);
	opt->backend = SIMNIC_BACKEND_PEER;
	opt->n_backends++;
	return 0;
}

/* One "name:value" field of a gen spec. */
static int
simnic_gen_field(struct simnic_options *opt, const char *spec,
		 const char *name, const char *value)
{
	struct simnic_gen_spec *gen = &opt->gen;
	uint32_t v;

	if (strcmp(name, "flows") == 0)
		return simnic_parse_u32(opt, "gen flows", value, 1,
					SIMNIC_GEN_MAX_FLOWS, &gen->flows);
	if (strcmp(name, "proto") == 0) {
		if (strcmp(value, "udp") == 0)
			gen->l4_proto = IPPROTO_UDP;
		else if (strcmp(value, "tcp") == 0)
			gen->l4_proto = IPPROTO_TCP;
		else
			return simnic_bad_value(opt, "gen proto", value,
						"udp or tcp");
		return 0;
	}
	if (strcmp(name, "ip") == 0) {
		if (strcmp(value, "4") != 0 && strcmp(value, "6") != 0)
			return simnic_bad_value(opt, "gen ip", value, "4 or 6");
		gen->ip_version = (uint8_t)(value[0] - '0');
		return 0;
	}
	if (strcmp(name, "size") == 0) {
		if (simnic_parse_u32(opt, "gen size", value, 1,
				     SIMNIC_MAX_FRAME_LEN, &v) != 0)
			return -EINVAL;
		gen->size = (uint16_t)v;
		return 0;
	}
	if (strcmp(name, "vlan") == 0) {
		if (simnic_parse_u32(opt, "gen vlan", value, 0, 4095, &v) != 0)
			return -EINVAL;
		gen->vlan = (uint16_t)v;
		return 0;
	}
	if (strcmp(name, "zipf") == 0)
		return simnic_parse_double(opt, "gen zipf", value, 0.01,
					   SIMNIC_GEN_MAX_ZIPF, &gen->zipf);
	if (strcmp(name, "seed") == 0)
		return simnic_parse_u32(opt, "gen seed", value, 0, UINT32_MAX,
					&gen->seed);
	if (strcmp(name, "rotate") == 0) {
		double seconds;

		if (simnic_parse_double(opt, "gen rotate", value, 0.001,
					SIMNIC_GEN_MAX_ROTATE_MS / 1000,
					&seconds) != 0)
			return -EINVAL;
		gen->rotate_ms = (uint32_t)(seconds * 1000 + 0.5);
		return 0;
	}
	return simnic_bad_value(opt, SIMNIC_ARG_GEN, spec,
		"fields flows:N, proto:udp|tcp, ip:4|6, size:N, vlan:N, zipf:S, seed:N, rotate:T joined by '/'");
}

/*
 * gen=flows:N/proto:udp|tcp/ip:4|6/size:N/vlan:N/zipf:S/seed:N/rotate:T,
 * any subset, any order.
 */
static int
simnic_arg_gen(struct simnic_options *opt, const char *key,
	       const char *value)
{
	char buf[256], *field, *save = NULL;
	uint16_t min_size;

	if (strlen(value) >= sizeof(buf))
		return simnic_bad_value(opt, key, value, "a shorter gen spec");
	strcpy(buf, value);
	for (field = strtok_r(buf, "/", &save); field != NULL;
	     field = strtok_r(NULL, "/", &save)) {
		char *colon = strchr(field, ':');

		if (colon == NULL)
			return simnic_bad_value(opt, key, value,
				"fields of the form name:value joined by '/'");
		*colon = '\0';
		if (simnic_gen_field(opt, value, field, colon + 1) != 0)
			return -EINVAL;
	}
	if (opt->gen.rotate_ms != 0 && opt->gen.zipf == 0)
		return simnic_bad_value(opt, key, value,
			"rotate:T only with zipf:S (it moves the Zipf ranking)");
	min_size = simnic_gen_min_size(&opt->gen);
	if (opt->gen.size != 0 && opt->gen.size < min_size) {
		SIMNIC_LOG(ERR, "%s: invalid value '%s' for devarg 'gen': size %u is smaller than the %u bytes of its headers",
			   opt->dev_name, value, opt->gen.size, min_size);
		return -EINVAL;
	}
	opt->backend = SIMNIC_BACKEND_GEN;
	opt->n_backends++;
	return 0;
}

static int
simnic_arg_clock(struct simnic_options *opt, const char *key,
		 const char *value)
{
	if (strcmp(value, "host") == 0)
		opt->clock = SIMNIC_CLOCK_HOST;
	else if (strcmp(value, "nic") == 0)
		opt->clock = SIMNIC_CLOCK_NIC;
	else
		return simnic_bad_value(opt, key, value, "host or nic");
	opt->clock_set = true;
	return 0;
}

static int
simnic_arg_cap(struct simnic_options *opt, const char *key,
	       const char *value)
{
	struct simnic_caps *caps = &opt->caps;

	if (strcmp(key, SIMNIC_ARG_MAX_RULES) == 0) {
		opt->max_rules_set = true;
		return simnic_parse_u32(opt, key, value, 1,
					SIMNIC_MAX_RULES_LIMIT,
					&caps->max_rules);
	}
	if (strcmp(key, SIMNIC_ARG_MAX_MASKS) == 0)
		return simnic_parse_u32(opt, key, value, 1,
					SIMNIC_MAX_MASKS_LIMIT,
					&caps->max_masks);
	if (strcmp(key, SIMNIC_ARG_MAX_MARK) == 0)
		return simnic_parse_u32(opt, key, value, 0, UINT32_MAX,
					&caps->max_mark);
	if (strcmp(key, SIMNIC_ARG_FAIL_EVERY) == 0)
		return simnic_parse_u32(opt, key, value, 0, UINT32_MAX,
					&caps->fail_every);
	if (strcmp(key, SIMNIC_ARG_INSERT_LATENCY) == 0)
		return simnic_parse_u32(opt, key, value, 0,
					SIMNIC_MAX_INSERT_LATENCY_US,
					&caps->insert_latency_us);
	if (strcmp(key, SIMNIC_ARG_COUNT) == 0)
		return simnic_parse_bool(opt, key, value, &caps->count);
	if (strcmp(key, SIMNIC_ARG_INTEGRITY) == 0)
		return simnic_parse_bool(opt, key, value, &caps->integrity);
	return simnic_parse_bool(opt, key, value, &caps->mark);
}

/* switch=<name>: letters, digits, '_', '-' and '.'. */
static int
simnic_arg_switch(struct simnic_options *opt, const char *key,
		  const char *value)
{
	size_t i, len = strlen(value);

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)value[i]) &&
		    strchr("_-.", value[i]) == NULL)
			break;
	if (len == 0 || len >= sizeof(opt->switch_name) || i < len)
		return simnic_bad_value(opt, key, value,
			"a switch name of 1 to 31 letters, digits, '_', '-' or '.'");
	strcpy(opt->switch_name, value);
	return 0;
}

/*
 * representor=vf<N>: DPDK's devarg for representors, here of one VF each,
 * so that applications find the port as they find a real PMD's
 * representors (rte_eth_iterator: "representor=vf<N>" matches the port
 * whose representor_id is N, without a representor_info_get op).
 */
static int
simnic_arg_representor(struct simnic_options *opt, const char *key,
		       const char *value)
{
	uint32_t vf;

	if (strncmp(value, "vf", 2) != 0 ||
	    simnic_parse_u32(opt, key, value + 2, 0, SIMNIC_MAX_VF, &vf) != 0)
		return simnic_bad_value(opt, key, value,
			"vf<n>, n in [0, 4095]: the VF this port represents");
	opt->vf = (int32_t)vf;
	return 0;
}

/*
 * actions_off=<name>/<name>...: transfer actions the port lacks, by
 * testpmd's names (of_pop_vlan, set_ipv4_dst, ...).
 */
static int
simnic_arg_actions_off(struct simnic_options *opt, const char *key,
		       const char *value)
{
	char name[32], names[384], expected[448];
	const char *at = value, *end;
	size_t len;
	int index;

	do {
		end = strchr(at, '/');
		len = end != NULL ? (size_t)(end - at) : strlen(at);
		if (len == 0 || len >= sizeof(name))
			goto bad;
		memcpy(name, at, len);
		name[len] = '\0';
		index = simnic_transfer_action_find(name);
		if (index < 0)
			goto bad;
		opt->caps.actions_off |= RTE_BIT64(index);
		at = end + 1;
	} while (end != NULL);
	return 0;
bad:
	simnic_transfer_action_names(names, sizeof(names));
	snprintf(expected, sizeof(expected), "'/'-separated names among: %s",
		 names);
	return simnic_bad_value(opt, key, value, expected);
}

/* profile=generic|ixgbe|i40e|mlx5; see simnic_profile.c. */
static int
simnic_arg_profile(struct simnic_options *opt, const char *key,
		   const char *value)
{
	char names[64];

	opt->profile = simnic_profile_find(value);
	if (opt->profile != NULL)
		return 0;
	simnic_profile_names(names, sizeof(names));
	return simnic_bad_value(opt, key, value, names);
}

/*
 * Every devarg, once: its key, the form of its value and its parser.  The
 * parser table, the list of keys in errors and the driver's parameter
 * string all come from it.
 */
#define SIMNIC_DEVARGS(X) \
	X(SIMNIC_ARG_IFACE, "<ifname>", simnic_arg_iface) \
	X(SIMNIC_ARG_GEN, \
	  "flows:<n>/proto:<udp|tcp>/ip:<4|6>/size:<n>/vlan:<id>/zipf:<s>/seed:<n>/rotate:<seconds>", \
	  simnic_arg_gen) \
	X(SIMNIC_ARG_SINK, "1", simnic_arg_sink) \
	X(SIMNIC_ARG_PEER, "<simnic port name>", simnic_arg_peer) \
	X(SIMNIC_ARG_MAX_RULES, "<n>", simnic_arg_cap) \
	X(SIMNIC_ARG_MAX_MASKS, "<n>", simnic_arg_cap) \
	X(SIMNIC_ARG_MAX_MARK, "<n>", simnic_arg_cap) \
	X(SIMNIC_ARG_COUNT, "<0|1>", simnic_arg_cap) \
	X(SIMNIC_ARG_MARK, "<0|1>", simnic_arg_cap) \
	X(SIMNIC_ARG_INTEGRITY, "<0|1>", simnic_arg_cap) \
	X(SIMNIC_ARG_FAIL_EVERY, "<n>", simnic_arg_cap) \
	X(SIMNIC_ARG_INSERT_LATENCY, "<n>", simnic_arg_cap) \
	X(SIMNIC_ARG_OFFLOAD_CLOCK, "<host|nic>", simnic_arg_clock) \
	X(SIMNIC_ARG_PROFILE, "<generic|ixgbe|i40e|mlx5>", simnic_arg_profile) \
	X(SIMNIC_ARG_SWITCH, "<name>", simnic_arg_switch) \
	X(SIMNIC_ARG_REPRESENTOR, "vf<0-4095>", simnic_arg_representor) \
	X(SIMNIC_ARG_ACTIONS_OFF, "<action>/<action>...", \
	  simnic_arg_actions_off)

struct simnic_devarg {
	const char *key;
	int (*parse)(struct simnic_options *opt, const char *key,
		     const char *value);
};

#define SIMNIC_DEVARG_ENTRY(key, form, parse) { key, parse },
static const struct simnic_devarg simnic_devargs[] = {
	SIMNIC_DEVARGS(SIMNIC_DEVARG_ENTRY)
};

/* The driver's parameter string: "key=form " for every devarg. */
#define SIMNIC_DEVARG_PARAM(key, form, parse) key "=" form " "
#define SIMNIC_PARAM_STRING SIMNIC_DEVARGS(SIMNIC_DEVARG_PARAM)

/* Writes the keys of every devarg, comma-separated, into 'buf'. */
static void
simnic_devarg_keys(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(simnic_devargs) && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s",
				i ? ", " : "", simnic_devargs[i].key);
}

static const struct simnic_devarg *
simnic_devarg_find(const char *key)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(simnic_devargs); i++)
		if (strcmp(simnic_devargs[i].key, key) == 0)
			return &simnic_devargs[i];
	return NULL;
}

static int
simnic_parse_pair(struct simnic_options *opt, const struct rte_kvargs *kvlist,
		  const struct rte_kvargs_pair *pair)
{
	const struct simnic_devarg *arg = simnic_devarg_find(pair->key);

	if (arg == NULL) {
		char keys[256];

		simnic_devarg_keys(keys, sizeof(keys));
		SIMNIC_LOG(ERR, "%s: unknown devarg '%s' (valid: %s)",
			   opt->dev_name, pair->key, keys);
		return -EINVAL;
	}
	if (pair->value == NULL) {
		SIMNIC_LOG(ERR, "%s: devarg '%s' needs a value ('%s=...')",
			   opt->dev_name, pair->key, pair->key);
		return -EINVAL;
	}
	if (rte_kvargs_count(kvlist, pair->key) > 1) {
		SIMNIC_LOG(ERR, "%s: devarg '%s' is given more than once",
			   opt->dev_name, pair->key);
		return -EINVAL;
	}
	return arg->parse(opt, pair->key, pair->value);
}

/*
 * Only generated frames are known before they arrive, so only gen ports
 * can classify them ahead (NIC clock); others classify as they receive.
 */
static int
simnic_check_clock(struct simnic_options *opt)
{
	if (!opt->clock_set) {
		opt->clock = opt->backend == SIMNIC_BACKEND_GEN ?
			     SIMNIC_CLOCK_NIC : SIMNIC_CLOCK_HOST;
		return 0;
	}
	if (opt->clock == SIMNIC_CLOCK_NIC &&
	    opt->backend != SIMNIC_BACKEND_GEN) {
		SIMNIC_LOG(ERR, "%s: invalid value 'nic' for devarg 'offload_clock': the %s backend classifies frames as they arrive; only gen ports can use the NIC clock",
			   opt->dev_name,
			   simnic_backend_ops_get(opt->backend)->name);
		return -EINVAL;
	}
	return 0;
}

static int
simnic_parse_devargs(const char *params, struct simnic_options *opt)
{
	struct rte_kvargs *kvlist;
	unsigned int i;
	int ret = 0;

	if (params == NULL || params[0] == '\0') {
		opt->caps.max_rules = opt->profile->max_rules;
		return simnic_check_clock(opt);
	}
	/* No key list: unknown keys are reported here, by name. */
	kvlist = rte_kvargs_parse(params, NULL);
	if (kvlist == NULL) {
		SIMNIC_LOG(ERR, "%s: cannot parse devargs '%s'",
			   opt->dev_name, params);
		return -EINVAL;
	}
	for (i = 0; i < kvlist->count && ret == 0; i++)
		ret = simnic_parse_pair(opt, kvlist, &kvlist->pairs[i]);
	rte_kvargs_free(kvlist);

	if (ret == 0 && opt->n_backends > 1) {
		SIMNIC_LOG(ERR, "%s: devargs iface, gen, sink and peer are mutually exclusive",
			   opt->dev_name);
		ret = -EINVAL;
	}
	if (ret == 0 && opt->vf >= 0 && opt->switch_name[0] == '\0') {
		SIMNIC_LOG(ERR, "%s: devarg 'representor' makes the port a representor in a switch: give devarg 'switch' too",
			   opt->dev_name);
		ret = -EINVAL;
	}
	if (ret == 0)
		ret = simnic_check_clock(opt);
	/* The profile's table size, unless max_rules says otherwise. */
	if (ret == 0 && !opt->max_rules_set)
		opt->caps.max_rules = opt->profile->max_rules;
	return ret;
}

/* ethdev ops. */

/* The RSS key and types of rte_eth_dev_configure() or rss_hash_update. */
static int
simnic_rss_configure(struct simnic_private *priv,
		     const struct rte_eth_rss_conf *conf)
{
	if (conf->rss_key != NULL && conf->rss_key_len != SIMNIC_RSS_KEY_LEN) {
		SIMNIC_LOG(ERR, "%s: RSS key of %u bytes: simnic takes %u",
			   priv->name, conf->rss_key_len, SIMNIC_RSS_KEY_LEN);
		return -EINVAL;
	}
	if (conf->rss_key != NULL)
		simnic_rss_set_key(priv->rss, conf->rss_key);
	simnic_rss_set_types(priv->rss, conf->rss_hf);
	return 0;
}

static int
simnic_dev_configure(struct rte_eth_dev *dev)
{
	struct simnic_private *priv = dev->data->dev_private;
	const struct rte_eth_rss_conf *rss =
		&dev->data->dev_conf.rx_adv_conf.rss_conf;
	int ret;

	/* No key: the default one, whatever an earlier configure set. */
	if (rss->rss_key == NULL)
		simnic_rss_set_key(priv->rss, simnic_rss_default_key);
	ret = simnic_rss_configure(priv, rss);
	if (ret != 0)
		return ret;
	/*
	 * RSS distribution brings the hash along, asked for or not: as i40e
	 * and ice do, say so in the configuration the application can read
	 * back (rte_eth_dev_conf_get); see simnic_rss_hash_wanted().
	 */
	if (dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG)
		dev->data->dev_conf.rxmode.offloads |=
			RTE_ETH_RX_OFFLOAD_RSS_HASH;
	SIMNIC_LOG(DEBUG, "%s: configured with %u Rx and %u Tx queue(s)",
		   priv->name, dev->data->nb_rx_queues,
		   dev->data->nb_tx_queues);
	return 0;
}

static void
simnic_set_queue_states(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

/*
 * Whether received frames get mbuf->hash.rss: when the application asks
 * for RTE_ETH_RX_OFFLOAD_RSS_HASH, and also whenever mq_mode has RSS, as
 * on real NICs (i40e, ice, mlx5 deliver the hash they distribute by).
 * Open vSwitch 3.1 configures RSS without asking for the offload, and
 * uses the hash when frames carry one.
 */
static bool
simnic_rss_hash_wanted(const struct rte_eth_rxmode *rxmode)
{
	return (rxmode->offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH) ||
	       (rxmode->mq_mode & RTE_ETH_MQ_RX_RSS_FLAG);
}

static int
simnic_dev_start(struct rte_eth_dev *dev)
{
	struct simnic_private *priv = dev->data->dev_private;
	int ret;

	/* Cached gen verdicts hold RSS hashes: the settings may be new. */
	priv->rss_hash_on =
		simnic_rss_hash_wanted(&dev->data->dev_conf.rxmode);
	simnic_flow_gen_bump(priv);
	ret = simnic_switch_port_start(priv);
	if (ret != 0) {
		SIMNIC_LOG(ERR, "%s: cannot open the switch's way out of the port: %s",
			   priv->name, rte_strerror(-ret));
		return ret;
	}
	dev->data->dev_link.link_status = RTE_ETH_LINK_UP;
	simnic_set_queue_states(dev, RTE_ETH_QUEUE_STATE_STARTED);
	return 0;
}

/*
 * Rules do not survive a stop (no RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP), as on
 * many real NICs: they are freed here and their handles go stale.
 */
static int
simnic_dev_stop(struct rte_eth_dev *dev)
{
	struct simnic_private *priv = dev->data->dev_private;

	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	simnic_set_queue_states(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	if (priv->n_rules > 0)
		SIMNIC_LOG(INFO, "%s: stopping drops %" PRIu32 " flow rule(s)",
			   priv->name, priv->n_rules);
	simnic_flow_flush_all(priv);
	simnic_switch_port_stop(priv);
	return 0;
}

static void
simnic_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct simnic_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	/* rte_flow operations lock the queues they find here. */
	rte_rwlock_write_lock(&priv->flow_lock);
	simnic_switch_queues_lock(priv);
	dev->data->rx_queues[qid] = NULL;
	simnic_switch_queues_unlock(priv);
	rte_rwlock_write_unlock(&priv->flow_lock);
	priv->backend_ops->rxq_release(rxq);
	simnic_rxq_free_common(rxq);
	rte_free(rxq);
}

/*
 * A Tx queue of the port's backend: an application's, or the wire queue
 * that a switch sends by (simnic_switch.c).  NULL, with *err, on failure.
 */
struct simnic_txq *
simnic_txq_create(struct rte_eth_dev *dev, uint16_t qid, int socket_id,
		  int *err)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct simnic_txq *txq;

	txq = rte_zmalloc_socket("simnic_txq", sizeof(*txq),
				 RTE_CACHE_LINE_SIZE, socket_id);
	if (txq == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	txq->priv = priv;
	txq->queue_id = qid;
	txq->fd = -1;
	*err = priv->backend_ops->txq_setup(dev, txq);
	if (*err != 0) {
		rte_free(txq);
		return NULL;
	}
	return txq;
}

void
simnic_txq_free(struct simnic_txq *txq)
{
	txq->priv->backend_ops->txq_release(txq);
	rte_free(txq);
}

static void
simnic_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct simnic_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	simnic_txq_free(txq);
	dev->data->tx_queues[qid] = NULL;
}

static int
simnic_dev_close(struct rte_eth_dev *dev)
{
	struct simnic_private *priv = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	SIMNIC_LOG(INFO, "%s: closing", priv->name);
	simnic_flow_uninit(priv);
	simnic_switch_port_stop(priv);
	simnic_switch_leave(priv);
	/* ethdev frees the queue arrays, but not what they point to. */
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		simnic_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		simnic_tx_queue_release(dev, i);
	simnic_gen_free(priv);
	simnic_rss_free(priv->rss);
	priv->rss = NULL;
	/* Part of dev_private: ethdev must not free it on its own. */
	dev->data->mac_addrs = NULL;
	return 0;
}

static int
simnic_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = SIMNIC_MAX_FRAME_LEN;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = SIMNIC_MAX_FRAME_LEN - RTE_ETHER_HDR_LEN -
			2 * RTE_VLAN_HLEN;
	info->max_rx_queues = SIMNIC_MAX_QUEUES;
	info->max_tx_queues = SIMNIC_MAX_QUEUES;
	info->min_rx_bufsize = 0;
	info->hash_key_size = 40;
	info->flow_type_rss_offloads = SIMNIC_RSS_TYPES;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G;
	/* Rules are dropped at stop: no RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP. */
	info->dev_capa = 0;
	simnic_switch_info(dev->data->dev_private, &info->switch_info);
	return 0;
}

static int
simnic_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		      uint16_t nb_desc, unsigned int socket_id,
		      const struct rte_eth_rxconf *conf __rte_unused,
		      struct rte_mempool *mb_pool)
{
	struct simnic_private *priv = dev->data->dev_private;
	struct simnic_rxq *rxq;
	int ret;

	rxq = rte_zmalloc_socket("simnic_rxq", sizeof(*rxq),
				 RTE_CACHE_LINE_SIZE, (int)socket_id);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->priv = priv;
	rxq->mb_pool = mb_pool;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = qid;
	rxq->fd = -1;
	ret = priv->backend_ops->rxq_setup(dev, rxq, nb_desc);
	if (ret != 0) {
		simnic_rxq_free_common(rxq);
		rte_free(rxq);
		return ret;
	}
	/* Counters sized for the rules there are, published atomically. */
	rte_rwlock_write_lock(&priv->flow_lock);
	simnic_switch_queues_lock(priv);
	ret = simnic_rxq_setup_common(dev, rxq);
	if (ret == 0)
		dev->data->rx_queues[qid] = rxq;
	simnic_switch_queues_unlock(priv);
	rte_rwlock_write_unlock(&priv->flow_lock);
	if (ret != 0) {
		priv->backend_ops->rxq_release(rxq);
		simnic_rxq_free_common(rxq);
		rte_free(rxq);
	}
	return ret;
}

static int
simnic_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		      uint16_t nb_desc __rte_unused, unsigned int socket_id,
		      const struct rte_eth_txconf *conf __rte_unused)
{
	struct simnic_txq *txq;
	int ret;

	txq = simnic_txq_create(dev, qid, (int)socket_id, &ret);
	if (txq == NULL)
		return ret;
	dev->data->tx_queues[qid] = txq;
	return 0;
}

static int
simnic_link_update(struct rte_eth_dev *dev __rte_unused,
		   int wait_to_complete __rte_unused)
{
	/* The link follows start/stop, which set it directly. */
	return 0;
}

static int
simnic_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct simnic_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		stats->ipackets += rxq->packets;
		stats->ibytes += rxq->bytes;
		stats->ierrors += rxq->errors;
		stats->rx_nombuf += rxq->nombuf;
		stats->imissed += rxq->steer_drops;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_ipackets[i] = rxq->packets;
			stats->q_ibytes[i] = rxq->bytes;
			stats->q_errors[i] = rxq->errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct simnic_txq *txq = dev->data->tx_queues[i];

		if (txq == NULL)
			continue;
		stats->opackets += txq->packets;
		stats->obytes += txq->bytes;
		stats->oerrors += txq->errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_opackets[i] = txq->packets;
			stats->q_obytes[i] = txq->bytes;
		}
	}
	return 0;
}

static int
simnic_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct simnic_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		rxq->packets = 0;
		rxq->bytes = 0;
		rxq->errors = 0;
		rxq->nombuf = 0;
		rxq->steer_drops = 0;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct simnic_txq *txq = dev->data->tx_queues[i];

		if (txq == NULL)
			continue;
		txq->packets = 0;
		txq->bytes = 0;
		txq->errors = 0;
	}
	return 0;
}

/* The emulated wire delivers every frame: filters are no-ops. */
static int
simnic_rx_mode_set(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int
simnic_mtu_set(struct rte_eth_dev *dev __rte_unused, uint16_t mtu __rte_unused)
{
	return 0;
}

static int
simnic_mac_addr_set(struct rte_eth_dev *dev __rte_unused,
		    struct rte_ether_addr *addr __rte_unused)
{
	/* ethdev writes it into mac_addrs[0], which is priv->mac. */
	return 0;
}

static int
simnic_rx_metadata_negotiate(struct rte_eth_dev *dev, uint64_t *features)
{
	struct simnic_private *priv = dev->data->dev_private;
	uint64_t supported = 0;

	if (priv->caps.mark)
		supported = RTE_ETH_RX_METADATA_USER_FLAG |
			    RTE_ETH_RX_METADATA_USER_MARK;
	*features &= supported;
	priv->rx_metadata = *features;
	return 0;
}

static int
simnic_rss_hash_update(struct rte_eth_dev *dev,
		       struct rte_eth_rss_conf *rss_conf)
{
	struct simnic_private *priv = dev->data->dev_private;
	int ret;

	if (rss_conf->rss_hf & ~(uint64_t)SIMNIC_RSS_TYPES)
		return -EINVAL;
	/*
	 * Rx must not hash with half a key: lock it out, as rule changes
	 * do, and make gen ports compute their cached hashes again.
	 */
	rte_rwlock_write_lock(&priv->flow_lock);
	simnic_rxqs_lock(priv);
	ret = simnic_rss_configure(priv, rss_conf);
	priv->flow_gen++;
	simnic_rxqs_unlock(priv);
	rte_rwlock_write_unlock(&priv->flow_lock);
	return ret;
}

static int
simnic_rss_hash_conf_get(struct rte_eth_dev *dev,
			 struct rte_eth_rss_conf *rss_conf)
{
	struct simnic_private *priv = dev->data->dev_private;

	rte_rwlock_read_lock(&priv->flow_lock);
	if (rss_conf->rss_key != NULL &&
	    rss_conf->rss_key_len >= SIMNIC_RSS_KEY_LEN)
		simnic_rss_get_key(priv->rss, rss_conf->rss_key);
	rss_conf->rss_key_len = SIMNIC_RSS_KEY_LEN;
	rss_conf->rss_hf = simnic_rss_get_types(priv->rss);
	rte_rwlock_read_unlock(&priv->flow_lock);
	return 0;
}

static int
simnic_flow_ops_get(struct rte_eth_dev *dev __rte_unused,
		    const struct rte_flow_ops **ops)
{
	*ops = &simnic_flow_ops;
	return 0;
}

const struct eth_dev_ops simnic_dev_ops = {
	.dev_configure = simnic_dev_configure,
	.dev_start = simnic_dev_start,
	.dev_stop = simnic_dev_stop,
	.dev_close = simnic_dev_close,
	.dev_infos_get = simnic_dev_infos_get,
	.link_update = simnic_link_update,
	.promiscuous_enable = simnic_rx_mode_set,
	.promiscuous_disable = simnic_rx_mode_set,
	.allmulticast_enable = simnic_rx_mode_set,
	.allmulticast_disable = simnic_rx_mode_set,
	.mtu_set = simnic_mtu_set,
	.mac_addr_set = simnic_mac_addr_set,
	.rx_queue_setup = simnic_rx_queue_setup,
	.rx_queue_release = simnic_rx_queue_release,
	.tx_queue_setup = simnic_tx_queue_setup,
	.tx_queue_release = simnic_tx_queue_release,
	.stats_get = simnic_stats_get,
	.stats_reset = simnic_stats_reset,
	.xstats_get = simnic_xstats_get,
	.xstats_get_names = simnic_xstats_get_names,
	.xstats_reset = simnic_xstats_reset,
	.rx_metadata_negotiate = simnic_rx_metadata_negotiate,
	.rss_hash_update = simnic_rss_hash_update,
	.rss_hash_conf_get = simnic_rss_hash_conf_get,
	.flow_ops_get = simnic_flow_ops_get,
};

/* Probe and remove. */

/* A stable, locally administered MAC: 02:73:6e ("sn") + the port id. */
static void
simnic_default_mac(struct rte_ether_addr *mac, uint16_t port_id)
{
	static const uint8_t prefix[] = { 0x02, 0x73, 0x6e, 0x00 };

	memcpy(mac->addr_bytes, prefix, sizeof(prefix));
	mac->addr_bytes[4] = (uint8_t)(port_id >> 8);
	mac->addr_bytes[5] = (uint8_t)port_id;
}

static void
simnic_private_init(struct simnic_private *priv, const char *name,
		    uint16_t port_id, const struct simnic_options *opt)
{
	snprintf(priv->name, sizeof(priv->name), "%s", name);
	priv->port_id = port_id;
	simnic_default_mac(&priv->mac, port_id);
	priv->backend = opt->backend;
	priv->backend_ops = simnic_backend_ops_get(opt->backend);
	memcpy(priv->iface, opt->iface, sizeof(priv->iface));
	priv->ifindex = opt->ifindex;
	memcpy(priv->peer_name, opt->peer, sizeof(priv->peer_name));
	priv->gen_spec = opt->gen;
	priv->caps = opt->caps;
	priv->profile = opt->profile;
	priv->clock = opt->clock;
	priv->vf = -1;
}

static int
simnic_create(struct rte_vdev_device *vdev, const struct simnic_options *opt)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev_data *data;
	struct simnic_private *priv;
	struct rte_eth_dev *dev;
	int ret;

	dev = rte_eth_vdev_allocate(vdev, sizeof(*priv));
	if (dev == NULL) {
		SIMNIC_LOG(ERR, "%s: cannot allocate an ethdev port", name);
		return -ENOMEM;
	}
	data = dev->data;
	priv = data->dev_private;
	simnic_private_init(priv, name, data->port_id, opt);
	priv->dev_data = data;

	ret = simnic_flow_init(priv);
	if (ret == 0 && opt->switch_name[0] != '\0') {
		ret = simnic_switch_join(priv, opt->switch_name, opt->vf);
		if (ret != 0) {
			simnic_flow_uninit(priv);
			rte_eth_dev_release_port(dev);
			return ret;
		}
	}
	if (ret == 0 && priv->backend == SIMNIC_BACKEND_GEN)
		ret = simnic_gen_prepare(priv);
	if (ret == 0) {
		priv->rss = simnic_rss_create();
		if (priv->rss == NULL)
			ret = -ENOMEM;
	}
	if (ret != 0) {
		SIMNIC_LOG(ERR, "%s: out of memory", name);
		simnic_flow_uninit(priv);
		simnic_switch_leave(priv);
		simnic_gen_free(priv);
		rte_eth_dev_release_port(dev);
		return ret;
	}

	data->mac_addrs = &priv->mac;
	data->dev_link = simnic_link_down;
	data->promiscuous = 1;
	data->all_multicast = 1;
	data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS |
			   RTE_ETH_DEV_FLOW_OPS_THREAD_SAFE;
	dev->dev_ops = &simnic_dev_ops;
	dev->rx_pkt_burst = priv->clock == SIMNIC_CLOCK_NIC ?
			    priv->backend_ops->rx_burst_nic :
			    priv->backend_ops->rx_burst;
	dev->tx_pkt_burst = priv->backend_ops->tx_burst;
	rte_eth_dev_probing_finish(dev);

	SIMNIC_LOG(INFO, "%s: port %u, %s backend, offload on the %s clock",
		   name, data->port_id, priv->backend_ops->name,
		   priv->clock == SIMNIC_CLOCK_NIC ? "NIC's" : "host's");
	/* Said louder: a profile makes the port refuse rules. */
	if (priv->profile != &simnic_profile_generic)
		SIMNIC_LOG(NOTICE, "%s: profile %s: up to %" PRIu32 " rules; rte_flow rules are taken as the %s PMD takes them",
			   name, priv->profile->name, priv->caps.max_rules,
			   priv->profile->name);
	return 0;
}

static int
simnic_probe(struct rte_vdev_device *vdev)
{
	struct simnic_options opt = simnic_default_options;
	int ret;

	opt.dev_name = rte_vdev_device_name(vdev);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		SIMNIC_LOG(ERR, "%s: secondary processes are not supported",
			   opt.dev_name);
		return -ENOTSUP;
	}
	ret = simnic_parse_devargs(rte_vdev_device_args(vdev), &opt);
	if (ret != 0) {
		SIMNIC_LOG(ERR, "%s: not created: bad devargs", opt.dev_name);
		return ret;
	}
	return simnic_create(vdev, &opt);
}

static int
simnic_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev;

	dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (dev == NULL)
		return 0;	/* closed already */
	if (dev->data->dev_started)
		rte_eth_dev_stop(dev->data->port_id);
	return rte_eth_dev_close(dev->data->port_id);
}

static struct rte_vdev_driver simnic_vdev_driver = {
	.probe = simnic_probe,
	.remove = simnic_remove,
};

RTE_PMD_REGISTER_VDEV(net_simnic, simnic_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_simnic, SIMNIC_PARAM_STRING);
