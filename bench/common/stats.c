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

static double bucket_mid(unsigned int i)
{
	__u64 width, low = pinbench_hist_low(i, &width);

	return width == 1 ? (double)low : (double)low + (double)(width - 1) / 2.0;
}

static double clamp(const struct pb_hist *h, double v)
{
	if (v < (double)h->min)
		return (double)h->min;
	if (v > (double)h->max)
		return (double)h->max;
	return v;
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
	/*
	 * The bucket's midpoint, not clamped to [min, max]: clamping would tie
	 * a tight distribution's median to its maximum, the noisiest figure
	 * there is (two deterministic boots gave 3719.5 and 3718 ns for the
	 * same median bucket because one boot's max was 3718).
	 */
	for (i = 0; i < PINBENCH_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			return bucket_mid(i);
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
			double d = clamp(h, bucket_mid(i)) - mean;

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
		return -1;
	len = json_object_array_length(b);
	for (i = 0; i < len; i++) {
		struct json_object *pair = json_object_array_get_idx(b, i);
		int64_t idx;
		uint64_t cnt;

		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2)
			return -1;
		idx = json_object_get_int64(json_object_array_get_idx(pair, 0));
		cnt = json_object_get_uint64(json_object_array_get_idx(pair, 1));
		if (idx < 0 || idx >= PINBENCH_HIST_BUCKETS)
			return -1;
		h->buckets[idx] += cnt;
		total += cnt;
	}
	return total == h->n ? 0 : -1;
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
