// SPDX-License-Identifier: GPL-2.0
/* repeat.c: one cell from its repetitions: status, metrics as means, per-metric statistics, merged histograms. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "repeat.h"
#include "stats.h"
#include "util.h"

static bool is_number(struct json_object *v)
{
	return v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int));
}

/* Was this repetition measured while the emulator ran slow (run.c's "slowdown")? */
static bool is_slowed(struct json_object *rep)
{
	struct json_object *v = pb_json_get(rep, "slowdown");

	return is_number(v) && json_object_get_double(v) > PB_SLOWDOWN_LIMIT;
}

/* A histogram as results keep it: {"n","sum","min","max","buckets"}. */
static bool is_hist(struct json_object *v)
{
	return v && json_object_is_type(v, json_type_object) && pb_json_get(v, "buckets") &&
	       pb_json_get(v, "n");
}

struct json_object *pb_stats_to_json(const struct pb_sample_stats *s, const double *values)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "n", json_object_new_uint64(s->n));
	json_object_object_add(o, "mean", json_object_new_double(s->mean));
	json_object_object_add(o, "stddev", json_object_new_double(s->stddev));
	json_object_object_add(o, "cv", json_object_new_double(s->cv));
	json_object_object_add(o, "ci95", json_object_new_double(s->ci95));
	json_object_object_add(o, "min", json_object_new_double(s->min));
	json_object_object_add(o, "p50", json_object_new_double(s->p50));
	json_object_object_add(o, "p90", json_object_new_double(s->p90));
	json_object_object_add(o, "p99", json_object_new_double(s->p99));
	json_object_object_add(o, "p99_9", json_object_new_double(s->p99_9));
	json_object_object_add(o, "max", json_object_new_double(s->max));
	for (size_t i = 0; i < s->n; i++)
		json_object_array_add(a, json_object_new_double(values[i]));
	json_object_object_add(o, "values", a);
	return o;
}

int pb_stats_from_json(struct json_object *o, struct pb_sample_stats *s)
{
	struct json_object *v;

	memset(s, 0, sizeof(*s));
	if (!o || !is_number(pb_json_get(o, "n")) || !is_number(pb_json_get(o, "mean")) ||
	    !is_number(pb_json_get(o, "stddev")))
		return -1;
	s->n = (size_t)json_object_get_uint64(pb_json_get(o, "n"));
	s->mean = json_object_get_double(pb_json_get(o, "mean"));
	s->stddev = json_object_get_double(pb_json_get(o, "stddev"));
	v = pb_json_get(o, "ci95");
	s->ci95 = v ? json_object_get_double(v) : 0;
	v = pb_json_get(o, "cv");
	s->cv = v ? json_object_get_double(v) : 0;
	return 0;
}

/*
 * One metric leaf over the repetitions that have it: numbers become their
 * mean (with statistics under stats[path]); booleans hold only if they
 * held every time (a rate is sustained when it was sustained in every
 * repetition); words are kept when unanimous, else listed with how often
 * each was seen ("HANGS (1 of 5), blocks (4 of 5)"), so a verdict that
 * flips is seen, not averaged away.
 */
static struct json_object *combine_leaf(struct json_object **vals, size_t n, const char *path,
					struct json_object *stats)
{
	size_t nums = 0, bools = 0, present = 0;

	for (size_t i = 0; i < n; i++) {
		present += vals[i] && !json_object_is_type(vals[i], json_type_null);
		nums += is_number(vals[i]);
		bools += vals[i] && json_object_is_type(vals[i], json_type_boolean);
	}
	/*
	 * A number some repetitions did not report (a CPU figure below its
	 * clock's resolution) is summarised over those that did: n says how many.
	 */
	if (nums && nums == present) {
		double *x = pb_xcalloc(n, sizeof(*x));
		struct pb_sample_stats s;
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (is_number(vals[i]))
				x[k++] = json_object_get_double(vals[i]);
		pb_sample_stats(x, k, &s);
		json_object_object_add(stats, path, pb_stats_to_json(&s, x));
		free(x);
		return json_object_new_double(s.mean);
	}
	if (bools && bools == present) {
		bool all = bools == n;

		for (size_t i = 0; i < n; i++)
			all = all && json_object_get_boolean(vals[i]);
		return json_object_new_boolean(all);
	}
	{
		/* Words (or a mix): distinct non-null values in order of first appearance. */
		const char **seen = pb_xcalloc(n, sizeof(*seen));
		size_t *count = pb_xcalloc(n, sizeof(*count)), ns = 0, nonnull = 0;
		struct json_object *out;

		for (size_t i = 0; i < n; i++) {
			const char *s;
			size_t k;

			if (!vals[i] || json_object_is_type(vals[i], json_type_null))
				continue;
			nonnull++;
			s = json_object_get_string(vals[i]);
			for (k = 0; k < ns && strcmp(seen[k], s); k++)
				;
			if (k == ns)
				seen[ns++] = s;
			count[k]++;
		}
		if (!ns) {
			out = NULL;
		} else if (ns == 1 && nonnull == n) {
			out = json_object_get(vals[0]);
		} else {
			char *txt = pb_xstrdup(""), *t;

			for (size_t k = 0; k < ns; k++) {
				t = pb_asprintf("%s%s%s (%zu of %zu)", txt, k ? ", " : "", seen[k], count[k], n);
				free(txt);
				txt = t;
			}
			out = json_object_new_string(txt);
			free(txt);
		}
		free(seen);
		free(count);
		return out;
	}
}

