// SPDX-License-Identifier: GPL-2.0
/* stats.c: summary statistics from the module's log-linear latency histograms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pinbench_uapi.h"
#include "stats.h"
#include "util.h"

void pb_hist_init(struct pb_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->buckets = pb_xcalloc(PINBENCH_HIST_BUCKETS, sizeof(uint64_t));
}

void pb_hist_free(struct pb_hist *h)
{
	free(h->buckets);
	h->buckets = NULL;
}

void pb_hist_add(struct pb_hist *h, uint64_t v)
{
	if (!h->n || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->sum += v;
	h->buckets[pinbench_hist_index(v)]++;
}

void pb_hist_merge(struct pb_hist *dst, const struct pb_hist *src)
{
	unsigned int i;

	if (!src->n)
		return;
	if (!dst->n || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	dst->sum += src->sum;
	for (i = 0; i < PINBENCH_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

/*
 * The middle of what bucket i can hold and was observed (its range cut to
 * [min, max]): what a bucket's values are taken to be for the spread
 * (stddev). Quantiles take bucket_floor() instead.
 */
static double bucket_mid(const struct pb_hist *h, unsigned int i)
{
	__u64 width, low = pinbench_hist_low(i, &width), high = low + width - 1;

	low = low < h->min ? h->min : low;
	high = high > h->max ? h->max : high;
	return low == high ? (double)low : ((double)low + (double)high) / 2.0;
}

/*
 * The value a quantile in bucket i stands for: the lowest the bucket can
 * hold, but not below the smallest value observed. A bucket holds values
 * within 1/128 (0.8%) above its lowest, so a quantile is within 0.8% below
 * the true one, and exact where values are exact (below 256 ns) or where
 * the smallest observed value is in the bucket (a tight distribution: the
 * value most calls took). Neither the bucket's middle nor the largest
 * value observed takes part: the middle cut to [min, max] moved a
 * deterministic run's p50 by up to half a bucket whenever one call in
 * thousands ran a nanosecond longer (5624 or 5624.5 ns for 2047 calls of
 * 5624 and one of 5625), and interrupts only ever add time, so the
 * smallest value is the stable one. min <= p50 <= ... <= p99.9 <= max
 * still holds (every bucket with a count has its lowest value <= max).
 */
static double bucket_floor(const struct pb_hist *h, unsigned int i)
{
	__u64 width, low = pinbench_hist_low(i, &width);

	return (double)(low < h->min ? h->min : low);
}

double pb_hist_quantile(const struct pb_hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->n)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->n);
	if (rank <= 1)
		return (double)h->min;
	if (rank >= h->n)
		return (double)h->max;
	for (i = 0; i < PINBENCH_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			return bucket_floor(h, i);
	}
	return (double)h->max;
}

void pb_hist_summary(const struct pb_hist *h, double scale, struct pb_summary *s)
{
	double mean, var = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (!h->n)
		return;
	mean = (double)h->sum / (double)h->n;
	for (i = 0; i < PINBENCH_HIST_BUCKETS; i++) {
		if (h->buckets[i]) {
			double d = bucket_mid(h, i) - mean;

			var += d * d * (double)h->buckets[i];
		}
	}
	s->n = h->n;
	s->mean = mean / scale;
	s->stddev = (h->n > 1 ? sqrt(var / (double)(h->n - 1)) : 0) / scale;
	s->min = (double)h->min / scale;
	s->max = (double)h->max / scale;
	s->p50 = pb_hist_quantile(h, 0.50) / scale;
	s->p90 = pb_hist_quantile(h, 0.90) / scale;
	s->p99 = pb_hist_quantile(h, 0.99) / scale;
	s->p99_9 = pb_hist_quantile(h, 0.999) / scale;
}

struct json_object *pb_hist_to_json(const struct pb_hist *h)
{
	struct json_object *o = json_object_new_object(), *b = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "n", json_object_new_uint64(h->n));
	json_object_object_add(o, "sum", json_object_new_uint64(h->sum));
	json_object_object_add(o, "min", json_object_new_uint64(h->min));
	json_object_object_add(o, "max", json_object_new_uint64(h->max));
	for (i = 0; i < PINBENCH_HIST_BUCKETS; i++) {
		struct json_object *pair;

		if (!h->buckets[i])
			continue;
		pair = json_object_new_array();
		json_object_array_add(pair, json_object_new_int(i));
		json_object_array_add(pair, json_object_new_uint64(h->buckets[i]));
		json_object_array_add(b, pair);
	}
	json_object_object_add(o, "buckets", b);
	return o;
}

static int get_u64(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) || !json_object_is_type(x, json_type_int))
		return -1;
	*v = json_object_get_uint64(x);
	return 0;
}

