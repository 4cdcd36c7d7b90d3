// SPDX-License-Identifier: GPL-2.0
/*
 * publish_kernels.c: a section of results/README.md per pair of kernels,
 * from one A/B run (pinbench run --kernel A --kernel B): what the kernel
 * decides, side by side.
 *
 * The section is written to DIR/kernels/BASE_vs_NEW.md, and README.md
 * carries every such file between two markers, so that publishing one
 * run's tables (pb_publish()) and publishing a kernel pair never undo each
 * other. Each table lists the cells of the A/B run that are ok on both
 * kernels, matched by cell id; a cell that is not says so in the outcome
 * table.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "publish.h"
#include "results.h"
#include "util.h"
#include "workload.h"

#define BEGIN_MARK "<!-- pinbench: kernel pairs (pinbench publish --kernels) -->"
#define END_MARK "<!-- pinbench: end of kernel pairs -->"

static void fig(char *out, size_t len, double v, double scale)
{
	if (isnan(v))
		snprintf(out, len, "-");
	else if (fabs(v * scale) >= 100 || v == 0)
		snprintf(out, len, "%.0f", v * scale);
	else
		snprintf(out, len, "%.3g", v * scale);
}

static void delta(char *out, size_t len, double a, double b)
{
	if (isnan(a) || isnan(b) || a == 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%+.1f%%", (b - a) * 100 / a);
}

/* The new run's cell with this id, or NULL. */
static struct json_object *twin(struct json_object *cells, const char *id)
{
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *cid = pb_json_str(c, "id", NULL);

		if (cid && !strcmp(cid, id))
			return c;
	}
	return NULL;
}

static bool is(struct json_object *c, const char *workload)
{
	const char *w = pb_json_str(c, "workload", NULL);

	return w && !strcmp(w, workload);
}

static bool ok(struct json_object *c)
{
	const char *st = pb_json_str(c, "status", NULL);

	return st && !strcmp(st, "ok");
}

/* A cell's outcome as a table shows it: the verdict, or its status and why. */
static void outcome(struct json_object *c, char *out, size_t len)
{
	const char *v = pb_json_str(c, "metrics.verdict", NULL),
		   *reason = pb_json_str(c, "reason", NULL);

	if (!c)
		snprintf(out, len, "not run");
	else if (ok(c))
		snprintf(out, len, "%s", v ? v : "ok");
	else
		snprintf(out, len, "%s: %.*s", pb_json_str(c, "status", "?"),
			 reason ? (int)strcspn(reason, "\n|") : 0, reason ? reason : "");
}

struct pair {
	struct json_object *base, *new;
	const char *a, *b;
};

static void stock_dio(struct pb_text *t, const struct pair *p)
{
	struct json_object *cells = pb_json_get(p->base, "cells"), *nc = pb_json_get(p->new, "cells");
	bool head = false;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *n;
		char f[6][32];

		if (!is(c, "stock_dio") || !(n = twin(nc, pb_json_str(c, "id", NULL))) || !ok(c) ||
		    !ok(n))
			continue;
		if (!head) {
			pb_text_put(t, "### The stock kernel's O_DIRECT (liburing, null_blk)\n\n"
				    "FOLL_PIN pins the kernel took per I/O (`/proc/vmstat`): block direct "
				    "I/O takes FOLL_GET references before 6.3 and FOLL_PIN pins from it; "
				    "registered buffers (`fixedbufs=1`) pin once, at registration. "
				    "Latency is submission to completion seen, p50.\n\n"
				    "| I/O | fixed buffers | completion | FOLL_PIN/IO %s | %s | latency p50 (ns) %s | %s | delta |\n"
				    "|---|---|---|---:|---:|---:|---:|---:|\n", p->a, p->b, p->a, p->b);
			head = true;
		}
		fig(f[0], 32, pb_json_num(c, "metrics.foll_pins_per_io"), 1);
		fig(f[1], 32, pb_json_num(n, "metrics.foll_pins_per_io"), 1);
		fig(f[2], 32, pb_json_num(c, "metrics.latency_ns.p50"), 1);
		fig(f[3], 32, pb_json_num(n, "metrics.latency_ns.p50"), 1);
		delta(f[4], 32, pb_json_num(c, "metrics.latency_ns.p50"),
		      pb_json_num(n, "metrics.latency_ns.p50"));
		pb_text_put(t, "| %s %s B | %s | %s | %s | %s | %s | %s | %s |\n",
			    pb_json_str(c, "params.rw", "?"),
			    pb_json_str(c, "params.block_size", "?"),
			    pb_json_num(c, "params.fixedbufs") == 1 ? "yes" : "no",
			    pb_json_str(c, "params.completion", "?"), f[0], f[1], f[2], f[3], f[4]);
	}
	if (head)
		pb_text_put(t, "\n");
}

