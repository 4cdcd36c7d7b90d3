// SPDX-License-Identifier: GPL-2.0
/* publish.c: results/README.md from one run: provenance, a paragraph per workload, figures, tables. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "escape.h"
#include "metrics.h"
#include "plot.h"
#include "publish.h"
#include "results.h"
#include "report.h"
#include "util.h"
#include "workload.h"

/* What makes cells comparable: every parameter but the strategy's own choices. */
static void group_key(struct json_object *c, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	json_object_object_foreach(pb_json_get(c, "params"), k, v) {
		if (!strcmp(k, "strategy") || !strcmp(k, "registration") || !strcmp(k, "longterm") || !strcmp(k, "engine") ||
		    !strcmp(k, "fixedbufs"))
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s=%s", n ? ", " : "", k,
				      json_object_get_string(v));
	}
}

struct row_stat {
	char name[96];
	size_t wins, groups;
	size_t zeros;		/* groups whose best was 0, where it had 0 (no ratio exists) */
	double *ratio;		/* to the group's best, one per group */
	char words[512];	/* outcome words with counts */
};

/* The row named name, added if new (room for one ratio per group); NULL when rs is full. */
static struct row_stat *row_find(struct row_stat *rs, size_t *nr, const char *name, size_t cap,
				 size_t ngroups)
{
	for (size_t i = 0; i < *nr; i++)
		if (!strcmp(rs[i].name, name))
			return &rs[i];
	if (*nr == cap)
		return NULL;
	snprintf(rs[*nr].name, sizeof(rs[*nr].name), "%s", name);
	rs[*nr].ratio = pb_xcalloc(ngroups + 1, sizeof(double));
	return &rs[(*nr)++];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Count one more w in words: "word xN" entries separated by "; ", each word matched whole. */
static void add_word(char *words, size_t len, const char *w)
{
	size_t wl = strlen(w);

	for (char *e = words; *e; ) {
		char *next = strstr(e, "; ");

		if (!strncmp(e, w, wl) && e[wl] == ' ' && e[wl + 1] == 'x') {
			int count = atoi(e + wl + 2);
			char *tail = pb_xstrdup(next ? next : "");

			snprintf(e, len - (size_t)(e - words), "%s x%d%s", w, count + 1, tail);
			free(tail);
			return;
		}
		if (!next)
			break;
		e = next + 2;
	}
	snprintf(words + strlen(words), len - strlen(words), "%s%s x1", *words ? "; " : "", w);
}

/* One paragraph: what the headline figure shows over every comparable group. */
static void paragraph(struct pb_text *t, struct json_object *cells, const struct pb_workload *w,
		      const struct pb_headline *h)
{
	size_t n = json_object_array_length(cells), ncells = 0, nok = 0, ngroups = 0, nr = 0;
	size_t zero_groups = 0;	/* groups whose best was 0: no ratio to it exists */
	const struct pb_metric_def *d = pb_metric_find(w->name, h->metric);
	bool words = d && !strcmp(d->unit, "word");
	struct row_stat rs[32];
	char **groups = pb_xcalloc(n + 1, sizeof(char *)), key[512], name[96];
	const char *first_unsupported = NULL;

	memset(rs, 0, sizeof(rs));
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		size_t g;

		if (strcmp(pb_json_str(c, "workload", "?"), w->name))
			continue;
		ncells++;
		if (strcmp(pb_json_str(c, "status", "?"), "ok")) {
			if (!strcmp(pb_json_str(c, "status", "?"), "unsupported") &&
			    !first_unsupported)
				first_unsupported = pb_json_str(c, "reason", "?");
			continue;
		}
		nok++;
		group_key(c, key, sizeof(key));
		for (g = 0; g < ngroups && strcmp(groups[g], key); g++)
			;
		if (g == ngroups)
			groups[ngroups++] = pb_xstrdup(key);
	}
	if (!ncells) {
		free(groups);
		return;
	}
	/* The workload's first headline opens its paragraph; the others continue it. */
	bool first = h == w->headlines;

	if (first) {
		pb_text_put(t, "**%s** (%zu cells, %zu ok", w->name, ncells, nok);
		if (first_unsupported)
			pb_text_put(t, "; unsupported here, for example: %.*s", (int)strcspn(first_unsupported, "\n"),
			    first_unsupported);
		pb_text_put(t, ").");
	}
	pb_text_put(t, " The %s", h->says);
	for (size_t g = 0; g < ngroups; g++) {
		struct json_object *best_c = NULL;
		double best = 0, v;
		size_t like = 0;

		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < n; i++) {
				struct json_object *c = json_object_array_get_idx(cells, i);
				struct json_object *m = pb_json_get(c, "metrics"), *val;
				struct row_stat *r;
				char path[128];

				if (strcmp(pb_json_str(c, "workload", "?"), w->name) ||
				    strcmp(pb_json_str(c, "status", "?"), "ok"))
					continue;
				group_key(c, key, sizeof(key));
				if (strcmp(key, groups[g]))
					continue;
				snprintf(path, sizeof(path), "%s%s%s", h->metric, *h->field ? "." : "", h->field);
				val = pb_json_path(m, path);
				pb_cell_label(c, name, sizeof(name));
				if (words) {
					if (pass == 0 && val && (r = row_find(rs, &nr, name, ARRAY_SIZE(rs), ngroups)))
						add_word(r->words, sizeof(r->words), json_object_get_string(val));
					continue;
				}
				if (!val || (!json_object_is_type(val, json_type_double) &&
					     !json_object_is_type(val, json_type_int)))
					continue;
				v = json_object_get_double(val);
				if (pass == 0) {
					if (!like++ || (d->better == PB_HIGHER ? v > best : v < best))
						best = v, best_c = c;
				} else if (like >= 2 && best == 0 && d->better != PB_HIGHER) {
					/* Nothing is better than none: those at 0 are counted apart. */
					if (v == 0 && (r = row_find(rs, &nr, name, ARRAY_SIZE(rs), ngroups)))
						r->zeros++;
				} else if (like >= 2 && best > 0 && v > 0 &&
					   (r = row_find(rs, &nr, name, ARRAY_SIZE(rs), ngroups))) {
					r->ratio[r->groups++] = d->better == PB_HIGHER ? best / v : v / best;
					if (c == best_c)
						r->wins++;
				}
			}
			if (pass == 0 && like >= 2 && best == 0 && !words && d->better != PB_HIGHER)
				zero_groups++;
		}
	}
	if (words) {
		pb_text_put(t, ", per strategy over %zu setting%s (the cells' parameters but the "
			    "strategy's own): ", ngroups,
		    ngroups == 1 ? "" : "s");
		for (size_t i = 0; i < nr; i++)
			pb_text_put(t, "%s%s: %s", i ? "; " : "", rs[i].name, rs[i].words);
		pb_text_put(t, ". (xN: in N settings.)");
	} else {
		size_t compared = 0;

		for (size_t i = 0; i < nr; i++)
			compared = rs[i].groups > compared ? rs[i].groups : compared;
		if (first)
			pb_text_put(t, " was compared in %zu group%s of cells that differ only in strategy. Median "
			    "over the groups of each strategy's figure against the best in its group "
			    "(1.00x is the best; %s is better), and how often it was the best: ", compared,
			    compared == 1 ? "" : "s", d->better == PB_HIGHER ? "higher" : "lower");
		else
			pb_text_put(t, " (%s is better), the same way: ", d->better == PB_HIGHER ? "higher" : "lower");
		for (size_t i = 0, k = 0; i < nr; i++) {
			if (!rs[i].groups)
				continue;
			qsort(rs[i].ratio, rs[i].groups, sizeof(double), cmp_double);
			pb_text_put(t, "%s%s %.2fx (best in %zu of %zu)", k++ ? ", " : "", rs[i].name,
			    rs[i].ratio[(rs[i].groups - 1) / 2], rs[i].wins, rs[i].groups);
		}
		pb_text_put(t, ".");
		if (zero_groups) {
			pb_text_put(t, " In %zu more group%s the best was 0, to which no ratio exists; 0 "
				    "there: ", zero_groups, zero_groups == 1 ? "" : "s");
			for (size_t i = 0, k = 0; i < nr; i++)
				if (rs[i].zeros)
					pb_text_put(t, "%s%s in %zu", k++ ? ", " : "", rs[i].name, rs[i].zeros);
			pb_text_put(t, ".");
		}
	}
	for (size_t i = 0; i < nr; i++)
		free(rs[i].ratio);
	for (size_t g = 0; g < ngroups; g++)
		free(groups[g]);
	free(groups);
}

