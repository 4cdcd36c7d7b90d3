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
#include "names.h"
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
	char words[512];	/* outcome words with counts */
};

/* The row named name, added if new; NULL when rs is full. */
static struct row_stat *row_find(struct row_stat *rs, size_t *nr, const char *name, size_t cap)
{
	for (size_t i = 0; i < *nr; i++)
		if (!strcmp(rs[i].name, name))
			return &rs[i];
	if (*nr == cap)
		return NULL;
	snprintf(rs[*nr].name, sizeof(rs[*nr].name), "%s", name);
	return &rs[(*nr)++];
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

/*
 * A word headline (a verdict, an outcome) over the workload's settings:
 * per design, how often each word came, "verdict xN". Figures are not
 * summarised here: a median of ratios over groups that mix 1 and 512
 * pages per call, anon and shmem, stands for none of them; the scorecard
 * gives one figure from one named setting, and the tables every one.
 */
static void paragraph(struct pb_text *t, struct json_object *cells, const struct pb_workload *w,
		      const struct pb_headline *h)
{
	size_t n = json_object_array_length(cells), ngroups = 0, nr = 0;
	const struct pb_metric_def *d = pb_metric_find(w->name, h->metric);
	struct row_stat rs[32];
	char **groups = pb_xcalloc(n + 1, sizeof(char *)), key[512], name[96], path[128];

	if (!d || strcmp(d->unit, "word")) {
		free(groups);
		return;
	}
	memset(rs, 0, sizeof(rs));
	snprintf(path, sizeof(path), "%s%s%s", h->metric, *h->field ? "." : "", h->field);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *val;
		struct row_stat *r;
		size_t g;

		if (strcmp(pb_json_str(c, "workload", "?"), w->name) || strcmp(pb_json_str(c, "status", "?"), "ok"))
			continue;
		group_key(c, key, sizeof(key));
		for (g = 0; g < ngroups && strcmp(groups[g], key); g++)
			;
		if (g == ngroups)
			groups[ngroups++] = pb_xstrdup(key);
		val = pb_json_path(pb_json_get(c, "metrics"), path);
		pb_cell_label(c, name, sizeof(name));
		if (val && (r = row_find(rs, &nr, name, ARRAY_SIZE(rs))))
			add_word(r->words, sizeof(r->words), json_object_get_string(val));
	}
	if (nr) {
		pb_text_put(t, " The %s, per design over %zu setting%s (the cells' parameters but the "
			    "design's own): ", h->says, ngroups, ngroups == 1 ? "" : "s");
		for (size_t i = 0; i < nr; i++)
			pb_text_put(t, "%s%s: %s", i ? "; " : "", rs[i].name, rs[i].words);
		pb_text_put(t, ". (xN: in N settings.)");
	}
	for (size_t g = 0; g < ngroups; g++)
		free(groups[g]);
	free(groups);
}

/* Whether cell c's parameters hold every k=v of setting ("k=v,k=v"). */
static bool setting_matches(struct json_object *c, const char *setting)
{
	char *copy = pb_xstrdup(setting), *save = NULL, *kv;
	bool ok = true;

	for (kv = strtok_r(copy, ",", &save); kv && ok; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		struct json_object *v;

		if (!eq)
			continue;
		*eq = 0;
		v = pb_json_get(pb_json_get(c, "params"), kv);
		ok = v && !strcmp(json_object_get_string(v), eq + 1);
	}
	free(copy);
	return ok;
}

/* What one cell says to a question: the figure, the word, or why there is none. */
static void score_value(struct json_object *c, const struct pb_score *q, char *out, size_t len)
{
	const char *status = pb_json_str(c, "status", "?");
	struct json_object *v;
	char path[128];

	if (!strcmp(status, "unsupported")) {
		snprintf(out, len, "n/a");
		return;
	}
	if (strcmp(status, "ok")) {
		snprintf(out, len, "%s", status);
		return;
	}
	snprintf(path, sizeof(path), "%s%s%s", q->metric, *q->field ? "." : "", q->field);
	v = pb_json_path(pb_json_get(c, "metrics"), path);
	if (!v || json_object_is_type(v, json_type_null)) {
		snprintf(out, len, "–");
	} else if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
		double d = json_object_get_double(v);

		snprintf(out, len, fabs(d) >= 100 || d == floor(d) ? "%.0f" : "%.1f", d);
	} else {
		snprintf(out, len, "%s", json_object_get_string(v));
	}
}