/* truncate_under_dma, truncate_stock, writeback_under_dma: the outcome on each kernel. */
static void outcomes(struct pb_text *t, const struct pair *p, const char *workload, const char *title,
		     const char *intro)
{
	struct json_object *cells = pb_json_get(p->base, "cells"), *nc = pb_json_get(p->new, "cells");
	bool head = false, trunc = strcmp(workload, "writeback_under_dma");

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *n;
		char label[96], va[160], vb[160], f[2][32];
		bool changed;

		if (!is(c, workload) && !(trunc && is(c, "truncate_stock") && !strcmp(workload, "truncate_under_dma")))
			continue;
		if (!head) {
			pb_text_put(t, "### %s\n\n%s\n\n| file system | strategy | %s | %s | %s | %s %s | %s |\n"
				    "|---|---|---|---|---|---:|---:|\n", title, intro,
				    trunc ? "truncate to" : "dirty on release", p->a, p->b,
				    trunc ? "truncate p50 (us)" : "stale pages", p->a, p->b);
			head = true;
		}
		n = twin(nc, pb_json_str(c, "id", NULL));
		pb_cell_label(c, label, sizeof(label));
		outcome(c, va, sizeof(va));
		outcome(n, vb, sizeof(vb));
		changed = strcmp(va, vb);
		if (trunc) {
			fig(f[0], 32, ok(c) ? pb_json_num(c, "metrics.truncate_ns.p50") : NAN,
			    1e-3);
			fig(f[1], 32, n && ok(n) ? pb_json_num(n, "metrics.truncate_ns.p50") : NAN,
			    1e-3);
		} else {
			fig(f[0], 32, ok(c) ? pb_json_num(c, "metrics.stale_on_disk") : NAN, 1);
			fig(f[1], 32, n && ok(n) ? pb_json_num(n, "metrics.stale_on_disk") : NAN,
			    1);
		}
		pb_text_put(t, "| %s | %s | %s | %s%s%s | %s%s%s | %s | %s |\n",
			    pb_json_str(c, "params.filesystem", "?"), label,
			    trunc ? (pb_json_str(c, "params.truncate_to", "?")) :
				    (pb_json_num(c, "params.dirty_on_release") == 1 ? "yes" : "no"),
			    changed ? "**" : "", va, changed ? "**" : "", changed ? "**" : "", vb,
			    changed ? "**" : "", f[0], f[1]);
	}
	if (head)
		pb_text_put(t, "\nAn outcome in bold differs between the kernels.\n\n");
}