/* metrics (objects one level deep: summaries) combined key by key, in the first's order. */
static struct json_object *combine_metrics(struct json_object **ms, size_t n, const char *prefix,
					   struct json_object *stats)
{
	struct json_object *out = json_object_new_object();
	struct json_object **vals = pb_xcalloc(n, sizeof(*vals));

	json_object_object_foreach(ms[0], key, v0) {
		char *path = prefix ? pb_asprintf("%s.%s", prefix, key) : pb_xstrdup(key);

		for (size_t i = 0; i < n; i++)
			vals[i] = pb_json_get(ms[i], key);
		if (v0 && json_object_is_type(v0, json_type_object) && !prefix) {
			size_t objs = 0;

			for (size_t i = 0; i < n; i++)
				objs += vals[i] && json_object_is_type(vals[i], json_type_object);
			if (objs == n) {
				json_object_object_add(out, key, combine_metrics(vals, n, path, stats));
				free(path);
				continue;
			}
		}
		json_object_object_add(out, key, combine_leaf(vals, n, path, stats));
		free(path);
	}
	free(vals);
	return out;
}

/* Every histogram at the top of raw, merged over the repetitions. */
static struct json_object *merge_histograms(struct json_object **raws, size_t n)
{
	struct json_object *out = json_object_new_object();

	if (!raws[0] || !json_object_is_type(raws[0], json_type_object))
		return out;
	json_object_object_foreach(raws[0], key, h0) {
		struct pb_hist sum, h;
		bool ok = true;

		if (!is_hist(h0))
			continue;
		pb_hist_init(&sum);
		for (size_t i = 0; i < n && ok; i++) {
			if (pb_hist_from_json(pb_json_get(raws[i], key), &h) < 0) {
				ok = false;
			} else {
				pb_hist_merge(&sum, &h);
			}
			pb_hist_free(&h);
		}
		if (ok)
			json_object_object_add(out, key, pb_hist_to_json(&sum));
		pb_hist_free(&sum);
	}
	return out;
}


/*
 * The module's counts after each repetition (leak accounting): the worst
 * of each, since any count above zero was already a failed repetition;
 * fake_vma's leaked anon_vmas are a per-repetition delta, so summed.
 * NULL when no repetition has them (results of an older pinbench).
 */
static struct json_object *combine_module_counts(struct json_object **reps, size_t n)
{
	struct json_object *out = NULL;

	for (size_t i = 0; i < n; i++) {
		struct json_object *mc = pb_json_get(reps[i], "module_counts");

		if (!mc)
			continue;
		if (!out)
			out = json_object_new_object();
		json_object_object_foreach(mc, key, v) {
			uint64_t x = json_object_get_uint64(v);
			struct json_object *have = pb_json_get(out, key);

			if (have)
				x = !strcmp(key, "anon_vmas_leaked") ? x + json_object_get_uint64(have) :
					x > json_object_get_uint64(have) ? x : json_object_get_uint64(have);
			json_object_object_add(out, key, json_object_new_uint64(x));
		}
	}
	return out;
}

struct json_object *pb_cell_combine(struct json_object **reps, size_t n)
{
	struct json_object *c, *stats, *list, *mc, **ok, **ms, **raws, *bal, *klog;
	size_t nok = 0, nunsup = 0, first_failed = n, first_unsup = n, nclean = 0, nset_aside = 0;
	uint64_t acq = 0, rel = 0;
	bool bal_known = true;
	char *reason = NULL;

