// SPDX-License-Identifier: GPL-2.0
/* plot.c: gnuplot figures (PNG and SVG) from results.json: cost per page, latency CDFs, IOPS, truncate outcomes. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pinbench_uapi.h"
#include "plot.h"
#include "results.h"
#include "stats.h"
#include "util.h"

/*
 * Each figure is a data file per series, a gnuplot script that draws it
 * twice (pngcairo, then svg), and the two images, all under DIR/plots/.
 * Series are cells grouped by what the figure's axes are not about; a
 * figure is drawn only where it has data.
 */
struct series {
	char label[96];
	char *data;		/* "x y\n" lines */
	size_t len;
};

struct figure {
	char name[96];		/* file stem */
	char title[256];
	const char *xlabel, *ylabel;
	bool logx, logy;
	int xbase;		/* log base of x: 2 for sizes, 10 for times */
	bool lines;		/* dense data (a CDF): lines, no point marks */
	struct series s[32];
	size_t ns;
};

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = pb_json_get(o, key);

	return v ? json_object_get_string(v) : "";
}

static double num(struct json_object *o, const char *key, const char *field)
{
	struct json_object *v = pb_json_get(o, key);

	if (field)
		v = pb_json_get(v, field);
	return v ? json_object_get_double(v) : -1;
}

static struct series *series_get(struct figure *f, const char *label)
{
	for (size_t i = 0; i < f->ns; i++)
		if (!strcmp(f->s[i].label, label))
			return &f->s[i];
	if (f->ns == ARRAY_SIZE(f->s))
		return NULL;
	snprintf(f->s[f->ns].label, sizeof(f->s[f->ns].label), "%s", label);
	return &f->s[f->ns++];
}

static void point(struct figure *f, const char *label, double x, double y)
{
	struct series *s = series_get(f, label);
	char line[64];
	int n;

	if (!s || x <= 0 || y <= 0)
		return;
	n = snprintf(line, sizeof(line), "%.10g %.10g\n", x, y);
	s->data = realloc(s->data, s->len + (size_t)n + 1);
	if (!s->data)
		pb_die("out of memory");
	memcpy(s->data + s->len, line, (size_t)n + 1);
	s->len += (size_t)n;
}

static void figure_free(struct figure *f)
{
	for (size_t i = 0; i < f->ns; i++)
		free(f->s[i].data);
	f->ns = 0;
}

/*
 * Draw name.png and name.svg in dir with a gnuplot script whose outputs
 * are named OUT.png and OUT.svg. name.gp keeps the script as a reader
 * would rerun it; gnuplot itself draws to .tmp names, renamed once it has
 * succeeded, so a failed drawing never leaves half a figure over a good
 * one. -1 (with err) when it fails.
 */
/*
 * Run gnuplot on script file `file` in directory dir, without a shell: the
 * directory's name (a run directory may be called anything, quotes
 * included) never reaches a command line, and gnuplot reads the script
 * from a file, so a gnuplot that is missing or exits early cannot kill us
 * with SIGPIPE. Its output is appended to dir/gnuplot.log. The wait
 * status, or -1.
 */
static int run_gnuplot(const char *dir, const char *file)
{
	char *log = pb_asprintf("%s/gnuplot.log", dir);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644), st = -1;
	pid_t pid;

	free(log);
	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(dir) < 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", file, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