/* io_uring registered buffers over a file: what each kernel does with the long-term pin. */
static void fixed_buffers(struct pb_text *t, const struct pair *p)
{
	struct json_object *cells = pb_json_get(p->base, "cells"), *nc = pb_json_get(p->new, "cells");
	bool head = false;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *n, *side[2];
		char what[2][160];

		if (!is(c, "truncate_stock") || pb_json_num(c, "params.fixedbufs") != 1)
			continue;
		n = twin(nc, pb_json_str(c, "id", NULL));
		side[0] = c;
		side[1] = n;
		for (int k = 0; k < 2; k++) {
			struct json_object *s = side[k];

			if (!s || !ok(s))
				outcome(s, what[k], sizeof(what[k]));
			else if (pb_json_num(s, "raw.refused") > 0)
				snprintf(what[k], sizeof(what[k]), "refused (%s)",
					 pb_json_str(s, "raw.refused_errno", "?"));
			else
				snprintf(what[k], sizeof(what[k]),
					 "taken; %.0f reads lost past the cut",
					 pb_json_num(s, "metrics.lost"));
		}
		if (!head) {
			pb_text_put(t, "### io_uring fixed buffers over a file that is truncated\n\n"
				    "`io_uring_register_buffers()` over the file's mapping: a FOLL_LONGTERM "
				    "pin. On 6.1 io_uring refuses files other than shmem and hugetlbfs "
				    "itself (EOPNOTSUPP); from 6.5 GUP refuses a writable long-term pin of "
				    "a file that needs dirty tracking (EFAULT); fsdax memory is refused by "
				    "`check_vma_flags()` on both.\n\n"
				    "| file system | %s | %s |\n|---|---|---|\n", p->a, p->b);
			head = true;
		}
		pb_text_put(t, "| %s | %s | %s |\n", pb_json_str(c, "params.filesystem", "?"),
			    what[0], what[1]);
	}
	if (head)
		pb_text_put(t, "\n");
}

static void gup_fast(struct pb_text *t, const struct pair *p)
{
	struct json_object *cells = pb_json_get(p->base, "cells"), *nc = pb_json_get(p->new, "cells");
	bool head = false;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *n;
		char f[6][32], label[96];

		if (!is(c, "gup_fast") || !(n = twin(nc, pb_json_str(c, "id", NULL))) || !ok(c) ||
		    !ok(n))
			continue;
		if (!head) {
			pb_text_put(t, "### gup_fast: every strategy's acquire and release\n\n"
				    "Per page, p50 of each call timed alone.\n\n"
				    "| strategy | backing | pages/call | acquire %s | %s | delta | release %s | %s | delta |\n"
				    "|---|---|---:|---:|---:|---:|---:|---:|---:|\n", p->a, p->b, p->a, p->b);
			head = true;
		}
		fig(f[0], 32, pb_json_num(c, "metrics.acquire_ns_per_page.p50"), 1);
		fig(f[1], 32, pb_json_num(n, "metrics.acquire_ns_per_page.p50"), 1);
		delta(f[2], 32, pb_json_num(c, "metrics.acquire_ns_per_page.p50"),
		      pb_json_num(n, "metrics.acquire_ns_per_page.p50"));
		fig(f[3], 32, pb_json_num(c, "metrics.release_ns_per_page.p50"), 1);
		fig(f[4], 32, pb_json_num(n, "metrics.release_ns_per_page.p50"), 1);
		delta(f[5], 32, pb_json_num(c, "metrics.release_ns_per_page.p50"),
		      pb_json_num(n, "metrics.release_ns_per_page.p50"));
		pb_cell_label(c, label, sizeof(label));
		pb_text_put(t, "| %s | %s%s | %s | %s | %s | %s | %s | %s | %s |\n", label,
			    pb_json_str(c, "params.backing", "?"),
			    strcmp(pb_json_str(c, "params.thp", ""), "on") ? "" : " THP",
			    pb_json_str(c, "params.pages_per_call", "?"), f[0], f[1], f[2], f[3],
			    f[4], f[5]);
	}
	if (head)
		pb_text_put(t, "\n");
}

/* A cell's headline h as a table shows it: the word, the number, or its status. */
static void headline_text(struct json_object *c, const struct pb_headline *h, char *out, size_t len)
{
	char path[160];
	struct json_object *v;

	if (!c) {
		snprintf(out, len, "not run");
		return;
	}
	if (!ok(c)) {
		snprintf(out, len, "%s", pb_json_str(c, "status", "?"));
		return;
	}
	snprintf(path, sizeof(path), "metrics.%s%s%s", h->metric, *h->field ? "." : "", h->field);
	v = pb_json_get(pb_json_get(c, "metrics"), h->metric);
	if (v && json_object_is_type(v, json_type_string))
		snprintf(out, len, "%s", json_object_get_string(v));
	else
		fig(out, len, pb_json_num(c, path), 1);
}

/*
 * Every workload without a section of its own above (mm_churn, pin_cost,
 * pin_count, ...): its headline figures on each kernel, cell by cell, from
 * the workload's own declaration. A word that differs is in bold.
 */
