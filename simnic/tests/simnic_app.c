/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

#include "simnic_app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#define SIMNIC_APP_RING_SIZE	512

static const char *
simnic_app_plugin_path(int argc, char **argv, char *buf, size_t size)
{
	const char *env = getenv("SIMNIC_PLUGIN");
	ssize_t len;
	char *slash;
	int i;

	if (env != NULL && env[0] != '\0')
		return env;
	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			return argv[i];
	/* Next to this program, as meson builds them. */
	len = readlink("/proc/self/exe", buf, size - 1);
	if (len <= 0)
		return "librte_net_simnic.so";
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	snprintf(slash + 1, size - (size_t)(slash + 1 - buf),
		 "librte_net_simnic.so");
	return buf;
}

struct rte_mempool *
simnic_app_init(const char *name, int argc, char **argv, unsigned int mem_mb,
		const char *log_level, unsigned int n_mbufs)
{
	static char path[PATH_MAX];
	char prefix[64], mem[16], log[64];
	char *eal_argv[] = {
		argv[0], "--no-huge", "--no-pci", "--no-shconf", prefix,
		"--no-telemetry", "-m", mem, "-l", "0", log,
		"--log-level=lib.eal:error",
		"-d", (char *)simnic_app_plugin_path(argc, argv, path,
						     sizeof(path)),
	};
	struct rte_mempool *pool;

	/*
	 * --in-memory would be the natural choice, but EAL refuses it with
	 * --no-huge (which implies legacy memory); --no-shconf and a file
	 * prefix of our own keep clear of other DPDK processes all the same.
	 */
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s_%d", name,
		 (int)getpid());
	snprintf(mem, sizeof(mem), "%u", mem_mb);
	snprintf(log, sizeof(log), "--log-level=pmd.net.simnic:%s", log_level);
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "%s: cannot initialise EAL with plugin %s: %s\n",
			name, eal_argv[RTE_DIM(eal_argv) - 1],
			rte_strerror(rte_errno));
		return NULL;
	}
	pool = rte_pktmbuf_pool_create(name, n_mbufs, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		fprintf(stderr, "%s: no mbuf pool: %s\n", name,
			rte_strerror(rte_errno));
	return pool;
}

void
simnic_app_cleanup(struct rte_mempool *pool)
{
	char dir[PATH_MAX];

	rte_mempool_free(pool);
	/* EAL leaves its (empty, with --no-shconf) runtime directory. */
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
}

int
simnic_app_port_start(uint16_t port, const struct rte_eth_conf *conf,
		      uint16_t nb_rxq, uint16_t nb_txq,
		      struct rte_mempool *pool)
{
	struct rte_eth_conf zero;
	uint16_t q;
	int ret;

	if (conf == NULL) {
		memset(&zero, 0, sizeof(zero));
		conf = &zero;
	}
	ret = rte_eth_dev_configure(port, nb_rxq, nb_txq, conf);
	for (q = 0; q < nb_rxq && ret == 0; q++)
		ret = rte_eth_rx_queue_setup(port, q, SIMNIC_APP_RING_SIZE,
					     SOCKET_ID_ANY, NULL, pool);
	for (q = 0; q < nb_txq && ret == 0; q++)
		ret = rte_eth_tx_queue_setup(port, q, SIMNIC_APP_RING_SIZE,
					     SOCKET_ID_ANY, NULL);
	return ret == 0 ? rte_eth_dev_start(port) : ret;
}
