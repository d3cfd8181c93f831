/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * The RSS hash a NIC puts in mbuf->hash.rss: Toeplitz over the source and
 * destination IP addresses, then the source and destination L4 ports, all
 * in network order, as in Microsoft's RSS specification (and as
 * rte_softrss() computes it from a CPU-order tuple).
 *
 * Bit by bit, Toeplitz costs one test per input bit: ~100 for IPv4 and
 * ~300 for IPv6 with ports.  Peer and iface ports hash every frame on the
 * host's clock, so the key is expanded once into one 256-entry table per
 * input byte: table[i][b] is the hash of a tuple whose byte i is b and
 * whose other bytes are zero.  Toeplitz is linear over XOR, so a tuple's
 * hash is the XOR of one table entry per byte: 12 loads for IPv4, 36 for
 * IPv6.  The tables take 36 KiB per port.
 *
 * Which frames get a hash follows rss_hf, as configured with
 * rte_eth_dev_configure(): TCP, UDP and SCTP frames whose L4 header was
 * parsed are hashed with their ports if rss_hf has the matching
 * NONFRAG_IPVx_<L4> type (or IPV6_TCP_EX / IPV6_UDP_EX), else on their
 * addresses alone if rss_hf has an IPv4 (IPv6) type; other frames, and
 * non-IP frames, get no hash.
 */

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "simnic.h"

/* Largest input: two IPv6 addresses and two ports. */
#define SIMNIC_RSS_MAX_INPUT	36

/* The key of Microsoft's RSS verification suite, which many NICs use. */
const uint8_t simnic_rss_default_key[SIMNIC_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define SIMNIC_RSS_V4_L3 \
	(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | \
	 RTE_ETH_RSS_NONFRAG_IPV4_OTHER)
#define SIMNIC_RSS_V6_L3 \
	(RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 | \
	 RTE_ETH_RSS_NONFRAG_IPV6_OTHER | RTE_ETH_RSS_IPV6_EX)

struct simnic_rss {
	uint8_t key[SIMNIC_RSS_KEY_LEN];
	uint64_t hf;			/* rss_hf */
	uint32_t table[SIMNIC_RSS_MAX_INPUT][256];
};

/* The 32 key bits starting at bit 'bit' (bit 0: top bit of key[0]). */
static uint32_t
simnic_rss_key_window(const uint8_t *key, unsigned int bit)
{
	unsigned int byte = bit / 8, i;
	uint64_t w = 0;

	/* Five bytes hold any 32-bit window; the last input bit needs 39. */
	for (i = 0; i < 5; i++)
		w = (w << 8) | (byte + i < SIMNIC_RSS_KEY_LEN ?
				key[byte + i] : 0);
	return (uint32_t)(w >> (8 - bit % 8));
}

void
simnic_rss_set_key(struct simnic_rss *rss, const uint8_t *key)
{
	unsigned int pos, value, bit;

	memcpy(rss->key, key, SIMNIC_RSS_KEY_LEN);
	for (pos = 0; pos < SIMNIC_RSS_MAX_INPUT; pos++) {
		uint32_t bits[8];

		for (bit = 0; bit < 8; bit++)
			bits[bit] = simnic_rss_key_window(key, pos * 8 + bit);
		for (value = 0; value < 256; value++) {
			uint32_t h = 0;

			for (bit = 0; bit < 8; bit++)
				if (value & (0x80u >> bit))
					h ^= bits[bit];
			rss->table[pos][value] = h;
		}
	}
}

void
simnic_rss_get_key(const struct simnic_rss *rss, uint8_t *key)
{
	memcpy(key, rss->key, SIMNIC_RSS_KEY_LEN);
}

void
simnic_rss_set_types(struct simnic_rss *rss, uint64_t rss_hf)
{
	rss->hf = rss_hf;
}

uint64_t
simnic_rss_get_types(const struct simnic_rss *rss)
{
	return rss->hf;
}

struct simnic_rss *
simnic_rss_create(void)
{
	struct simnic_rss *rss = calloc(1, sizeof(*rss));

	if (rss == NULL)
		return NULL;
	simnic_rss_set_key(rss, simnic_rss_default_key);
	rss->hf = SIMNIC_RSS_TYPES;
	return rss;
}

void
simnic_rss_free(struct simnic_rss *rss)
{
	free(rss);
}

/* XORs the table entries of bytes [pos, pos + len) of the input. */
static inline uint32_t
simnic_rss_bytes(const struct simnic_rss *rss, uint32_t h, unsigned int pos,
		 const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		h ^= rss->table[pos + i][p[i]];
	return h;
}

/* The rss_hf types that let frames of this L4 protocol hash their ports. */
static inline uint64_t
simnic_rss_l4_types(uint8_t l3, uint8_t l4)
{
	bool v4 = l3 == SIMNIC_L3_IPV4;

	switch (l4) {
	case IPPROTO_TCP:
		return v4 ? RTE_ETH_RSS_NONFRAG_IPV4_TCP :
			    RTE_ETH_RSS_NONFRAG_IPV6_TCP |
			    RTE_ETH_RSS_IPV6_TCP_EX;
	case IPPROTO_UDP:
		return v4 ? RTE_ETH_RSS_NONFRAG_IPV4_UDP :
			    RTE_ETH_RSS_NONFRAG_IPV6_UDP |
			    RTE_ETH_RSS_IPV6_UDP_EX;
	case IPPROTO_SCTP:
		return v4 ? RTE_ETH_RSS_NONFRAG_IPV4_SCTP :
			    RTE_ETH_RSS_NONFRAG_IPV6_SCTP;
	default:
		return 0;
	}
}

/*
 * Computes the RSS hash of a frame with key 'key' into *hash, for the
 * types in rss_hf; false when the frame gets none (see the top of this
 * file).
 */
bool
simnic_rss_hash_types(const struct simnic_rss *rss,
		      const struct simnic_flow_key *key, uint64_t rss_hf,
		      uint32_t *hash)
{
	unsigned int alen;
	bool ports;
	uint32_t h;

	if (key->l3 == SIMNIC_L3_IPV4)
		alen = 4;
	else if (key->l3 == SIMNIC_L3_IPV6)
		alen = 16;
	else
		return false;
	ports = (rss_hf & simnic_rss_l4_types(key->l3, key->l4)) != 0;
	if (!ports && !(rss_hf & (alen == 4 ? SIMNIC_RSS_V4_L3 :
					      SIMNIC_RSS_V6_L3)))
		return false;

	h = simnic_rss_bytes(rss, 0, 0, key->ip_src, alen);
	h = simnic_rss_bytes(rss, h, alen, key->ip_dst, alen);
	if (ports) {
		h = simnic_rss_bytes(rss, h, 2 * alen,
				     (const uint8_t *)&key->l4_src, 2);
		h = simnic_rss_bytes(rss, h, 2 * alen + 2,
				     (const uint8_t *)&key->l4_dst, 2);
	}
	*hash = h;
	return true;
}

/* The hash of the port's configuration (rte_eth_dev_configure). */
bool
simnic_rss_hash(const struct simnic_rss *rss,
		const struct simnic_flow_key *key, uint32_t *hash)
{
	return simnic_rss_hash_types(rss, key, rss->hf, hash);
}