static void other_workloads(struct pb_text *t, const struct pair *p)
{
	static const char *const own[] = { "stock_dio", "truncate_under_dma", "truncate_stock",
					   "writeback_under_dma", "gup_fast" };
	struct json_object *cells = pb_json_get(p->base, "cells"), *nc = pb_json_get(p->new, "cells");

	for (size_t w = 0; pb_workloads[w]; w++) {
		const struct pb_workload *wl = pb_workloads[w];
		bool skip = !wl->nr_headlines, head = false;

		for (size_t k = 0; k < ARRAY_SIZE(own); k++)
			skip = skip || !strcmp(own[k], wl->name);
		for (size_t i = 0; !skip && i < json_object_array_length(cells); i++) {
			struct json_object *c = json_object_array_get_idx(cells, i), *n;
			const char *id = pb_json_str(c, "id", "?");

			if (!is(c, wl->name))
				continue;
			n = twin(nc, id);
			if (!head) {
				pb_text_put(t, "### %s: %s\n\n| cell |", wl->name, wl->summary);
				for (size_t h = 0; h < wl->nr_headlines; h++)
					pb_text_put(t, " %s %s | %s |", wl->headlines[h].says, p->a, p->b);
				pb_text_put(t, "\n|---|");
				for (size_t h = 0; h < wl->nr_headlines; h++)
					pb_text_put(t, "---:|---:|");
				pb_text_put(t, "\n");
				head = true;
			}
			/* The id without the workload's name: strategy and swept options. */
			pb_text_put(t, "| %s |", strchr(id, '/') ? strchr(id, '/') + 1 : id);
			for (size_t h = 0; h < wl->nr_headlines; h++) {
				char va[96], vb[96];
				bool word;

				headline_text(c, &wl->headlines[h], va, sizeof(va));
				headline_text(n, &wl->headlines[h], vb, sizeof(vb));
				word = !isdigit((unsigned char)va[0]) && va[0] != '-';
				pb_text_put(t, " %s%s%s | %s%s%s |", word && strcmp(va, vb) ? "**" : "", va,
					    word && strcmp(va, vb) ? "**" : "", word && strcmp(va, vb) ? "**" : "",
					    vb, word && strcmp(va, vb) ? "**" : "");
			}
			pb_text_put(t, "\n");
		}
		if (head)
			pb_text_put(t, "\nA word in bold differs between the kernels; `-` where the cell has "
				    "no such figure.\n\n");
	}
}

/* A kernel release as part of a file name: letters, digits, '.', '+', '-' and '_' only. */
static void file_part(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; s && *s && i + 1 < len; s++)
		out[i++] = (strchr("._+-", *s) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
			    (*s >= 'A' && *s <= 'Z')) ? *s : '_';
	out[i] = '\0';
}

/* Every DIR/kernels/NAME.md, in name order, between the markers; "" when there is none. */
char *pb_publish_kernel_sections(const char *outdir)
{
	char *dir = pb_asprintf("%s/kernels", outdir), **names;
	struct pb_text t = { 0 };
	size_t n;

	names = pb_dir_names(dir, ".md", &n);
	pb_text_put(&t, "%s", "");
	if (n) {
		pb_text_put(&t, "%s\n\n", BEGIN_MARK);
		for (size_t i = 0; i < n; i++) {
			char *path = pb_asprintf("%s/%s", dir, names[i]), *s = pb_read_file(path, NULL);

			if (s)
				pb_text_put(&t, "%s\n", s);
			free(s);
			free(path);
			free(names[i]);
		}
		pb_text_put(&t, "%s\n", END_MARK);
	}
	free(names);
	free(dir);
	return t.s;
}