static int gnuplot_atomic(const char *dir, const char *name, const char *script, char *err, size_t errlen)
{
	static const char *const exts[] = { "png", "svg" };
	char *gp = pb_asprintf("%s/%s.gp", dir, name), *text = NULL, *run_name, *run_path;
	char *final_out = pb_asprintf("set output '%s.", name), *tmp_out = pb_asprintf("set output '.%s.tmp.", name);
	const char *p = script, *at;
	size_t tlen = 0;
	FILE *g;
	int st = -1;

	if (pb_write_file_atomic(gp, script, strlen(script)) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", gp, strerror(errno));
		goto out;
	}
	/* The same script, each "set output 'name.EXT'" drawing to '.name.tmp.EXT' instead. */
	g = open_memstream(&text, &tlen);
	if (!g)
		pb_die("out of memory");
	while ((at = strstr(p, final_out))) {
		fwrite(p, 1, (size_t)(at - p), g);
		fputs(tmp_out, g);
		p = at + strlen(final_out);
	}
	fputs(p, g);
	fclose(g);
	/* gnuplot's warnings (a one-point axis) go to a log beside the figures. */
	run_name = pb_asprintf(".%s.tmp.gp", name);
	run_path = pb_asprintf("%s/%s", dir, run_name);
	if (pb_write_file_atomic(run_path, text, tlen) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", run_path, strerror(errno));
		free(run_name);
		free(run_path);
		goto out;
	}
	st = run_gnuplot(dir, run_name);
	unlink(run_path);
	free(run_name);
	free(run_path);
	for (size_t i = 0; i < 2; i++) {
		char *tmp = pb_asprintf("%s/.%s.tmp.%s", dir, name, exts[i]);
		char *dst = pb_asprintf("%s/%s.%s", dir, name, exts[i]);

		if (st == 0 && rename(tmp, dst) < 0)
			st = -1;
		unlink(tmp);
		free(tmp);
		free(dst);
	}
	if (st != 0)
		snprintf(err, errlen, "gnuplot failed on %s (status %d, see gnuplot.log there)%s", gp, st,
			 st > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
			 ": is gnuplot-nox installed (make deps)?" : "");
out:
	free(final_out);
	free(tmp_out);
	free(text);
	free(gp);
	return st == 0 ? 0 : -1;
}

/*
 * Text from results.json as a gnuplot string may hold it: strategy names
 * and parameters come from a file that may be hostile, and a gnuplot
 * string can end early or substitute a command (backquotes, macros).
 * Only letters, digits and plain punctuation pass; anything else becomes
 * '?'. The result goes between double quotes.
 */
static const char *gp_text(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 1 < len; in++)
		out[n++] = (isalnum((unsigned char)*in) || strchr(" _.,:;()/+=%<>[]-", *in)) ? *in : '?';
	out[n] = '\0';
	return out;
}

/*
 * Write the series and the script, run gnuplot; -1 (with err) when it
 * fails. The figure's series are freed either way.
 */
static int draw(const char *dir, struct figure *f, char *err, size_t errlen)
{
	char *script = NULL, safe[256];
	size_t slen = 0;
	int ret = 0;
	FILE *g;

	if (!f->ns)
		goto out;
	g = open_memstream(&script, &slen);
	if (!g)
		pb_die("out of memory");
	fprintf(g, "# %s: drawn by pinbench from results.json\n", f->name);
	fprintf(g, "set title \"%s\" noenhanced\n", gp_text(f->title, safe, sizeof(safe)));
	fprintf(g, "set xlabel \"%s\"\n", gp_text(f->xlabel, safe, sizeof(safe)));
	fprintf(g, "set ylabel \"%s\"\n", gp_text(f->ylabel, safe, sizeof(safe)));
	fprintf(g, "set key outside right noenhanced\nset grid\n");
	if (f->logx)
		fprintf(g, "set logscale x %d\nset format x \"%%g\"\n", f->xbase ? f->xbase : 2);
	if (f->logy)
		fprintf(g, "set logscale y\n");
	for (size_t i = 0; i < f->ns && !ret; i++) {
		char *dat = pb_asprintf("%s/%s.%zu.dat", dir, f->name, i);

		if (pb_write_file_atomic(dat, f->s[i].data ? f->s[i].data : "", f->s[i].len) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", dat, strerror(errno));
			ret = -1;
		}
		free(dat);
	}
	for (int t = 0; t < 2; t++) {
		fprintf(g, "set terminal %s size 960,540\nset output '%s.%s'\nplot ",
			t ? "svg dynamic" : "pngcairo", f->name, t ? "svg" : "png");
		for (size_t i = 0; i < f->ns; i++)
			fprintf(g, "%s'%s.%zu.dat' using 1:2 with %s title \"%s\"", i ? ", " : "",
				f->name, i, f->lines ? "lines lw 2" : "linespoints",
				gp_text(f->s[i].label, safe, sizeof(safe)));
		fprintf(g, "\n");
	}
	fclose(g);
	if (!ret && gnuplot_atomic(dir, f->name, script, err, errlen) < 0)
		ret = -1;
	free(script);
out:
	figure_free(f);
	return ret;
}