/* Remove what an earlier publish drew: figures that the new run would not draw again stay out. */
#define PLOTS_MANIFEST ".pinbench-manifest"

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static bool listed(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* The names in dir/PLOTS_MANIFEST, one per line (NULL, *n 0 when there is none). */
static char **read_manifest(const char *dir, size_t *n)
{
	char *path = pb_asprintf("%s/" PLOTS_MANIFEST, dir), *text = pb_read_file(path, NULL), *save = NULL;
	char **names = NULL;

	*n = 0;
	free(path);
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		names = realloc(names, (*n + 1) * sizeof(*names));
		if (!names)
			pb_die("out of memory");
		names[(*n)++] = pb_xstrdup(l);
	}
	free(text);
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * OUTDIR/plots replaced as one set. The new figures were drawn into
 * stage/plots. What publish did not write stays: files of the old plots/
 * that its manifest does not list (all of them but the new set's names
 * when there is no manifest, as after a pinbench older than the manifest)
 * are moved over first, or the publish is refused if one bears the name
 * of a new figure. The new set gets its manifest, and the two directories
 * are exchanged with renameat2(RENAME_EXCHANGE): a reader sees the old set
 * or the new one, never a mixture. The old set, now in stage, holds only
 * what pinbench wrote, and goes with stage. -1 when nothing of the old
 * plots/ was moved (stage may go), -2 when some of the user's files were.
 */
static int swap_plots(const char *outdir, const char *stage, char *err, size_t errlen)
{
	char *old = pb_asprintf("%s/plots", outdir), *new = pb_asprintf("%s/plots", stage), *text;
	size_t nnew = 0, nold = 0, nman = 0, kept = 0;
	char **fresh = pb_dir_names(new, "", &nnew), **was = pb_dir_names(old, "", &nold);
	char **mine = read_manifest(old, &nman), *mpath = pb_asprintf("%s/" PLOTS_MANIFEST, old);
	bool manifest = pb_file_exists(mpath);
	struct pb_text m = { 0 };
	int ret = -1;

	if (pb_mkdir_p(new, 0755) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", new, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nold; i++) {
		if (manifest ? listed(mine, nman, was[i]) : listed(fresh, nnew, was[i]))
			continue;
		if (listed(fresh, nnew, was[i])) {
			snprintf(err, errlen, "%s/%s is not pinbench's (its manifest does not list it) and "
				 "publish would draw a figure of that name: move it away first", old, was[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < nold; i++) {
		char *from, *to;

		if (manifest ? listed(mine, nman, was[i]) : listed(fresh, nnew, was[i]))
			continue;
		from = pb_asprintf("%s/%s", old, was[i]);
		to = pb_asprintf("%s/%s", new, was[i]);
		if (rename(from, to) < 0) {
			snprintf(err, errlen, "cannot keep %s (moving it to %s): %s; the files of plots/ "
				 "that are not pinbench's are in both", from, to, strerror(errno));
			free(from), free(to);
			ret = -2;
			goto out;
		}
		free(from), free(to);
		kept++;
	}
	for (size_t i = 0; i < nnew; i++)
		pb_text_put(&m, "%s\n", fresh[i]);
	text = pb_asprintf("%s/" PLOTS_MANIFEST, new);
	if (pb_write_file_atomic(text, m.s ? m.s : "", m.len) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", text, strerror(errno));
		free(text);
		goto out;
	}
	free(text);
	if (renameat2(AT_FDCWD, new, AT_FDCWD, old, RENAME_EXCHANGE) < 0 &&
	    (errno != ENOENT || rename(new, old) < 0)) {
		snprintf(err, errlen, "cannot put %s in place of %s: %s", new, old, strerror(errno));
		ret = kept ? -2 : -1;
		goto out;
	}
	if (kept)
		fprintf(stderr, "pinbench: publish: kept %zu file(s) in %s that pinbench did not write\n", kept,
			old);
	ret = 0;
out:
	free(m.s);
	free(mpath);
	free_names(fresh, nnew);
	free_names(was, nold);
	free_names(mine, nman);
	free(old);
	free(new);
	return ret;
}

/* Put a Markdown document under the current one: its title dropped, its headings `levels` deeper. */
static void put_demoted(struct pb_text *t, char *md, int levels)
{
	char *body = strchr(md, '\n');

	for (char *line = body ? body + 1 : md, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		pb_text_put(t, "%.*s%s\n", line[0] == '#' ? levels : 0, "###", line);
	}
}

/* run with cells in place of its own (taken over; the rest of run is shared, not changed). */
static struct json_object *run_with(struct json_object *run, struct json_object *cells)
{
	struct json_object *shown = json_object_new_object();

	json_object_object_foreach(run, key, val) {
		if (strcmp(key, "cells"))
			json_object_object_add(shown, key, json_object_get(val));
	}
	json_object_object_add(shown, "cells", cells);
	return shown;
}

/* run's unsupported cells, listed in *skipped once per reason with their count. */
static void list_unsupported(struct json_object *run, struct pb_text *skipped)
{
	struct json_object *cells = pb_json_get(run, "cells");
	size_t n = json_object_array_length(cells), nr = 0;
	const char **reasons = pb_xcalloc(n + 1, sizeof(*reasons));
	size_t *counts = pb_xcalloc(n + 1, sizeof(*counts));

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *why = pb_json_str(c, "reason", "?");
		size_t k;

		if (strcmp(pb_json_str(c, "status", "?"), "unsupported"))
			continue;
		for (k = 0; k < nr && strcmp(reasons[k], why); k++)
			;
		if (k == nr)
			reasons[nr++] = why;
		counts[k]++;
	}
	for (size_t k = 0; k < nr; k++)
		pb_text_put(skipped, "- %zu cell(s): %.*s\n", counts[k], (int)strcspn(reasons[k], "\n"),
			    reasons[k]);
	free(reasons);
	free(counts);
}

/*
 * The report of run without its unsupported cells, which are listed by
 * reason in *skipped instead. The caller frees the report.
 */
static char *report_of_runnable(struct json_object *run, struct pb_text *skipped)
{
	struct json_object *cells = pb_json_get(run, "cells"), *out = json_object_new_array(), *shown;
	char *report;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (strcmp(pb_json_str(c, "status", "?"), "unsupported"))
			json_object_array_add(out, json_object_get(c));
	}
	list_unsupported(run, skipped);
	shown = run_with(run, out);
	report = pb_report_md_view(shown);	/* run is already a view */
	json_object_put(shown);
	return report;
}

int pb_publish(struct json_object *root, const char *outdir, const char *command, char *err, size_t errlen)
{
	return pb_publish_with(root, NULL, outdir, command, err, errlen);
}

/*
 * The run with only the cells one workload's report section shows: its
 * own and those of the workloads shown with it (stock_dio with small_dio).
 */
static struct json_object *run_of_workload(struct json_object *run, const struct pb_workload *w)
{
	struct json_object *out = json_object_new_array(), *cells = pb_json_get(run, "cells");

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const struct pb_workload *cw = pb_workload_find(pb_json_str(c, "workload", "?"));

		if (cw == w || (cw && cw->shown_with && !strcmp(cw->shown_with, w->name)))
			json_object_array_add(out, json_object_get(c));
	}
	return run_with(run, out);
}

#define TABLES_DIR "tables"
#define TABLES_MANIFEST TABLES_DIR "/.pinbench-manifest"

/*
 * One page per workload under OUTDIR/tables/ (prefix "" for the run,
 * "contended-" for the wall-mode run): the workload's whole report
 * section, and where it came from. Appends a link line to index for each
 * page written, and each page's name to written. 0, or -1 with err.
 */
static int write_pages(struct json_object *run, const char *outdir, const char *prefix, const char *what,
		       struct pb_text *index, struct pb_text *written, char *err, size_t errlen)
{
	for (size_t i = 0; pb_workloads[i]; i++) {
		const struct pb_workload *w = pb_workloads[i];
		struct json_object *sub, *cells;
		struct pb_text page = { 0 }, skipped = { 0 };
		size_t n, ok = 0;
		char *report, *path;
		int r;

		if (!w->report)
			continue;
		sub = run_of_workload(run, w);
		cells = pb_json_get(sub, "cells");
		n = json_object_array_length(cells);
		if (!n) {
			json_object_put(sub);
			continue;
		}
		for (size_t k = 0; k < n; k++)
			ok += !strcmp(pb_json_str(json_object_array_get_idx(cells, k), "status", "?"), "ok");
		report = report_of_runnable(sub, &skipped);
		pb_text_put(
			&page,
			"# %s: %s\n\n[Back to the summary](../README.md). From the run `%s` "
			"(pinbench %s, %s on %s, started %s); its `results.json` holds every figure "
			"below.\n\n",
			w->name, what, pb_json_str(run, "run.cmdline", "?"),
			pb_json_str(run, "pinbench.git_sha", "?"),
			pb_json_str(run, "run.mode", "?"),
			pb_json_str(run, "guest.kernel_release", "?"),
			pb_json_str(run, "run.started_at", "?"));
		if (skipped.len)
			pb_text_put(&page, "Cells this mode could not run, by reason:\n\n%s\n", skipped.s);
		put_demoted(&page, report, 0);
		path = pb_asprintf("%s/" TABLES_DIR "/%s%s.md", outdir, prefix, w->name);
		r = pb_write_file_atomic(path, page.s, strlen(page.s));
		if (r < 0)
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		else
			pb_text_put(index, "- [%s](" TABLES_DIR "/%s%s.md): %zu cells, %zu ok\n", w->name, prefix,
				    w->name, n, ok);
		pb_text_put(written, "%s%s.md\n", prefix, w->name);
		free(path);
		free(page.s);
		free(skipped.s);
		free(report);
		json_object_put(sub);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The pages an earlier publish wrote (its manifest) and this one did not: gone. */
static void drop_old_pages(const char *outdir, const char *written)
{
	char *path = pb_asprintf("%s/" TABLES_MANIFEST, outdir), *text = pb_read_file(path, NULL);
	char *save = NULL;

	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *line = pb_asprintf("\n%s\n", l), *in = pb_asprintf("\n%s", written);

		if (!strstr(in, line) && !strchr(l, '/') && l[0] != '.') {
			char *old = pb_asprintf("%s/" TABLES_DIR "/%s", outdir, l);

			unlink(old);
			free(old);
		}
		free(line);
		free(in);
	}
	free(text);
	if (pb_write_file_atomic(path, written, strlen(written)) < 0)
		fprintf(stderr, "pinbench: publish: cannot write %s: %s\n", path, strerror(errno));
	free(path);
}

int pb_publish_with(struct json_object *orig, struct json_object *corig, const char *outdir,
		    const char *command, char *err, size_t errlen)
{
	/* Every string the text below prints, escaped for Markdown (escape.h). */
	struct json_object *root = pb_md_view(orig), *contended = corig ? pb_md_view(corig) : NULL;
	struct json_object *cells = pb_json_get(root, "cells");
	char *plots = pb_asprintf("%s/plots", outdir), *report, *path, **pngs = NULL, *stage = NULL;
	struct pb_text t = { 0 };
	size_t npng = 0;
	int ret = 0;

	if (pb_mkdir_p(outdir, 0755) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", outdir, strerror(errno));
		free(plots);
		json_object_put(root);
		json_object_put(contended);
		return -1;
	}
	/* The figures are drawn aside, then put in place of the old ones as one set. */
	stage = pb_asprintf("%s/.publish-XXXXXX", outdir);
	if (!mkdtemp(stage)) {
		snprintf(err, errlen, "cannot create %s: %s", stage, strerror(errno));
		ret = -1;
		goto out;
	}
	if (pb_report_plots(orig, stage, err, errlen) < 0) {
		fprintf(stderr, "pinbench: publish: plots not drawn: %s\n", err);
		err[0] = '\0';
	}
	ret = swap_plots(outdir, stage, err, errlen);
	if (ret == -1)
		nftw(stage, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (ret < 0) {
		ret = -1;
		goto out;
	}
	nftw(stage, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	pb_text_put(&t, "# pinbench: published results\n\n"
		"Generated by `%s` from one run (its jobs are listed below); do not edit by hand, "
		"run it again. Every figure below is in `results.json` of that run; "
		"[schema.md](schema.md) says what each one means.\n\n", command);
	pb_text_put(&t, "## How these were measured\n\n");
	pb_text_put(&t, "- mode **%s**, accelerator **%s** (%s), %s repetition(s) per cell\n",
		    pb_json_str(root, "run.mode", "?"), pb_json_str(root, "run.accel", "?"),
		    pb_json_str(root, "run.accel_reason", "?"),
		    pb_json_str(root, "run.repeat", "?"));
	pb_text_put(&t, "- guest kernel %s (%s), %s vCPU(s), %s MiB, clocksource %s\n",
		    pb_json_str(root, "guest.kernel_release", "?"),
		    pb_json_str(root, "guest.kernel_version", "?"),
		    pb_json_str(root, "guest.vcpus", "?"), pb_json_str(root, "guest.mem_mib", "?"),
		    pb_json_str(root, "guest.clocksource", "?"));
	pb_text_put(&t, "- QEMU %s; host %s, %s CPUs, Linux %s\n",
		    pb_json_str(root, "guest.qemu_version", "?"),
		    pb_json_str(root, "host.cpu_model", "?"), pb_json_str(root, "host.cpus", "?"),
		    pb_json_str(root, "host.kernel_release", "?"));
	pb_text_put(&t, "- pinbench %s (%s); jobs `%s`; run started %s\n",
		    pb_json_str(root, "pinbench.version", "?"),
		    pb_json_str(root, "pinbench.git_sha", "?"), pb_json_str(root, "run.job", "?"),
		    pb_json_str(root, "run.started_at", "?"));
	pb_text_put(&t, "- the run's command: `%s`\n\n", pb_json_str(root, "run.cmdline", "?"));
	if (!strcmp(pb_json_str(root, "run.mode", "?"), "deterministic"))
		pb_text_put(&t, "Deterministic mode runs TCG with `-icount shift=0`: guest time is the guest's "
			"instruction count (1 ns each), so a figure is a count of emulated work, the same "
			"on every host and every run, not a prediction of hardware speed. Compare "
			"strategies with each other here; time them on hardware with `make bench` "
			"(wall mode, KVM where it works).\n\n");

	pb_text_put(&t, "## What the numbers show\n\n");
	for (size_t i = 0; pb_workloads[i]; i++) {
		const struct pb_workload *w = pb_workloads[i];
		size_t before = t.len;

		for (size_t k = 0; k < w->nr_headlines; k++)
			paragraph(&t, cells, w, &w->headlines[k]);
		/* One paragraph per workload, after its last headline. */
		if (t.len > before)
			pb_text_put(&t, "\n\n");
	}

	/* Only the figures publish drew: what else is in plots/ is the user's. */
	pngs = read_manifest(plots, &npng);
	if (npng) {
		size_t shown = 0;

		for (size_t i = 0; i < npng; i++) {
			size_t l = strlen(pngs[i]);

			if (l <= 4 || strcmp(pngs[i] + l - 4, ".png")) {
				free(pngs[i]);
				continue;
			}
			if (!shown++)
				pb_text_put(&t, "## Figures\n\n");
			pb_text_put(&t, "![%.*s](plots/%s) ([SVG](plots/%.*s.svg))\n\n", (int)(strlen(pngs[i]) - 4),
			    pngs[i], pngs[i], (int)(strlen(pngs[i]) - 4), pngs[i]);
			free(pngs[i]);
		}
		free(pngs);
	}

	/*
	 * The tables, one page per workload under tables/: the whole report
	 * section, without the cells the mode could not run (rows of dashes
	 * tell a reader nothing: they are listed by reason instead, and the
	 * contended section has those that needed two CPUs).
	 */
	{
		struct pb_text index = { 0 }, written = { 0 }, skipped = { 0 };
		char *tables = pb_asprintf("%s/" TABLES_DIR, outdir);

		if (pb_mkdir_p(tables, 0755) < 0) {
			snprintf(err, errlen, "cannot create %s: %s", tables, strerror(errno));
			free(tables);
			ret = -1;
			goto out;
		}
		free(tables);
		list_unsupported(root, &skipped);
		if (write_pages(root, outdir, "", "published tables", &index, &written, err, errlen) < 0) {
			ret = -1;
			goto out;
		}
		pb_text_put(&t, "## Tables\n\nEvery table of the run, a page per workload:\n\n%s\n",
			    index.s ? index.s : "");
		if (skipped.len)
			pb_text_put(&t, "Cells this mode could not run are not in the tables%s:\n\n%s\n",
				    contended ? " (those that need two CPUs are in \"Contended cells\", "
				    "below, from a wall-mode run)" : "", skipped.s);
		free(index.s);
		free(skipped.s);
		if (contended) {
			struct pb_text cindex = { 0 };

			pb_text_put(
				&t,
				"## Contended cells (wall mode)\n\n"
				"The cells deterministic mode cannot run, because they need two CPUs: the "
				"device's completion on another CPU than the submitter (irq_completion "
				"`placement=split`) and two submitters. Their costs are the contended ones "
				"the designs differ in: the rmap rwsems, the per-mm notifier lock, the "
				"pincount cacheline shared across CPUs. They come from a separate run in "
				"**wall mode** (%s, %s vCPU(s), %s repetition(s) per cell%s%s%s, jobs `%s`), so "
				"each figure is a mean over the repetitions with the half-width of its 95%% "
				"interval in the variation table at the end; wall time under TCG is noisy, "
				"and a difference inside the intervals is not one.\n\n",
				pb_json_str(contended, "run.accel", "?"),
				pb_json_str(contended, "guest.vcpus", "?"),
				pb_json_str(contended, "run.repeat", "?"),
				pb_json_path(contended, "run.adaptive") ? ", then more, up to " : "",
				pb_json_path(contended, "run.adaptive") ?
					pb_json_str(contended, "run.adaptive.repeat_max", "?") : "",
				pb_json_path(contended, "run.adaptive") ? ", to a 95% interval within "
					"the adaptive target where they could" : "",
				pb_json_str(contended, "run.job", "?"));
			skipped = (struct pb_text){ 0 };
			list_unsupported(contended, &skipped);
			if (write_pages(contended, outdir, "contended-", "contended cells (wall mode)", &cindex,
					&written, err, errlen) < 0) {
				free(cindex.s);
				ret = -1;
				goto out;
			}
			pb_text_put(&t, "%s\n", cindex.s ? cindex.s : "");
			if (skipped.len)
				pb_text_put(&t, "Not run in this mode either:\n\n%s\n", skipped.s);
			free(cindex.s);
			free(skipped.s);
		}
		drop_old_pages(outdir, written.s ? written.s : "");
		free(written.s);
	}
	/* The kernel pairs published from A/B runs stay (pb_publish_kernels()). */
	report = pb_publish_kernel_sections(outdir);
	if (*report)
		pb_text_put(&t, "\n%s", report);
	free(report);
	path = pb_asprintf("%s/README.md", outdir);
	if (pb_write_file_atomic(path, t.s, strlen(t.s)) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	free(path);
out:
	free(stage);
	free(plots);
	free(t.s);
	json_object_put(root);
	json_object_put(contended);
	return ret;
}