static int publish_kernels(struct json_object *base, struct json_object *new, const char *const *refs,
			   size_t nref, const char *outdir, char *err, size_t errlen)
{
	struct pair p = { .base = base,
			  .new = new,
			  .a = pb_json_str(base, "guest.kernel_release", NULL),
			  .b = pb_json_str(new, "guest.kernel_release", NULL) };
	char fa[128], fb[128], *dir, *path, *readme, *old, *sections, *begin, *end;
	struct pb_text t = { 0 };
	int ret = 0;

	if (!p.a || !p.b) {
		snprintf(err, errlen, "a side records no guest.kernel_release");
		return -1;
	}
	pb_text_put(&t, "## %s against %s\n\n", p.a, p.b);
	pb_text_put(
		&t,
		"Generated by `pinbench publish --kernels` from one A/B run: `%s`. Mode **%s**, "
		"accelerator **%s**, %s and %s repetition(s), alternating between the kernels; "
		"started %s, pinbench %s. Figures are the medians over the repetitions.\n\n",
		pb_json_str(base, "run.cmdline", "?"), pb_json_str(base, "run.mode", "?"),
		pb_json_str(base, "run.accel", "?"), pb_json_str(base, "run.repeat", "?"),
		pb_json_str(new, "run.repeat", "?"), pb_json_str(base, "run.started_at", "?"),
		pb_json_str(base, "pinbench.version", "?"));
	stock_dio(&t, &p);
	outcomes(&t, &p, "truncate_under_dma", "truncate_under_dma: what became of the device's data",
		 "Each strategy, and the stock kernel as the GUP user (rows \"stock\"), while the file "
		 "is truncated; the verdicts are those of the truncate_under_dma tables. A "
		 "deterministic run has one vCPU: a race that needs a second CPU beside the I/O "
		 "does not show in it (the 6.1.y DAX truncate hang: workloads/dax-hang.job, wall "
		 "mode).");
	outcomes(&t, &p, "writeback_under_dma", "[O1] writeback under DMA",
		 "Pages whose disk copy was stale after the final fsync(), and the verdict.");
	fixed_buffers(&t, &p);
	gup_fast(&t, &p);
	other_workloads(&t, &p);
	for (size_t i = 0; i < nref; i++) {
		char *s = pb_read_file(refs[i], NULL);

		if (!s) {
			snprintf(err, errlen, "%s: %s", refs[i], strerror(errno));
			free(t.s);
			return -1;
		}
		if (i == 0)
			pb_text_put(&t, "### Against the kernel's own mm/gup_test.c (`make reference`)\n\n");
		pb_text_put(&t, "%s\n", s);
		free(s);
	}

	file_part(p.a, fa, sizeof(fa));
	file_part(p.b, fb, sizeof(fb));
	dir = pb_asprintf("%s/kernels", outdir);
	path = pb_asprintf("%s/%s_vs_%s.md", dir, fa, fb);
	if (pb_mkdir_p(dir, 0755) < 0 || pb_write_file_atomic(path, t.s, t.len) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		ret = -1;
		goto out;
	}
	/* README.md: the region between the markers, or appended at its end. */
	readme = pb_asprintf("%s/README.md", outdir);
	old = pb_read_file(readme, NULL);
	sections = pb_publish_kernel_sections(outdir);
	{
		struct pb_text r = { 0 };

		begin = old ? strstr(old, BEGIN_MARK) : NULL;
		end = begin ? strstr(begin, END_MARK) : NULL;
		if (begin && end) {
			end += strlen(END_MARK);
			if (*end == '\n')
				end++;
			pb_text_put(&r, "%.*s%s%s", (int)(begin - old), old, sections, end);
		} else {
			pb_text_put(&r, "%s%s%s", old ? old : "", old && *old ? "\n" : "", sections);
		}
		if (pb_write_file_atomic(readme, r.s, r.len) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", readme, strerror(errno));
			ret = -1;
		}
		free(r.s);
	}
	free(sections);
	free(old);
	free(readme);
out:
	free(path);
	free(dir);
	free(t.s);
	return ret;
}

int pb_publish_kernels(struct json_object *base, struct json_object *new, const char *const *refs,
		       size_t nref, const char *outdir, char *err, size_t errlen)
{
	/* Every string the section prints, escaped for Markdown (escape.h). */
	struct json_object *bv = pb_md_view(base), *nv = pb_md_view(new);
	int ret = publish_kernels(bv, nv, refs, nref, outdir, err, errlen);

	json_object_put(bv);
	json_object_put(nv);
	return ret;
}