/* gup_fast: acquire and release cost per page against pages per call, per strategy. */
static int plot_gup_fast(struct json_object *cells, const char *dir, char *err, size_t errlen)
{
	struct figure f = { .xlabel = "pages per call", .ylabel = "ns per page (phase mean)",
			    .logx = true, .logy = true };

	snprintf(f.name, sizeof(f.name), "gup_fast-cost-per-page");
	snprintf(f.title, sizeof(f.title), "gup_fast: cost per page (anon, THP off, write, short-term)");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *p = pb_json_get(c, "params");
		struct json_object *m = pb_json_get(c, "metrics");
		char label[96], l2[128];

		if (strcmp(str(c, "workload"), "gup_fast") || strcmp(str(c, "status"), "ok") ||
		    strcmp(str(p, "backing"), "anon") || strcmp(str(p, "thp"), "off") ||
		    strcmp(str(p, "longterm"), "0") || strcmp(str(p, "write"), "1"))
			continue;
		pb_cell_label(c, label, sizeof(label));
		snprintf(l2, sizeof(l2), "%s acquire", label);
		point(&f, l2, num(p, "pages_per_call", NULL), num(m, "acquire_phase_ns_per_page", NULL));
		snprintf(l2, sizeof(l2), "%s release", label);
		point(&f, l2, num(p, "pages_per_call", NULL), num(m, "release_phase_ns_per_page", NULL));
	}
	return draw(dir, &f, err, errlen);
}