/* Designs in the strategies' own order, each plain before its variants; the stock kernel's last. */
static int design_rank(const char *label)
{
	char base[96];

	if (!strncmp(label, "stock:", 6))
		return 1000;
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(label, " "), label);
	return (int)pb_strategy_id(base);
}

static int design_order(const void *a, const void *b)
{
	const char *x = a, *y = b;
	int rx = design_rank(x), ry = design_rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (strlen(x) != strlen(y))
		return strlen(x) < strlen(y) ? -1 : 1;
	return strcmp(x, y);
}

/*
 * The scorecard: one row per design (and variant), one column per question
 * the workloads declare (struct pb_score), each entry the figure or the
 * word of the one cell of that design in that question's setting. A design
 * with no such cell is left blank; one the setting names twice is a
 * pinbench bug, said in the cell. Below the table, each column's setting.
 */
static void scorecard(struct pb_text *t, struct json_object *cells)
{
	const char *qs[64], *pages[64];
	char rows[64][96], **cellv;
	size_t nq = 0, nrows = 0, n = json_object_array_length(cells);
	struct pb_text settings = { 0 };

	for (size_t i = 0; pb_workloads[i]; i++) {
		const struct pb_workload *w = pb_workloads[i];

		for (size_t k = 0; k < w->nr_score; k++) {
			size_t j;

			for (j = 0; j < nq && strcmp(qs[j], w->score[k].question); j++)
				;
			if (j == nq && nq < ARRAY_SIZE(qs)) {
				qs[nq] = w->score[k].question;
				pages[nq++] = w->name;
			}
			pb_text_put(&settings, "- **%s**: %s `%s`, %s `%s%s%s`\n", w->score[k].question,
				    w->score[k].workload ? w->score[k].workload : w->name, w->score[k].setting,
				    "metric", w->score[k].metric, *w->score[k].field ? "." : "", w->score[k].field);
		}
	}
	/* The designs, in the order the run has them. */
	for (size_t i = 0; i < n && nrows < ARRAY_SIZE(rows); i++) {
		char label[96];
		size_t r;

		pb_cell_label(json_object_array_get_idx(cells, i), label, sizeof(label));
		for (r = 0; r < nrows && strcmp(rows[r], label); r++)
			;
		if (r == nrows)
			snprintf(rows[nrows++], sizeof(rows[0]), "%s", label);
	}
	qsort(rows, nrows, sizeof(rows[0]), design_order);
	cellv = pb_xcalloc(nrows * nq + 1, sizeof(char *));
	for (size_t i = 0; pb_workloads[i]; i++) {
		const struct pb_workload *w = pb_workloads[i];

		for (size_t k = 0; k < w->nr_score; k++) {
			const struct pb_score *q = &w->score[k];
			const char *wl = q->workload ? q->workload : w->name;
			size_t col;

			for (col = 0; col < nq && strcmp(qs[col], q->question); col++)
				;
			for (size_t c = 0; c < n && col < nq; c++) {
				struct json_object *cell = json_object_array_get_idx(cells, c);
				char label[96], v[128];
				size_t r;

				if (strcmp(pb_json_str(cell, "workload", "?"), wl) || !setting_matches(cell, q->setting))
					continue;
				pb_cell_label(cell, label, sizeof(label));
				for (r = 0; r < nrows && strcmp(rows[r], label); r++)
					;
				if (r == nrows)
					continue;
				score_value(cell, q, v, sizeof(v));
				if (cellv[r * nq + col]) {
					free(cellv[r * nq + col]);
					cellv[r * nq + col] = pb_xstrdup("ambiguous setting (a pinbench bug)");
				} else {
					cellv[r * nq + col] = pb_xstrdup(v);
				}
			}
		}
	}
	pb_text_put(t, "## Scorecard\n\n"
		    "The questions the 2018 debate asked, one column each; a row per design and variant "
		    "(pinbench's strategies, and the stock kernel's own paths). Each entry is one cell's "
		    "figure or verdict, from the one setting the workload names for that question "
		    "(listed below the table); its column head links to the workload's tables, where the "
		    "other settings are. Figures are p50 where the metric has percentiles. "
		    "n/a: the design cannot run that cell (the table says why); –: the cell ran and has "
		    "no such figure (a pin that migrated nothing); blank: the run had no such cell.\n\n"
		    "| design |");
	for (size_t q = 0; q < nq; q++)
		pb_text_put(t, " [%s](" "tables/%s.md) |", qs[q], pages[q]);
	pb_text_put(t, "\n|---|");
	for (size_t q = 0; q < nq; q++)
		pb_text_put(t, "---:|");
	pb_text_put(t, "\n");
	for (size_t r = 0; r < nrows; r++) {
		bool any = false;

		for (size_t q = 0; q < nq; q++)
			any |= cellv[r * nq + q] != NULL;
		if (!any)
			continue;
		pb_text_put(t, "| %s |", rows[r]);
		for (size_t q = 0; q < nq; q++)
			pb_text_put(t, " %s |", cellv[r * nq + q] ? cellv[r * nq + q] : "");
		pb_text_put(t, "\n");
	}
	pb_text_put(t, "\nThe settings (workload, parameters, metric):\n\n%s\n", settings.s ? settings.s : "");
	for (size_t i = 0; i < nrows * nq; i++)
		free(cellv[i]);
	free(cellv);
	free(settings.s);
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

/*
 * A workload's paragraph: its cells as its table page counts them (its own
 * and those shown with it), what this mode could not run, and its word
 * outcomes. A workload shown with another says so and is counted there.
 */
static void workload_paragraph(struct pb_text *t, struct json_object *root, const struct pb_workload *w)
{
	const struct pb_workload *page = w->shown_with ? pb_workload_find(w->shown_with) : w;
	struct json_object *cells = pb_json_get(root, "cells"), *sub;
	size_t own = 0, own_ok = 0, n, ok = 0;
	const char *unsupported = NULL;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (strcmp(pb_json_str(c, "workload", "?"), w->name))
			continue;
		own++;
		own_ok += !strcmp(pb_json_str(c, "status", "?"), "ok");
		if (!unsupported && !strcmp(pb_json_str(c, "status", "?"), "unsupported"))
			unsupported = pb_json_str(c, "reason", "?");
	}
	if (!own || !page)
		return;
	sub = run_of_workload(root, page);
	n = json_object_array_length(pb_json_get(sub, "cells"));
	for (size_t i = 0; i < n; i++)
		ok += !strcmp(pb_json_str(json_object_array_get_idx(pb_json_get(sub, "cells"), i), "status", "?"), "ok");
	json_object_put(sub);
	if (page == w)
		pb_text_put(t, "**%s** ([tables](" "tables/%s.md): %zu cell%s, %zu ok", w->name, w->name, n, n == 1 ? "" : "s", ok);
	else
		pb_text_put(t, "**%s** (%zu of the %zu cells of [%s's tables](" "tables/%s.md), %zu ok", w->name,
			    own, n, page->name, page->name, own_ok);
	if (unsupported)
		pb_text_put(t, "; unsupported here, for example: %.*s", (int)strcspn(unsupported, "\n"), unsupported);
	pb_text_put(t, ").");
	for (size_t k = 0; k < w->nr_headlines; k++)
		paragraph(t, cells, w, &w->headlines[k]);
	pb_text_put(t, "\n\n");
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

	scorecard(&t, cells);
	pb_text_put(&t, "## What each workload ran\n\n");
	for (size_t i = 0; pb_workloads[i]; i++)
		workload_paragraph(&t, root, pb_workloads[i]);

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
