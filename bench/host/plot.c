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
#include "render.h"
#include "workload.h"
#include "results.h"
#include "stats.h"
#include "util.h"

static struct pb_series *series_get(struct pb_figure *f, const char *label)
{
	for (size_t i = 0; i < f->ns; i++)
		if (!strcmp(f->s[i].label, label))
			return &f->s[i];
	if (f->ns == ARRAY_SIZE(f->s))
		return NULL;
	snprintf(f->s[f->ns].label, sizeof(f->s[f->ns].label), "%s", label);
	return &f->s[f->ns++];
}

void fig_point(struct pb_figure *f, const char *label, double x, double y)
{
	struct pb_series *s = series_get(f, label);
	char line[64];
	int n;

	if (!s || !(x > 0) || !(y > 0)) /* absent (NaN), or nothing a log axis can show */
		return;
	n = snprintf(line, sizeof(line), "%.10g %.10g\n", x, y);
	s->data = realloc(s->data, s->len + (size_t)n + 1);
	if (!s->data)
		pb_die("out of memory");
	memcpy(s->data + s->len, line, (size_t)n + 1);
	s->len += (size_t)n;
}

void fig_free(struct pb_figure *f)
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

int fig_gnuplot(const char *dir, const char *name, const char *script, char *err, size_t errlen)
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
const char *fig_text(const char *in, char *out, size_t len)
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
int fig_draw(const char *dir, struct pb_figure *f, char *err, size_t errlen)
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
	fprintf(g, "set title \"%s\" noenhanced\n", fig_text(f->title, safe, sizeof(safe)));
	fprintf(g, "set xlabel \"%s\"\n", fig_text(f->xlabel, safe, sizeof(safe)));
	fprintf(g, "set ylabel \"%s\"\n", fig_text(f->ylabel, safe, sizeof(safe)));
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
				fig_text(f->s[i].label, safe, sizeof(safe)));
		fprintf(g, "\n");
	}
	fclose(g);
	if (!ret && fig_gnuplot(dir, f->name, script, err, errlen) < 0)
		ret = -1;
	free(script);
out:
	fig_free(f);
	return ret;
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
	ret = 0;
	for (size_t i = 0; !ret && pb_workloads[i]; i++)
		if (pb_workloads[i]->plot)
			ret = pb_workloads[i]->plot(cells, dir, err, errlen);
	rmdir(dir);	/* only if nothing was drawn */
	free(dir);
	return ret;
}
