/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The ovs-rteflow authors
 */

/*
 * Skewed traffic for the gen backend (gen=...zipf:S): which of a queue's
 * flows each frame belongs to, drawn from a Zipf distribution.  Rank r
 * (0-based) of n is drawn with probability (r + 1)^-S / H(n, S), H being
 * the generalized harmonic number: with S near 1, a few flows carry most
 * frames, as in real traffic.
 *
 * The draws are made once per queue, when it is set up, into a schedule
 * that the queue then sends in a loop: Rx reads one number per frame and
 * never calls the random generator or pow().  The generator is erand48()
 * on a state made from the seed, so that a run can be repeated exactly.
 */

#include <math.h>
#include <stdlib.h>

#include "simnic.h"

/* Cumulative weights of ranks 0..n-1, not normalized; NULL: no memory. */
static double *
simnic_zipf_cdf(uint32_t n, double s)
{
	double *cdf = malloc(sizeof(*cdf) * n);
	double sum = 0;
	uint32_t r;

	if (cdf == NULL)
		return NULL;
	for (r = 0; r < n; r++) {
		sum += pow((double)r + 1, -s);
		cdf[r] = sum;
	}
	return cdf;
}

/* The first rank whose cumulative weight exceeds u, u < cdf[n - 1]. */
static uint32_t
simnic_zipf_rank(const double *cdf, uint32_t n, double u)
{
	uint32_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * A schedule of 'len' ranks of 'n', Zipf with exponent 's', repeatable
 * from 'seed'.  The caller frees it.  NULL: no memory.
 */
uint32_t *
simnic_zipf_schedule(uint32_t n, double s, uint32_t seed, uint32_t len)
{
	unsigned short state[3] = {
		0x330e, (unsigned short)seed, (unsigned short)(seed >> 16) };
	uint32_t *ranks = malloc(sizeof(*ranks) * len);
	double *cdf = simnic_zipf_cdf(n, s);
	uint32_t i;

	if (ranks == NULL || cdf == NULL) {
		free(ranks);
		free(cdf);
		return NULL;
	}
	for (i = 0; i < len; i++)
		ranks[i] = simnic_zipf_rank(cdf, n,
					    erand48(state) * cdf[n - 1]);
	free(cdf);
	return ranks;
}
