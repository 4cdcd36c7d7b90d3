/* SPDX-License-Identifier: GPL-2.0 */
/* stats.h: summary statistics from the module's log-linear latency histograms. */
#ifndef PINBENCH_STATS_H
#define PINBENCH_STATS_H

#include <stdint.h>
#include <json-c/json.h>

/* A histogram as userspace keeps it: exact n/sum/min/max plus buckets. */
struct pb_hist {
	uint64_t n, sum, min, max;
	uint64_t *buckets;	/* PINBENCH_HIST_BUCKETS entries */
};

struct pb_summary {
	uint64_t n;
	double mean, stddev, min, p50, p90, p99, p99_9, max;
};

void pb_hist_init(struct pb_hist *h);
void pb_hist_free(struct pb_hist *h);
void pb_hist_add(struct pb_hist *h, uint64_t v);	/* for tests and merges */
void pb_hist_merge(struct pb_hist *dst, const struct pb_hist *src);
/*
 * Value at quantile q (0..1) by nearest rank: the midpoint of the bucket
 * holding the ceil(q*n)-th smallest sample (the first and last rank give
 * the exact min and max). Exact below 256 ns, within 0.4% above; so two
 * runs agree whenever their sample sits in the same bucket.
 */
double pb_hist_quantile(const struct pb_hist *h, double q);
/*
 * Summary divided by 'scale' (pages per call turns ns/call into ns/page).
 * mean, min and max are exact; stddev uses bucket midpoints.
 */
void pb_hist_summary(const struct pb_hist *h, double scale, struct pb_summary *s);

/* Sparse JSON form: {"n","sum","min","max","buckets":[[index,count],...]}. */
struct json_object *pb_hist_to_json(const struct pb_hist *h);
/* 0, or -1 with h holding no memory: a histogram that does not decode, or whose counts do not add up to n. */
int pb_hist_from_json(struct json_object *o, struct pb_hist *h);
struct json_object *pb_summary_to_json(const struct pb_summary *s);

/*
 * Over repetitions of a cell (one value each): n, mean, sample stddev,
 * CV, nearest-rank quantiles, and the half-width of the mean's 95%
 * confidence interval (Student's t, n - 1 degrees of freedom).
 */
struct pb_sample_stats {
	size_t n;
	double mean, stddev, cv, min, p50, p90, p99, p99_9, max, ci95;
};
void pb_sample_stats(const double *x, size_t n, struct pb_sample_stats *s);

/*
 * Welch's t-test of b against a (no equal-variance assumption): diff is
 * b's mean minus a's, p two-sided, ci95 the half-width of the difference's
 * 95% interval. -1 when either side has fewer than 2 values.
 */
struct pb_welch {
	double diff, t, df, p, ci95;
};
int pb_welch(const struct pb_sample_stats *a, const struct pb_sample_stats *b, struct pb_welch *w);

/* Student's t: the two-sided p of |t|, and the |t| whose two-sided p is alpha. */
double pb_t_pvalue(double t, double df);
double pb_t_critical(double alpha, double df);

#endif