/* small_dio: latency CDFs at 4 KiB, QD1, one submitter, and IOPS against block size at QD1. */
static int plot_small_dio(struct json_object *cells, const char *dir, char *err, size_t errlen)
{
	static const char *const rws[] = { "read", "write" };
	static const char *const comps[] = { "inline", "softirq", "hardirq" };

	for (size_t r = 0; r < 2; r++) {
		for (size_t k = 0; k < 3; k++) {
			struct figure cdf = { .xlabel = "latency, ns (submit to completion)",
					      .ylabel = "fraction of I/Os at or below", .logx = true,
					      .xbase = 10, .lines = true };
			struct figure io = { .xlabel = "block size, bytes", .ylabel = "IOPS",
					     .logx = true, .logy = true };

			snprintf(cdf.name, sizeof(cdf.name), "small_dio-latency-cdf-%s-%s", rws[r], comps[k]);
			snprintf(cdf.title, sizeof(cdf.title), "small_dio: latency CDF, 4 KiB %s, QD1, %s completion",
				 rws[r], comps[k]);
			snprintf(io.name, sizeof(io.name), "small_dio-iops-%s-%s", rws[r], comps[k]);
			snprintf(io.title, sizeof(io.title), "small_dio: IOPS by block size, %s, QD1, %s completion",
				 rws[r], comps[k]);
			for (size_t i = 0; i < json_object_array_length(cells); i++) {
				struct json_object *c = json_object_array_get_idx(cells, i), *p = pb_json_get(c, "params");
				/* Over every repetition where there were several. */
				struct json_object *h = pb_json_get(pb_json_get(c, "merged_histograms"), "latency_ns");
				char label[96];
				struct pb_hist hist;

				if (!h)
					h = pb_json_get(pb_json_get(c, "raw"), "latency_ns");

				if ((strcmp(str(c, "workload"), "small_dio") &&
				     strcmp(str(c, "workload"), "stock_dio")) ||
				    strcmp(str(c, "status"), "ok") || strcmp(str(p, "rw"), rws[r]) ||
				    strcmp(str(p, "completion"), comps[k]) || num(p, "queue_depth", NULL) != 1 ||
				    (pb_json_get(p, "submitters") && num(p, "submitters", NULL) != 1) ||
				    (pb_json_get(p, "longterm") && num(p, "longterm", NULL) != 0))
					continue;
				pb_cell_label(c, label, sizeof(label));
				point(&io, label, num(p, "block_size", NULL), num(pb_json_get(c, "metrics"), "iops", NULL));
				if (num(p, "block_size", NULL) != 4096 || !h || pb_hist_from_json(h, &hist) < 0)
					continue;
				if (hist.n) {
					uint64_t seen = 0;

					for (uint32_t b = 0; b < PINBENCH_HIST_BUCKETS; b++) {
						__u64 width;

						if (!hist.buckets[b])
							continue;
						seen += hist.buckets[b];
						point(&cdf, label, (double)pinbench_hist_low(b, &width) + (double)width,
						      (double)seen / (double)hist.n);
					}
				}
				pb_hist_free(&hist);
			}
			int a = draw(dir, &cdf, err, errlen), b = draw(dir, &io, err, errlen);

			if (a < 0 || b < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * truncate_under_dma: truncate p50 per strategy, a cluster of bars per row
 * (one bar per file system); refused cells have no bar ("?" in the data).
 */
static int plot_truncate(struct json_object *cells, const char *dir, char *err, size_t errlen)
{
	static const char *const fss[] = { "tmpfs", "ext4", "ext4_dax" };
	char labels[24][96], *dat, *text = NULL;
	double v[24][3];
	size_t nrow = 0, len = 0;
	FILE *t;
	int st;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *p = pb_json_get(c, "params");
		char label[96];
		size_t r, k;

		if ((strcmp(str(c, "workload"), "truncate_under_dma") &&
		     strcmp(str(c, "workload"), "truncate_stock")) ||
		    strcmp(str(c, "status"), "ok") || strcmp(str(p, "truncate_to"), "zero"))
			continue;
		if (!strcmp(str(c, "workload"), "truncate_stock"))
			snprintf(label, sizeof(label), "stock %s",
				 !strcmp(str(p, "fixedbufs"), "1") ? "fixed bufs" : "O_DIRECT");
		else
			snprintf(label, sizeof(label), "%s%s%s", str(c, "strategy"),
				 !strcmp(str(p, "registration"), "per_buffer") ? " per buf" : "",
				 !strcmp(str(p, "longterm"), "1") ? " LT" : "");
		for (r = 0; r < nrow && strcmp(labels[r], label); r++)
			;
		if (r == nrow) {
			if (nrow == ARRAY_SIZE(labels))
				continue;
			snprintf(labels[nrow], sizeof(labels[nrow]), "%s", label);
			v[nrow][0] = v[nrow][1] = v[nrow][2] = -1;
			nrow++;
		}
		for (k = 0; k < 3; k++)
			if (!strcmp(str(p, "filesystem"), fss[k]))
				v[r][k] = num(pb_json_get(c, "metrics"), "truncate_ns", "p50") / 1000;
	}
	if (!nrow)
		return 0;
	t = open_memstream(&text, &len);
	if (!t)
		pb_die("out of memory");
	fprintf(t, "cell tmpfs ext4 ext4_dax\n");
	for (size_t r = 0; r < nrow; r++) {
		char safe[128];

		fprintf(t, "\"%s\"", gp_text(labels[r], safe, sizeof(safe)));
		for (size_t k = 0; k < 3; k++)
			v[r][k] > 0 ? fprintf(t, " %.6g", v[r][k]) : fprintf(t, " ?");
		fprintf(t, "\n");
	}
	fclose(t);
	dat = pb_asprintf("%s/truncate-latency.dat", dir);
	if (pb_write_file_atomic(dat, text, len) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", dat, strerror(errno));
		free(text);
		free(dat);
		return -1;
	}
	free(text);
	free(dat);
	t = open_memstream(&text, &len);
	if (!t)
		pb_die("out of memory");
	fprintf(t, "# truncate-latency: drawn by pinbench from results.json\n"
		"set title \"truncate_under_dma: truncate to zero, p50 (no bar: the pin was refused)\" "
		"noenhanced\nset ylabel \"us\"\nset logscale y\nset grid y\nset key outside right "
		"noenhanced\nset style data histograms\nset style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\nset datafile missing '?'\nset xtics rotate by -35 "
		"noenhanced\n");
	for (int k = 0; k < 2; k++)
		fprintf(t, "set terminal %s size 1100,560\nset output 'truncate-latency.%s'\n"
			"plot 'truncate-latency.dat' using 2:xtic(1) title columnheader, '' using 3 title "
			"columnheader, '' using 4 title columnheader\n", k ? "svg dynamic" : "pngcairo",
			k ? "svg" : "png");
	fclose(t);
	st = gnuplot_atomic(dir, "truncate-latency", text, err, errlen);
	free(text);
	return st;
}

int pb_report_plots(struct json_object *root, const char *rundir, char *err, size_t errlen)
{
	struct json_object *cells = pb_json_get(root, "cells");
	char *dir = pb_asprintf("%s/plots", rundir);
	int ret;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	ret = plot_gup_fast(cells, dir, err, errlen);
	if (!ret)
		ret = plot_small_dio(cells, dir, err, errlen);
	if (!ret)
		ret = plot_truncate(cells, dir, err, errlen);
	rmdir(dir);	/* only if nothing was drawn */
	free(dir);
	return ret;
}