	if (n == 1)
		return json_object_get(reps[0]);
	ok = pb_xcalloc(n, sizeof(*ok));
	/*
	 * Repetitions measured on a slowed emulator are set aside when there
	 * are others: the figures are the emulator's normal speed's, and the
	 * repetitions list says which were left out and by how much they
	 * were slowed. If every repetition was slowed, none is left out.
	 */
	for (size_t i = 0; i < n; i++)
		nclean += !strcmp(pb_json_str(reps[i], "status", ""), "ok") && !is_slowed(reps[i]);
	for (size_t i = 0; i < n; i++) {
		const char *st = pb_json_str(reps[i], "status", "");

		if (!strcmp(st, "ok") && nclean && is_slowed(reps[i]))
			nset_aside++;
		else if (!strcmp(st, "ok"))
			ok[nok++] = reps[i];
		else if (!strcmp(st, "unsupported") && (nunsup++, first_unsup == n))
			first_unsup = i;
		else if (strcmp(st, "unsupported") && first_failed == n)
			first_failed = i;
	}
	/* The cell's frame (id, params, capabilities) is the first repetition's. */
	c = json_object_new_object();
	json_object_object_foreach(reps[0], key, v) {
		if (strcmp(key, "status") && strcmp(key, "reason") && strcmp(key, "metrics") &&
		    strcmp(key, "pin_balance") && strcmp(key, "kernel_log") && strcmp(key, "raw") &&
		    strcmp(key, "module_counts"))
			json_object_object_add(c, key, json_object_get(v));
	}
	if (first_failed < n) {
		reason = pb_asprintf("repetition %zu of %zu: %s", first_failed + 1, n,
				     pb_json_str(reps[first_failed], "reason", ""));
		json_object_object_add(c, "status", json_object_new_string("failed"));
	} else if (nunsup == n) {
		reason = pb_xstrdup(pb_json_str(reps[0], "reason", ""));
		json_object_object_add(c, "status", json_object_new_string("unsupported"));
	} else if (nunsup) {
		reason = pb_asprintf("unsupported in repetition %zu of %zu only: %s",
				     first_unsup + 1, n,
				     pb_json_str(reps[first_unsup], "reason", ""));
		json_object_object_add(c, "status", json_object_new_string("failed"));
	} else {
		reason = pb_xstrdup("");
		json_object_object_add(c, "status", json_object_new_string("ok"));
	}
	json_object_object_add(c, "reason", json_object_new_string(reason));
	free(reason);

	stats = json_object_new_object();
	if (nok) {
		ms = pb_xcalloc(nok, sizeof(*ms));
		raws = pb_xcalloc(nok, sizeof(*raws));
		for (size_t i = 0; i < nok; i++) {
			ms[i] = pb_json_get(ok[i], "metrics");
			raws[i] = pb_json_get(ok[i], "raw");
		}
		json_object_object_add(c, "metrics", combine_metrics(ms, nok, NULL, stats));
		json_object_object_add(c, "merged_histograms", merge_histograms(raws, nok));
		free(ms);
		free(raws);
	} else {
		json_object_object_add(c, "metrics", json_object_new_object());
	}
	json_object_object_add(c, "stats", stats);

	/* Pins balance over the whole cell; every repetition's kernel log lines. */
	bal = json_object_new_object();
	klog = json_object_new_array();
	list = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *b = pb_json_get(reps[i], "pin_balance"), *k = pb_json_get(reps[i], "kernel_log");
		struct json_object *r = json_object_new_object();

		if (!is_number(pb_json_get(b, "acquired")) || !is_number(pb_json_get(b, "released")))
			bal_known = false;
		else
			acq += json_object_get_uint64(pb_json_get(b, "acquired")),
			rel += json_object_get_uint64(pb_json_get(b, "released"));
		for (size_t j = 0; k && j < json_object_array_length(k); j++)
			json_object_array_add(klog, json_object_get(json_object_array_get_idx(k, j)));
		json_object_object_add(r, "status",
				       json_object_new_string(pb_json_str(reps[i], "status", "")));
		json_object_object_add(r, "reason",
				       json_object_new_string(pb_json_str(reps[i], "reason", "")));
		if (pb_json_get(reps[i], "speed_probe_ns"))
			json_object_object_add(r, "speed_probe_ns",
					       json_object_get(pb_json_get(reps[i], "speed_probe_ns")));
		if (pb_json_get(reps[i], "slowdown")) {
			json_object_object_add(r, "slowdown", json_object_get(pb_json_get(reps[i], "slowdown")));
			json_object_object_add(r, "set_aside", json_object_new_boolean(
				nclean && is_slowed(reps[i]) && !strcmp(pb_json_str(reps[i], "status", ""), "ok")));
		}
		json_object_array_add(list, r);
	}
	json_object_object_add(bal, "acquired", bal_known ? json_object_new_uint64(acq) : NULL);
	json_object_object_add(bal, "released", bal_known ? json_object_new_uint64(rel) : NULL);
	json_object_object_add(c, "pin_balance", bal);
	json_object_object_add(c, "kernel_log", klog);
	mc = combine_module_counts(reps, n);
	if (mc)
		json_object_object_add(c, "module_counts", mc);
	json_object_object_add(c, "repetitions", list);
	if (nset_aside)
		json_object_object_add(c, "repetitions_set_aside", json_object_new_uint64(nset_aside));
	/* Raw data: the first good repetition's (each one's is in guest/cells/). */
	json_object_object_add(c, "raw", json_object_get(pb_json_get(nok ? ok[0] : reps[0], "raw")));
	free(ok);
	return c;
}