int pb_hist_from_json(struct json_object *o, struct pb_hist *h)
{
	struct json_object *b;
	uint64_t total = 0;
	size_t i, len;

	pb_hist_init(h);
	if (get_u64(o, "n", &h->n) || get_u64(o, "sum", &h->sum) ||
	    get_u64(o, "min", &h->min) || get_u64(o, "max", &h->max) ||
	    !json_object_object_get_ex(o, "buckets", &b) ||
	    !json_object_is_type(b, json_type_array))
		goto bad;
	len = json_object_array_length(b);
	for (i = 0; i < len; i++) {
		struct json_object *pair = json_object_array_get_idx(b, i);
		int64_t idx;
		uint64_t cnt;

		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2)
			goto bad;
		idx = json_object_get_int64(json_object_array_get_idx(pair, 0));
		cnt = json_object_get_uint64(json_object_array_get_idx(pair, 1));
		if (idx < 0 || idx >= PINBENCH_HIST_BUCKETS ||
		    __builtin_add_overflow(h->buckets[idx], cnt, &h->buckets[idx]) ||
		    __builtin_add_overflow(total, cnt, &total))
			goto bad;
	}
	if (total == h->n)
		return 0;
bad:
	/* A histogram that does not decode holds no memory (pb_hist_free on it is harmless). */
	pb_hist_free(h);
	return -1;
}

struct json_object *pb_summary_to_json(const struct pb_summary *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_uint64(s->n));
	json_object_object_add(o, "mean", json_object_new_double(s->mean));
	json_object_object_add(o, "stddev", json_object_new_double(s->stddev));
	json_object_object_add(o, "min", json_object_new_double(s->min));
	json_object_object_add(o, "p50", json_object_new_double(s->p50));
	json_object_object_add(o, "p90", json_object_new_double(s->p90));
	json_object_object_add(o, "p99", json_object_new_double(s->p99));
	json_object_object_add(o, "p99_9", json_object_new_double(s->p99_9));
	json_object_object_add(o, "max", json_object_new_double(s->max));
	return o;
}

/*
 * Statistics over repetitions: one value per repetition of a cell.
 * Student's t distribution through the regularized incomplete beta
 * function (the continued fraction of Numerical Recipes, evaluated with
 * Lentz's method), which is all a confidence interval and Welch's test
 * need; checked against table values and ministat in the unit tests.
 */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2)), del;

		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, 1 - x) / b;
}

double pb_t_pvalue(double t, double df)
{
	return ibeta(df / 2, 0.5, df / (df + t * t));
}

double pb_t_critical(double alpha, double df)
{
	double lo = 0, hi = 1e6;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (pb_t_pvalue(mid, df) > alpha)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank on sorted values, as the histogram quantiles are. */
static double rank_q(const double *sorted, size_t n, double q)
{
	size_t r = (size_t)ceil(q * (double)n);

	return sorted[r ? r - 1 : 0];
}

void pb_sample_stats(const double *x, size_t n, struct pb_sample_stats *s)
{
	double *v, sum = 0, ss = 0;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	v = malloc(n * sizeof(*v));
	if (!v)
		return;
	memcpy(v, x, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
	s->cv = s->mean ? s->stddev / fabs(s->mean) : 0;
	s->min = v[0];
	s->max = v[n - 1];
	s->p50 = rank_q(v, n, 0.50);
	s->p90 = rank_q(v, n, 0.90);
	s->p99 = rank_q(v, n, 0.99);
	s->p99_9 = rank_q(v, n, 0.999);
	s->ci95 = n > 1 ? pb_t_critical(0.05, (double)(n - 1)) * s->stddev / sqrt((double)n) : 0;
	free(v);
}

int pb_welch(const struct pb_sample_stats *a, const struct pb_sample_stats *b, struct pb_welch *w)
{
	double va, vb, se2;

	memset(w, 0, sizeof(*w));
	if (a->n < 2 || b->n < 2)
		return -1;
	va = a->stddev * a->stddev / (double)a->n;
	vb = b->stddev * b->stddev / (double)b->n;
	se2 = va + vb;
	w->diff = b->mean - a->mean;
	if (se2 == 0) {
		/* No spread on either side: any difference is exact. */
		w->p = w->diff == 0 ? 1 : 0;
		w->t = w->diff == 0 ? 0 : INFINITY;
		w->df = (double)(a->n + b->n - 2);
		return 0;
	}
	w->t = w->diff / sqrt(se2);
	w->df = se2 * se2 / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	w->p = pb_t_pvalue(w->t, w->df);
	w->ci95 = pb_t_critical(0.05, w->df) * sqrt(se2);
	return 0;
}
