// SPDX-License-Identifier: GPL-2.0
/* run.c: running a plan: one side per kernel, boots and retries, progress, results, A/B and nightly. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "compare.h"
#include "csv.h"
#include "plot.h"
#include "job.h"
#include "klog.h"
#include "merge.h"
#include "publish.h"
#include "repeat.h"
#include "report.h"
#include "results.h"
#include "util.h"
#include "workload.h"
#include "vm.h"
#include "host.h"

struct progress {
	const char *share;
	char **labels;		/* per guest plan entry: id, and the repetition */
	size_t total, last_done;
	/* An A/B run: cells the other kernel has done, and all cells of both (0: one kernel). */
	size_t done_elsewhere, total_all;
	int last_running;
	double t0;
	bool tty;
};

static size_t count_results(const char *share)
{
	struct pb_cells c;

	pb_cells_scan(share, 0, &c);
	return c.results;
}

/* The width of the terminal on stderr, or 0. */
static int tty_cols(void)
{
	struct winsize ws;

	return ioctl(2, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

/*
 * Which cell of how many is running, the time so far and an estimate of
 * what is left (from the cells done): on a terminal, one line rewritten in
 * place and cut to its width; otherwise (a CI log) one line per cell, as
 * it starts.
 */
static void progress_tick(void *arg)
{
	struct progress *p = arg;
	struct pb_cells c;
	double el = pb_now_s() - p->t0;
	char line[512], left[48] = "";
	int n, cols;

	pb_cells_scan(p->share, 0, &c);
	if (!p->tty && c.results == p->last_done && c.running == p->last_running)
		return;
	p->last_done = c.results;
	p->last_running = c.running;
	{
		size_t done = c.results + p->done_elsewhere, all = p->total_all ? p->total_all : p->total;

		if (done && done < all)
			snprintf(left, sizeof(left), ", about %.0f s left",
				 el / (double)done * (double)(all - done));
	}
	if (c.running >= 0 && (size_t)c.running < p->total)
		n = snprintf(line, sizeof(line), "[cell %d/%zu, %.0f s elapsed%s] %s", c.running + 1,
			     p->total, el, left, p->labels[c.running]);
	else
		n = snprintf(line, sizeof(line), "[%zu/%zu cells done, %.0f s elapsed%s]", c.results,
			     p->total, el, left);
	if (p->tty) {
		cols = tty_cols();
		if (cols > 1 && n >= cols)
			line[cols - 1] = '\0';
		/* \033[K: clear what a longer line left behind. */
		fprintf(stderr, "\r%s\033[K", line);
	} else {
		fprintf(stderr, "%s\n", line);
	}
}

/* report.md, <workload>.csv and plots/ in dir, from root alone; the report goes to stdout too. */
void render_all(struct json_object *root, const char *dir)
{
	char err[1024], *report = pb_report_md(root), *path = pb_asprintf("%s/report.md", dir);

	if (pb_write_file_atomic(path, report, strlen(report)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	if (pb_report_csv(root, dir, err, sizeof(err)) < 0)
		pb_die("%s", err);
	/* Figures are a convenience: without gnuplot the results stand. */
	if (pb_report_plots(root, dir, err, sizeof(err)) < 0)
		fprintf(stderr, "pinbench: plots not drawn: %s\n", err);
	fputs(report, stdout);
	free(report);
	free(path);
}

/* results.json into dir, never over an earlier one. */
void write_results(struct json_object *root, const char *dir)
{
	char *path = pb_asprintf("%s/results.json", dir);
	const char *js = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);

	if (pb_file_exists(path))
		pb_die("%s already holds a result; pinbench never overwrites one", dir);
	if (pb_write_file_atomic(path, js, strlen(js)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	/*
	 * What this pinbench writes, its own readers must take: a file they
	 * would refuse is a bug here, said at once (the file stays, with
	 * everything measured).
	 */
	{
		char err[1024];

		if (pb_results_check(root, err, sizeof(err)) < 0)
			pb_die("%s does not pass pinbench's own results check (a pinbench bug): %s", path, err);
	}
	free(path);
}

/*
 * One kernel's part of a run: its guest, its run directory (the run's own,
 * or base/ and new/ in an A/B run), the boots it took.
 */
struct run_side {
	const char *label;		/* "base" or "new" in an A/B run, else NULL */
	struct guest_setup g;
	char *dir, *share, *console, *qcmd;
	struct json_object *guest_plan;	/* the plan's cells times the repetitions */
	struct pb_boot b;
	struct progress prog;
	size_t total;			/* guest plan entries */
	size_t *entry_cell;		/* each entry's cell (index into the plan) */
	size_t *cell_reps;		/* each cell's entries: its repetitions */
	int rounds;			/* adaptive rounds run after the first passes */
	int boots;
	double ready, first_cell;
	struct json_object *timeline;	/* the first ready boot's stages */
	char last_problem[1536];
};

/* Results among guest plan entries [from, to). */
static size_t results_in(const char *share, size_t from, size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		char *p = pb_asprintf("%s/cells/%04zu.json", share, i);

		n += pb_file_exists(p);
		free(p);
	}
	return n;
}

/*
 * One more guest plan entry: cell i's next repetition (of nrep planned,
 * or 0 when adaptive rounds decide how many). Its result will be
 * guest/cells/<entry>.json.
 */
static void side_add_entry(struct run_side *sd, const struct pb_plan *plan, struct json_object *plan_json,
			   size_t i, size_t nrep)
{
	struct json_object *gc = json_object_new_object();
	size_t e = sd->total++, r = ++sd->cell_reps[i];

	json_object_object_foreach(json_object_array_get_idx(json_object_object_get(plan_json, "cells"), i), k, v)
		json_object_object_add(gc, k, json_object_get(v));
	json_object_object_add(gc, "repetition", json_object_new_uint64(r));
	json_object_object_add(gc, "unit", json_object_new_uint64(plan->cells[i].unit));
	json_object_array_add(json_object_object_get(sd->guest_plan, "cells"), gc);
	sd->entry_cell = pb_xrealloc(sd->entry_cell, sd->total * sizeof(*sd->entry_cell));
	sd->entry_cell[e] = i;
	sd->prog.labels = pb_xrealloc(sd->prog.labels, (sd->total + 1) * sizeof(char *));
	sd->prog.labels[e] = nrep == 1 ?
		pb_asprintf("%s%s%s", sd->label ? sd->label : "", sd->label ? ": " : "", plan->cells[i].id) :
		nrep ? pb_asprintf("%s%s%s (repetition %zu/%zu)", sd->label ? sd->label : "",
				   sd->label ? ": " : "", plan->cells[i].id, r, nrep) :
		pb_asprintf("%s%s%s (repetition %zu, adaptive)", sd->label ? sd->label : "",
			    sd->label ? ": " : "", plan->cells[i].id, r);
	sd->prog.labels[sd->total] = NULL;
	sd->prog.total = sd->total;
}

/* Create the side's directory and its guest plan (every repetition); its kernel is set up already. */
static void side_init(struct run_side *sd, const struct config *c, const char *dir,
		      const struct pb_plan *plan, struct json_object *plan_json, size_t nrep)
{
	struct json_object *gcells = json_object_new_array();
	char *path, *guest_exec;

	sd->dir = pb_xstrdup(dir);
	sd->share = pb_asprintf("%s/guest", dir);
	sd->console = pb_asprintf("%s/console.log", dir);
	sd->ready = sd->first_cell = -1;
	/*
	 * The guest's plan: the whole plan once per repetition, in passes, so
	 * that a drift of the host (another load, thermal) spreads over every
	 * cell alike instead of landing on one strategy's repetitions. Each
	 * cell has its own warm-up, which every repetition runs and discards.
	 */
	sd->guest_plan = json_object_new_object();
	json_object_object_add(sd->guest_plan, "cells", gcells);
	sd->total = 0;
	sd->cell_reps = pb_xcalloc(plan->nr ? plan->nr : 1, sizeof(*sd->cell_reps));
	for (size_t r = 0; r < nrep; r++)
		for (size_t i = 0; i < plan->nr; i++)
			side_add_entry(sd, plan, plan_json, i, nrep);
	if (c->calibrate >= 0)
		json_object_object_add(sd->guest_plan, "calibrate_ns_per_page", json_object_new_int(c->calibrate));
	/* The emulator's speed around every cell, where figures are wall time (repeat.h). */
	if (!strcmp(c->mode, "wall"))
		json_object_object_add(sd->guest_plan, "speed_probe", json_object_new_boolean(1));

	path = pb_asprintf("%s/cells", sd->share);
	if (pb_mkdir_p(path, 0755) < 0)
		pb_die("cannot create %s: %s", path, strerror(errno));
	free(path);
	path = pb_asprintf("%s/results.json", dir);
	if (pb_file_exists(path))
		pb_die("%s already holds a result; pinbench never overwrites one (choose another --out)", dir);
	free(path);
	guest_exec = pb_asprintf("%s/bench/pinbench-guest", sd->g.repo);
	{
		char *args[] = { "--share", "/run/pinbench" };

		write_guest_conf(sd->share, "run", sd->g.k.ko, guest_exec, 2, args);
	}
	boot_init(&sd->b, &sd->g, c, sd->share, sd->console);
	/*
	 * A deterministic run's guest is sealed (seal.c): with the share over
	 * 9p, the host's replies land at host-timed moments and two runs
	 * differ. The list lives as long as the run.
	 */
	if (sd->g.mode == PB_MODE_DETERMINISTIC)
		sd->b.seal_files = pb_seal_files(guest_exec, sd->g.k.ko, plan);
	free(guest_exec);
	pmem_for_plan(&sd->b, plan);
	sd->prog.share = sd->share;
	sd->prog.last_running = -1;
	sd->prog.total = sd->total;
	sd->prog.t0 = pb_now_s();
	sd->prog.tty = isatty(2);
	sd->b.tick = progress_tick;
	sd->b.tick_arg = &sd->prog;
	sd->qcmd = pb_boot_cmdline(&sd->b);
}

/*
 * Boots again after a guest lost to something other than a cell, at most
 * this many times per range: a crash before the first cell (no cell can
 * be blamed), an emulator fault at any time (the cell it interrupted runs
 * again; pb_klog_emulator_fault()), and a boot that hangs where an earlier
 * boot of the same kernel came up. Seen here: QEMU 7.2's
 * multi-threaded TCG, on a loaded host, let a 6.12 guest run a breakpoint
 * the kernel had already patched away (text_poke_bp(): a static key
 * flipped by perf_event_open(), or at boot), in about one boot in six
 * with a kernel build beside it.
 */
#define PB_BOOT_RETRIES 2

/*
 * A sealed guest's plan (struct pb_boot's seal_plan): entries [from, to)
 * alone, and nothing that says which run they belong to (a shard's
 * plan_index, the range), so that a unit's guest reads the same bytes in
 * a serial run, a shard, or --jobs.
 */
static char *seal_plan(const struct run_side *sd, size_t from, size_t to)
{
	struct json_object *o = json_object_new_object(), *cells = json_object_new_array();
	struct json_object *all = json_object_object_get(sd->guest_plan, "cells");
	char *s;

	json_object_object_foreach(sd->guest_plan, k, v)
		if (strcmp(k, "cells") && strcmp(k, "run_from") && strcmp(k, "run_to"))
			json_object_object_add(o, k, json_object_get(v));
	for (size_t i = from; i < to; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_foreach(json_object_array_get_idx(all, i), k2, v2)
			if (strcmp(k2, "plan_index"))
				json_object_object_add(e, k2, json_object_get(v2));
		json_object_array_add(cells, e);
	}
	json_object_object_add(o, "cells", cells);
	s = pb_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static void side_run_layout(struct run_side *sd, size_t from, size_t to)
{
	struct pb_boot_result br;
	char *path;
	const char *js;
	int boots = 0, retries = 0;
	bool booted_before;

	json_object_object_add(sd->guest_plan, "run_from", json_object_new_uint64(from));
	json_object_object_add(sd->guest_plan, "run_to", json_object_new_uint64(to));
	path = pb_asprintf("%s/plan.json", sd->share);
	js = json_object_to_json_string_ext(sd->guest_plan, JSON_C_TO_STRING_PRETTY);
	if (pb_write_file_atomic(path, js, strlen(js)) < 0)
		pb_die("cannot write %s: %s", path, strerror(errno));
	free(path);
	if (sd->b.seal_files) {
		struct json_object *all = json_object_object_get(sd->guest_plan, "cells");

		sd->b.seal_plan = seal_plan(sd, from, to);
		sd->b.seal_from = from;
		/*
		 * Persistent memory (pmem_for_plan()) where this guest's own
		 * cells need it, not where the run's plan does: a shard's guest
		 * must boot as the serial run's guest for the same unit.
		 */
		sd->b.pmem_mib = sd->b.pmem_start_mib = 0;
		for (size_t i = from; i < to; i++)
			pmem_for_cell(&sd->b, json_object_object_get(json_object_array_get_idx(all, i), "params"));
	}
	while (results_in(sd->share, from, to) < to - from && boots < (int)(to - from) + 1 + retries) {
		size_t before = results_in(sd->share, from, to);
		int cell;

		/* Once this many results are there, the guest program must end soon. */
		sd->b.cells_total = count_results(sd->share) + (to - from - before);
		boots++;
		sd->boots++;
		if (pb_boot_run(&sd->b, &br) < 0)
			pb_die("cannot start QEMU: %s", strerror(errno));
		booted_before = sd->ready >= 0;
		if (sd->ready < 0 && br.ready_s >= 0) {
			sd->ready = br.ready_s;
			sd->timeline = pb_boot_timeline(sd->console, br.console_offset);
		}
		if (sd->first_cell < 0 && br.first_cell_s >= 0)
			sd->first_cell = br.first_cell_s;
		if (sd->prog.tty)
			fputc('\n', stderr);
		if (br.timed_out)
			snprintf(sd->last_problem, sizeof(sd->last_problem), "guest timed out: %s%s%s",
				 br.timeout_what, br.waited[0] ? "; where it waited (sysrq-w, sysrq-t): " : "",
				 br.waited);
		else if (!WIFEXITED(br.qemu_status) || WEXITSTATUS(br.qemu_status))
			snprintf(sd->last_problem, sizeof(sd->last_problem), "QEMU ended with status 0x%x",
				 br.qemu_status);
		/* The cell left running when the guest went away. */
		{
			struct pb_cells scan;

			pb_cells_scan(sd->share, 0, &scan);
			cell = scan.running;
		}
		if (retries < PB_BOOT_RETRIES) {
			char *fault = console_emulator_fault(sd->console, br.console_offset);

			/* A kernel that booted before and now hangs at boot: the emulator again (seen under load). */
			if (!fault && br.timed_out && br.ready_s < 0 && booted_before)
				fault = pb_asprintf("no PINBENCH-READY within the boot timeout, where an earlier boot of this kernel came up");
			if (fault) {
				retries++;
				snprintf(sd->last_problem, sizeof(sd->last_problem),
					 "emulator fault, the guest booted again: %s", fault);
				fprintf(stderr, "pinbench: %s%semulator fault (%s)%s; booting again (%d of %d)\n",
					sd->label ? sd->label : "", sd->label ? ": " : "", fault,
					cell >= 0 ? ", the cell it interrupted runs again" : "", retries, PB_BOOT_RETRIES);
				free(fault);
				continue;
			}
		}
		if (cell >= 0) {
			char *tail = console_tail(sd->console, br.console_offset, 40);
			char *why = br.timed_out ? pb_asprintf("guest timed out: %s%s%s", br.timeout_what,
							       br.waited[0] ? "; where it waited (sysrq-w, sysrq-t): " : "",
							       br.waited)
						 : pb_xstrdup("guest died during the cell (panic or oops)");
			struct json_object *f = json_object_new_object();
			char *reason = pb_asprintf("%s; console tail:\n%s", why, tail);

			json_object_object_add(f, "index", json_object_new_int(cell));
			json_object_object_add(f, "status", json_object_new_string("failed"));
			json_object_object_add(f, "reason", json_object_new_string(reason));
			path = pb_asprintf("%s/cells/%04d.json", sd->share, cell);
			js = json_object_to_json_string(f);
			if (pb_write_file_atomic(path, js, strlen(js)) < 0)
				pb_die("cannot write %s: %s", path, strerror(errno));
			fprintf(stderr, "pinbench: %s%scell %d failed: %s; restarting the guest for the rest\n",
				sd->label ? sd->label : "", sd->label ? ": " : "", cell, why);
			free(path), free(tail), free(why), free(reason);
			json_object_put(f);
		} else if (results_in(sd->share, from, to) == before) {
			char *splat = br.first_cell_s < 0 ? console_first_splat(sd->console, br.console_offset) : NULL;

			/* No progress at all: stop, report every remaining cell; unless the kernel crashed first. */
			if (!splat || retries == PB_BOOT_RETRIES) {
				free(splat);
				break;
			}
			retries++;
			snprintf(sd->last_problem, sizeof(sd->last_problem),
				 "a guest crashed before its first cell and was booted again: %s", splat);
			fprintf(stderr, "pinbench: %s%sthe guest crashed before its first cell (%s); booting again (%d of %d)\n",
				sd->label ? sd->label : "", sd->label ? ": " : "", splat, retries, PB_BOOT_RETRIES);
			free(splat);
		}
	}
	free((char *)sd->b.seal_plan);
	sd->b.seal_plan = NULL;
}

/* The boot profile of guest plan entry i ("" for the plain guest). */
static const char *entry_boot(const struct run_side *sd, size_t i)
{
	return pb_json_str(json_object_array_get_idx(json_object_object_get(sd->guest_plan, "cells"), i),
			   "boot", "");
}

/*
 * Guest plan entries [from, to): one guest per stretch of entries that
 * need the same memory layout (a plan's cells come grouped by layout:
 * pb_jobs_load()), booted with it. The guest runs only its stretch.
 */
/*
 * Whether entries a and b run in one guest: the same memory layout; in a
 * deterministic run also the same unit and repetition (struct
 * pb_cellspec's unit), so that a cell's figures do not depend on how the
 * plan was split into shards or --jobs: the serial run boots as often.
 */
static bool entry_same_guest(const struct run_side *sd, size_t a, size_t b)
{
	struct json_object *cells = json_object_object_get(sd->guest_plan, "cells");
	struct json_object *x = json_object_array_get_idx(cells, a), *y = json_object_array_get_idx(cells, b);

	if (strcmp(entry_boot(sd, a), entry_boot(sd, b)))
		return false;
	return sd->g.mode != PB_MODE_DETERMINISTIC ||
	       (pb_json_num(x, "unit") == pb_json_num(y, "unit") &&
		pb_json_num(x, "repetition") == pb_json_num(y, "repetition"));
}

static void side_run(struct run_side *sd, size_t from, size_t to)
{
	while (from < to) {
		const char *profile = entry_boot(sd, from);
		size_t end = from + 1;

		while (end < to && entry_same_guest(sd, from, end))
			end++;
		sd->b.profile = profile;
		if (*profile)
			fprintf(stderr, "pinbench: %s%s%zu cells in a guest booted with %s\n",
				sd->label ? sd->label : "", sd->label ? ": " : "", end - from,
				pb_boot_profile_find(profile)->says);
		side_run_layout(sd, from, end);
		from = end;
	}
	sd->b.profile = NULL;
}

/* What profile p adds to the guest's boot: its QEMU and kernel arguments, and what it is. */
static struct json_object *profile_record(const char *p, const struct config *c)
{
	char *args = pb_boot_profile_args(p, c->mem_mib, c->vcpus);
	struct json_object *o = json_object_new_string(args);

	free(args);
	return o;
}

/* The side's results.json, from the plan and the guest's per-cell files; *failed counts failed cells. */
/* Every guest plan entry's result as the guest wrote it (NULL where it wrote none). */
static struct json_object **side_load(const struct run_side *sd)
{
	struct json_object **raws = pb_xcalloc(sd->total, sizeof(*raws));

	for (size_t e = 0; e < sd->total; e++) {
		char *rp = pb_asprintf("%s/cells/%04zu.json", sd->share, e);

		raws[e] = pb_file_exists(rp) ? json_object_from_file(rp) : NULL;
		free(rp);
	}
	return raws;
}

static void side_unload(struct json_object **raws, size_t n)
{
	for (size_t e = 0; e < n; e++)
		json_object_put(raws[e]);
	free(raws);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The slower of a result's two speed probes (before and after its cell), or 0. */
static double entry_probe(struct json_object *raw)
{
	struct json_object *sp = pb_json_get(raw, "speed_probe_ns");
	double worst = 0;

	for (size_t k = 0; sp && json_object_is_type(sp, json_type_array) &&
	     k < json_object_array_length(sp); k++) {
		double x = json_object_get_double(json_object_array_get_idx(sp, k));

		worst = x > worst ? x : worst;
	}
	return worst;
}

/*
 * The emulator's unslowed speed in this run: the 10th percentile, over
 * every cell, of its slower probe; 0 when nothing was probed
 * (deterministic mode). Not the median: on a bad hour here the slow
 * phases held half of a run.
 */
static double probe_reference(struct json_object **raws, size_t n)
{
	double *x = pb_xcalloc(n, sizeof(*x)), m = 0;
	size_t k = 0;

	for (size_t e = 0; e < n; e++)
		if (raws[e] && entry_probe(raws[e]) > 0)
			x[k++] = entry_probe(raws[e]);
	if (k) {
		qsort(x, k, sizeof(*x), cmp_double);
		m = x[(k - 1) / 10];
	}
	free(x);
	return m;
}

/* Cell i from every repetition the guest plan gave it, each with its slowdown against ref. */
static struct json_object *cell_combined(const struct run_side *sd, struct json_object **raws, double ref,
					 struct json_object *plan_json, size_t i)
{
	struct json_object *pc = json_object_array_get_idx(json_object_object_get(plan_json, "cells"), i);
	struct json_object **reps = pb_xcalloc(sd->cell_reps[i], sizeof(*reps)), *cell;
	size_t n = 0;

	for (size_t e = 0; e < sd->total; e++) {
		char *reason = NULL;

		if (sd->entry_cell[e] != i)
			continue;
		if (!raws[e]) {
			char *tail = console_tail(sd->console, 0, 40);
			char *ie = read_status_file(sd->share, "init-error");

			reason = pb_asprintf("the guest never ran this cell%s%s%s%s; console tail:\n%s",
					     ie ? ": " : "", ie ? ie : "", sd->last_problem[0] ? ": " : "",
					     sd->last_problem, tail);
			free(tail);
			free(ie);
		}
		reps[n] = pb_cell_result(pc, raws[e], "failed", reason);
		if (ref > 0 && entry_probe(raws[e]) > 0)
			json_object_object_add(reps[n], "slowdown",
					       json_object_new_double(round(entry_probe(raws[e]) / ref * 1000) / 1000));
		n++;
		free(reason);
	}
	cell = pb_cell_combine(reps, n);
	for (size_t r = 0; r < n; r++)
		json_object_put(reps[r]);
	free(reps);
	return cell;
}

/*
 * The widest 95% interval among a cell's judged figures, as a percentage
 * of the figure's mean; *which names it, *st its statistics. -1 when the
 * cell has no judged figure with statistics (one repetition, or verdicts).
 */
static double judged_ci_pct(struct json_object *cell, const char **which, struct pb_sample_stats *st)
{
	const char *workload = pb_json_str(cell, "workload", "");
	struct json_object *stats = pb_json_get(cell, "stats");
	double worst = -1;

	if (!stats || !json_object_is_type(stats, json_type_object))
		return -1;
	json_object_object_foreach(stats, key, v) {
		const char *dot = strchr(key, '.');
		char name[128];
		const struct pb_metric_def *d;
		struct pb_sample_stats s;
		double pct;

		snprintf(name, sizeof(name), "%.*s", dot ? (int)(dot - key) : (int)strlen(key), key);
		d = pb_metric_find(workload, name);
		if (!d || !pb_metric_judged(d, dot ? dot + 1 : "") || pb_stats_from_json(v, &s) < 0)
			continue;
		pct = s.n < 2 ? INFINITY : s.mean != 0 ? 100 * s.ci95 / fabs(s.mean) : s.ci95 ? INFINITY : 0;
		if (pct > worst) {
			worst = pct;
			*which = key;
			*st = s;
		}
	}
	return worst;
}

/* The cell's record of its adaptive repetitions; whether it met the target. */
static bool cell_adaptive_record(struct json_object *cell, const struct config *c, size_t reps)
{
	struct json_object *a = json_object_new_object();
	struct pb_sample_stats s;
	const char *which = NULL;
	double pct = judged_ci_pct(cell, &which, &s);
	bool met = pct <= c->ci_target;

	json_object_object_add(a, "target_pct", json_object_new_double(c->ci_target));
	json_object_object_add(a, "repetitions", json_object_new_uint64(reps));
	json_object_object_add(a, "widest_figure", which ? json_object_new_string(which) : NULL);
	json_object_object_add(a, "widest_ci95_pct", pct >= 0 && isfinite(pct) ?
			       json_object_new_double(round(pct * 1000) / 1000) : NULL);
	json_object_object_add(a, "met", json_object_new_boolean(met));
	json_object_object_add(cell, "adaptive", a);
	return met;
}

/*
 * Adaptive repetitions (--ci-target): after the first passes, every ok
 * cell whose widest judged 95% interval is wider than the target gets
 * more repetitions, as many as its spread says it needs (n of about
 * (2 CV / target)^2, at least two more, since some may be set aside),
 * up to --repeat-max; they run in passes in a guest booted for them, and
 * the cells are judged again, until every cell meets the target or is at
 * the cap. What each cell reached is in its "adaptive" record.
 */
static void side_adapt(struct run_side *sd, const struct config *c, const struct pb_plan *plan,
		       struct json_object *plan_json)
{
	size_t *add = pb_xcalloc(plan->nr, sizeof(*add));

	for (;;) {
		struct json_object **raws = side_load(sd);
		double ref = probe_reference(raws, sd->total);
		size_t ncells = 0, nadd = 0, maxadd = 0, from = sd->total;

		for (size_t i = 0; i < plan->nr; i++) {
			struct json_object *cell = cell_combined(sd, raws, ref, plan_json, i);
			struct pb_sample_stats st;
			const char *which = NULL;
			double pct = judged_ci_pct(cell, &which, &st);

			add[i] = 0;
			if (!strcmp(pb_json_str(cell, "status", ""), "ok") && pct > c->ci_target &&
			    sd->cell_reps[i] < (size_t)c->repeat_max) {
				double want = isfinite(st.cv) && st.n >= 2 ?
					ceil(pow(2 * st.cv * 100 / c->ci_target, 2)) : 0;
				size_t room = (size_t)c->repeat_max - sd->cell_reps[i];

				add[i] = want > (double)(st.n + 2) ? (size_t)(want - (double)st.n) : 2;
				add[i] = add[i] < room ? add[i] : room;
				ncells++;
				nadd += add[i];
				maxadd = add[i] > maxadd ? add[i] : maxadd;
			}
			json_object_put(cell);
		}
		side_unload(raws, sd->total);
		if (!ncells)
			break;
		sd->rounds++;
		for (size_t p = 0; p < maxadd; p++)
			for (size_t i = 0; i < plan->nr; i++)
				if (add[i] > p) {
					/* An interrupted run's results there were for other cells. */
					char *f = pb_asprintf("%s/cells/%04zu.json", sd->share, sd->total);

					unlink(f);
					free(f);
					f = pb_asprintf("%s/cells/%04zu.started", sd->share, sd->total);
					unlink(f);
					free(f);
					side_add_entry(sd, plan, plan_json, i, 0);
				}
		fprintf(stderr, "pinbench: %s%sadaptive round %d: %zu cells short of a %.3g%% interval, "
			"%zu more repetitions\n", sd->label ? sd->label : "", sd->label ? ": " : "",
			sd->rounds, ncells, c->ci_target, nadd);
		side_run(sd, from, sd->total);
	}
	free(add);
}

static struct json_object *side_results(struct run_side *sd, const struct config *c, int argc, char **argv,
					const struct pb_plan *plan, struct json_object *plan_json, size_t nrep,
					const char *started_at, size_t *failed)
{
	struct json_object *root, *run, *cells, *splats, *faults;
	char *unload;

	root = json_object_new_object();
	json_object_object_add(root, "schema_version", json_object_new_int(PB_SCHEMA_VERSION));
	{
		struct json_object *pb = json_object_new_object();

		json_object_object_add(pb, "version", json_object_new_string(pb_version()));
		json_object_object_add(pb, "git_sha", json_object_new_string(pb_git_sha()));
		json_object_object_add(root, "pinbench", pb);
	}
	run = json_object_new_object();
	json_object_object_add(run, "name", json_object_new_string(c->name));
	json_object_object_add(run, "job", json_object_new_string(c->job));
	json_object_object_add(run, "cmdline", json_object_new_string(join_args(argc, argv)));
	json_object_object_add(run, "started_at", json_object_new_string(started_at));
	json_object_object_add(run, "mode", json_object_new_string(c->mode));
	json_object_object_add(run, "accel", json_object_new_string(sd->g.accel));
	json_object_object_add(run, "accel_reason", json_object_new_string(sd->g.accel_why));
	json_object_object_add(run, "repeat", json_object_new_int((int)nrep));
	if (sd->label) {
		/* An A/B run: which side this is, the repetitions alternating between kernels. */
		json_object_object_add(run, "ab_side", json_object_new_string(sd->label));
		json_object_object_add(run, "ab_order", json_object_new_string("alternating, base first"));
	}
	if (c->calibrate > 0)
		json_object_object_add(run, "calibrate_ns_per_page", json_object_new_int(c->calibrate));
	if (c->shard_n) {
		char sh[32];

		snprintf(sh, sizeof(sh), "%u/%u", c->shard_k, c->shard_n);
		json_object_object_add(run, "shard", json_object_new_string(sh));
		json_object_object_add(run, "plan_cells", json_object_new_uint64(plan->total));
	}
	json_object_object_add(run, "boots", json_object_new_int(sd->boots));
	json_object_object_add(run, "boot_ready_s", sd->ready >= 0 ? json_object_new_double(sd->ready) : NULL);
	json_object_object_add(run, "boot_to_first_cell_s",
			       sd->first_cell >= 0 ? json_object_new_double(sd->first_cell) : NULL);
	/*
	 * Where the first boot's time went, in the guest's clock; in wall
	 * mode, what came before the kernel's clock started (QEMU, firmware,
	 * loading the kernel) is the host's time to ready less the guest's.
	 */
	json_object_object_add(run, "boot_timeline", sd->timeline ? json_object_get(sd->timeline) : NULL);
	{
		struct json_object *ready = NULL;

		for (size_t i = 0; sd->timeline && i < json_object_array_length(sd->timeline); i++) {
			struct json_object *e = json_object_array_get_idx(sd->timeline, i);

			if (!strcmp(pb_json_str(e, "stage", ""), "ready"))
				ready = pb_json_get(e, "guest_s");
		}
		json_object_object_add(run, "boot_before_kernel_s",
				       ready && sd->ready >= 0 && !strcmp(c->mode, "wall") ?
				       json_object_new_double(sd->ready - json_object_get_double(ready)) : NULL);
	}
	unload = read_status_file(sd->share, "unload");
	json_object_object_add(run, "module_unload", json_object_new_string(unload ? unload : "not reached"));
	/* What went wrong with a guest, if anything did (the last problem seen). */
	json_object_object_add(run, "guest_problem",
			       sd->last_problem[0] ? json_object_new_string(sd->last_problem) : NULL);
	splats = console_splats_faults(sd->console, &faults);
	json_object_object_add(run, "kernel_log_splats", splats);
	/* Guests lost to the emulator (booted again, their cell run again): said, not judged. */
	json_object_object_add(run, "emulator_faults", faults);
	json_object_object_add(root, "run", run);
	json_object_object_add(root, "host", host_facts());
	json_object_object_add(root, "guest", guest_facts(sd->share, c, &sd->g, sd->qcmd));
	{
		/* The memory layouts some cells booted with: what each added to qemu_cmdline. */
		struct json_object *bp = json_object_new_object();

		for (size_t i = 0; i < sd->total; i++) {
			const char *p = entry_boot(sd, i);

			if (*p && !json_object_object_get_ex(bp, p, NULL))
				json_object_object_add(bp, p, profile_record(p, c));
		}
		if (json_object_object_length(bp))
			json_object_object_add(json_object_object_get(root, "guest"), "boot_profiles", bp);
		else
			json_object_put(bp);
	}

	cells = json_object_new_array();
	{
		struct json_object **raws = side_load(sd);
		double ref = probe_reference(raws, sd->total);
		size_t met = 0, judged = 0;

		for (size_t i = 0; i < plan->nr; i++) {
			struct json_object *cell = cell_combined(sd, raws, ref, plan_json, i);

			/* A cell that failed or is unsupported has no figures to judge. */
			if (c->ci_target > 0 && !strcmp(pb_json_str(cell, "status", ""), "ok")) {
				met += cell_adaptive_record(cell, c, sd->cell_reps[i]);
				judged++;
			}
			if (!strcmp(json_object_get_string(json_object_object_get(cell, "status")), "failed"))
				(*failed)++;
			json_object_array_add(cells, cell);
		}
		side_unload(raws, sd->total);
		if (c->ci_target > 0) {
			struct json_object *a = json_object_new_object();

			json_object_object_add(a, "ci_target_pct", json_object_new_double(c->ci_target));
			json_object_object_add(a, "repeat_min", json_object_new_int((int)nrep));
			json_object_object_add(a, "repeat_max", json_object_new_int(c->repeat_max));
			json_object_object_add(a, "rounds", json_object_new_int(sd->rounds));
			json_object_object_add(a, "cells_met", json_object_new_uint64(met));
			json_object_object_add(a, "cells_not_met", json_object_new_uint64(judged - met));
			json_object_object_add(run, "adaptive", a);
		}
		json_object_object_add(run, "speed_probe_reference_ns", ref > 0 ? json_object_new_double(ref) : NULL);
	}
	json_object_object_add(root, "cells", cells);
	/* Clean: no failed cell (counted by the caller), no splat, the module unloaded. */
	if (json_object_array_length(splats) || !unload || strcmp(unload, "ok")) {
		fprintf(stderr, "pinbench: %s%s%zu kernel log splats, module unload %s\n",
			sd->label ? sd->label : "", sd->label ? ": " : "", json_object_array_length(splats),
			unload ? unload : "not reached");
		(*failed)++;
	}
	free(unload);
	return root;
}

static void side_free(struct run_side *sd)
{
	for (size_t i = 0; i < sd->total; i++)
		free(sd->prog.labels[i]);
	free(sd->prog.labels);
	json_object_put(sd->guest_plan);
	json_object_put(sd->timeline);
	free(sd->dir), free(sd->share), free(sd->console), free(sd->qcmd);
	free(sd->entry_cell), free(sd->cell_reps);
}

/*
 * An A/B run's verdict, as pinbench compare gives it: base against new,
 * cell by cell, into ab.md (side by side, verdict changes first), compare.txt
 * and JUnit. 0 no regression, 1 regression, 2 not comparable.
 */
static int ab_judge(struct json_object *base, struct json_object *new, const struct config *c,
		    const char *rundir)
{
	struct pb_compare_opts o = { .threshold_pct = c->threshold, .kernels = true };
	char *txt = pb_asprintf("%s/compare.txt", rundir), *md = pb_asprintf("%s/ab.md", rundir);
	char *junit = c->junit ? pb_xstrdup(c->junit) : pb_asprintf("%s/junit.xml", rundir);
	char err[512];
	FILE *f = fopen(txt, "w"), *m = fopen(md, "w");
	int ret;

	if (!f || !m)
		pb_die("cannot write %s: %s", f ? md : txt, strerror(errno));
	o.junit = junit;
	o.markdown = m;
	ret = pb_compare(base, new, &o, f, err, sizeof(err));
	if (fclose(f) || fclose(m))
		pb_die("cannot write %s: %s", txt, strerror(errno));
	if (ret == 2)
		fprintf(stderr, "pinbench: A/B: %s\n", err);
	{
		char *s = pb_read_file(md, NULL);

		if (s)
			fputs(s, stdout);
		free(s);
	}
	fprintf(stderr, "pinbench: A/B: %s (ab.md, compare.txt, %s)\n",
		ret == 0 ? "no regression" : ret == 1 ? "REGRESSION" : "not comparable", junit);
	free(txt), free(md), free(junit);
	return ret;
}

/*
 * What a run directory's cell results were measured with: the cells, and
 * everything that changes what a cell measures (mode, accelerator, kernels,
 * vCPUs, memory, repetitions, calibration, shard). Written into the run
 * directory first, as run-plan.json; --resume carries on only where it
 * matches.
 */
static struct json_object *run_plan(const struct config *c, const struct run_side *sides, int nsides,
				    struct json_object *plan_json)
{
	struct json_object *o = json_object_new_object(), *k = json_object_new_array();

	json_object_object_add(o, "cells", json_object_get(json_object_object_get(plan_json, "cells")));
	json_object_object_add(o, "mode", json_object_new_string(c->mode));
	json_object_object_add(o, "accel", json_object_new_string(sides[0].g.accel));
	for (int i = 0; i < nsides; i++)
		json_object_array_add(k, json_object_new_string(sides[i].g.k.release));
	json_object_object_add(o, "kernels", k);
	json_object_object_add(o, "vcpus", json_object_new_int(c->vcpus));
	json_object_object_add(o, "mem_mib", json_object_new_int(c->mem_mib));
	json_object_object_add(o, "repeat", json_object_new_int(c->repeat));
	if (c->ci_target > 0) {
		json_object_object_add(o, "ci_target_pct", json_object_new_double(c->ci_target));
		json_object_object_add(o, "repeat_max", json_object_new_int(c->repeat_max));
	}
	json_object_object_add(o, "calibrate_ns_per_page", json_object_new_int(c->calibrate));
	if (c->shard_n) {
		char shard[32];

		snprintf(shard, sizeof(shard), "%u/%u", c->shard_k, c->shard_n);
		json_object_object_add(o, "shard", json_object_new_string(shard));
	}
	return o;
}

/*
 * The run directory, before anything is written to it. A new or empty one
 * gets run-plan.json. One that holds a finished run is never touched. One
 * left by an interrupted run holds cell results that the runner would
 * otherwise take for this run's: refused, unless --resume asks to finish
 * exactly that run, and its run-plan.json says it is this plan.
 */
static void prepare_run_dir(const char *dir, struct json_object *plan, bool resume)
{
	char *path = pb_asprintf("%s/run-plan.json", dir), err[1024];
	const char *js = json_object_to_json_string_ext(plan, JSON_C_TO_STRING_PRETTY);
	struct json_object *old;
	size_t n = 0;
	char **names = pb_dir_names(dir, "", &n);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "results.json") || !strcmp(names[i], "ab.md"))
			pb_die("%s already holds a result; pinbench never overwrites one (choose another --out)",
			       dir);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!n) {
		if (resume)
			pb_die("--resume: %s holds no interrupted run", dir);
		if (pb_mkdir_p(dir, 0755) < 0 || pb_write_file_atomic(path, js, strlen(js)) < 0)
			pb_die("cannot write %s: %s", path, strerror(errno));
		free(path);
		return;
	}
	if (!resume)
		pb_die("%s is not empty and holds no finished run: an interrupted run's cell results "
		       "would be taken for this run's. Choose another --out, or finish that run with "
		       "--resume (the same job and options)", dir);
	old = pb_json_load(path, err, sizeof(err));
	if (!old)
		pb_die("--resume: %s is not a run pinbench can resume: %s", dir, err);
	if (!json_object_equal(old, plan)) {
		const char *what = "the cells";

		json_object_object_foreach(plan, key, val) {
			if (!json_object_equal(val, pb_json_get(old, key))) {
				what = key;
				break;
			}
		}
		pb_die("--resume: %s was started with another plan (%s differs: see its run-plan.json); "
		       "its cell results do not belong to this run", dir, what);
	}
	json_object_put(old);
	fprintf(stderr, "pinbench: resuming the run in %s: the cells it finished are kept\n", dir);
	free(path);
}

/*
 * pinbench run: the plan in a guest, --repeat times, into one run directory.
 * With two kernels (--kernel A --kernel B), an A/B run: the same cells on
 * each, in base/ and new/, repetitions alternating between the kernels
 * (A B A B ...) so that a slow drift of a shared host cannot pass for a
 * kernel difference; then the kernels side by side (ab.md) and compare's
 * exit code: 0 no regression, 1 regression, 2 not comparable.
 */
/*
 * One kernel: one guest runs every repetition (a new one only after a
 * fault). Two: each repetition is a boot of each kernel in turn.
 */
static void run_sides(struct run_side *sides, int nsides, size_t nrep, size_t ncells)
{
	if (nsides == 1) {
		side_run(&sides[0], 0, sides[0].total);
		return;
	}
	for (int k = 0; k < nsides; k++) {
		sides[k].prog.t0 = sides[0].prog.t0;
		sides[k].prog.total_all = sides[0].total * (size_t)nsides;
	}
	for (size_t r = 0; r < nrep; r++) {
		for (int k = 0; k < nsides; k++) {
			sides[k].prog.done_elsewhere = 0;
			for (int o = 0; o < nsides; o++)
				if (o != k)
					sides[k].prog.done_elsewhere += count_results(sides[o].share);
			side_run(&sides[k], r * ncells, (r + 1) * ncells);
		}
	}
}

/*
 * After an adaptive run: how many cells reached the target, and the five
 * widest that did not (all of them are marked in report.md).
 */
static void adaptive_summary(struct json_object *root)
{
	struct json_object *a = pb_json_path(root, "run.adaptive"), *cells = pb_json_get(root, "cells");
	size_t shown = 0, n = json_object_array_length(cells);
	bool *done = pb_xcalloc(n + 1, sizeof(*done));

	if (!a) {
		free(done);
		return;
	}
	fprintf(stderr, "pinbench: adaptive repetitions: %s of %llu ok cells reached a %s%% interval in %s rounds%s\n",
		pb_json_str(a, "cells_met", "?"),
		(unsigned long long)(json_object_get_uint64(pb_json_get(a, "cells_met")) +
				     json_object_get_uint64(pb_json_get(a, "cells_not_met"))),
		pb_json_str(a, "ci_target_pct", "?"),
		pb_json_str(a, "rounds", "?"), json_object_get_int(pb_json_get(a, "cells_not_met")) ?
		"; the widest of the others:" : "");
	while (shown < 5) {
		double widest = -1;
		size_t w = n;

		for (size_t i = 0; i < n; i++) {
			struct json_object *ca = pb_json_get(json_object_array_get_idx(cells, i), "adaptive");
			struct json_object *pct = pb_json_get(ca, "widest_ci95_pct");

			/* No interval (one repetition kept) is the widest of all. */
			double x = pct ? json_object_get_double(pct) : INFINITY;

			if (done[i] || !ca || json_object_get_boolean(pb_json_get(ca, "met")))
				continue;
			if (x > widest) {
				widest = x;
				w = i;
			}
		}
		if (w == n)
			break;
		done[w] = true;
		shown++;
		if (isfinite(widest))
			fprintf(stderr, "pinbench:   %s: %s ±%.1f%% after %s repetitions\n",
				pb_json_str(json_object_array_get_idx(cells, w), "id", "?"),
				pb_json_str(json_object_array_get_idx(cells, w), "adaptive.widest_figure", "?"),
				widest, pb_json_str(json_object_array_get_idx(cells, w), "adaptive.repetitions", "?"));
		else
			fprintf(stderr, "pinbench:   %s: no interval, one repetition kept of %s\n",
				pb_json_str(json_object_array_get_idx(cells, w), "id", "?"),
				pb_json_str(json_object_array_get_idx(cells, w), "adaptive.repetitions", "?"));
	}
	free(done);
}

/* A side's results written and rendered, and said where; how many cells failed. */
static size_t side_finish(struct run_side *sd, const struct config *c, int argc, char **argv,
			  const struct pb_plan *plan, struct json_object *plan_json, size_t nrep,
			  const char *started_at, struct json_object **root)
{
	size_t f = 0;

	*root = side_results(sd, c, argc, argv, plan, plan_json, nrep, started_at, &f);
	write_results(*root, sd->dir);
	render_all(*root, sd->dir);
	/* Host time since QEMU started, whatever the mode: what the user waited. */
	fprintf(stderr, "pinbench: %s%sguest ready after %.1f s, first cell after %.1f s (host time; %s, %s mode)\n",
		sd->label ? sd->label : "", sd->label ? ": " : "", sd->ready, sd->first_cell, sd->g.accel,
		c->mode);
	fprintf(stderr, "pinbench: results in %s (results.json, report.md, <workload>.csv, plots/, "
		"console.log)\n", sd->dir);
	adaptive_summary(*root);
	if (f)
		fprintf(stderr, "pinbench: %s%s%zu failed cells or guest problems\n",
			sd->label ? sd->label : "", sd->label ? ": " : "", f);
	return f;
}

int cmd_run(int argc, char **argv, struct config *c)
{
	struct json_object *plan_json, *roots[PB_MAX_KERNELS] = { 0 };
	struct run_side sides[PB_MAX_KERNELS];
	struct pb_plan plan;
	char err[1024], *rundir;
	char *started_at = now_iso(false);
	int nsides = c->nkernels > 1 ? c->nkernels : 1, exit_code = 0;
	size_t failed = 0, nrep;

	if (c->jobs > 1) {
		free(started_at);
		return cmd_run_parallel(argc, argv, c);
	}
	if (!c->job)
		c->job = "workloads/gup_fast.job";
	if (pb_jobs_load(c->job, &plan, err, sizeof(err)) < 0) {
		fprintf(stderr, "pinbench: %s\n", err);
		free(started_at);
		return 2;
	}
	if (c->shard_n) {
		pb_plan_shard(&plan, c->shard_k, c->shard_n, !strcmp(c->mode, "deterministic"));
		if (!plan.nr) {
			fprintf(stderr, "pinbench: shard %u/%u of %s is empty: the plan has %zu cells%s\n",
				c->shard_k, c->shard_n, c->job, plan.total,
				strcmp(c->mode, "deterministic") ? "" :
				", and a deterministic shard runs whole units (job sections of one memory layout)");
			free(started_at);
			return 2;
		}
	}
	if (!c->name && strchr(c->job, ',')) {
		c->name = "suite";
	} else if (!c->name) {
		char *j = pb_xstrdup(c->job), *base = basename(j), *dot = strrchr(base, '.');

		if (dot)
			*dot = '\0';
		c->name = pb_xstrdup(base);
		free(j);
	}
	/* Every kernel resolved and its module built before anything is written. */
	memset(sides, 0, sizeof(sides));
	for (int k = 0; k < nsides; k++) {
		sides[k].label = nsides > 1 ? (k ? "new" : "base") : NULL;
		if (nsides > 1)
			fprintf(stderr, "pinbench: A/B, %s kernel: %s\n", sides[k].label, c->kernels[k]);
		guest_setup_kernel(&sides[k].g, c, c->kernel ? c->kernels[k] : NULL);
	}
	if (nsides > 1 && strcmp(sides[0].g.accel, sides[1].g.accel))
		pb_die("A/B: the kernels would run under different accelerators (%s, %s): their figures "
		       "would measure different machines; force one with --accel", sides[0].g.accel,
		       sides[1].g.accel);

	if (c->out) {
		rundir = pb_xstrdup(c->out);
	} else {
		char *ts = now_iso(true);

		rundir = pb_asprintf("%s/results/runs/%s-%s%s", sides[0].g.repo, ts, c->name,
				     nsides > 1 ? "-ab" : "");
		free(ts);
	}
	c->out = rundir;	/* for nightly: where the results are */
	plan_json = pb_plan_to_json(&plan);
	{
		struct json_object *rp = run_plan(c, sides, nsides, plan_json);

		prepare_run_dir(rundir, rp, c->resume);
		json_object_put(rp);
	}
	nrep = (size_t)c->repeat;
	for (int k = 0; k < nsides; k++) {
		char *dir = nsides > 1 ? pb_asprintf("%s/%s", rundir, sides[k].label) : pb_xstrdup(rundir);

		side_init(&sides[k], c, dir, &plan, plan_json, nrep);
		free(dir);
	}
	if (c->shard_n)
		fprintf(stderr, "pinbench: shard %u/%u: %zu of the plan's %zu cells\n", c->shard_k,
			c->shard_n, plan.nr, plan.total);
	fprintf(stderr, "pinbench: %zu cells, %zu repetition%s%s, run directory %s\n", plan.nr, nrep,
		nrep > 1 ? "s" : "", nsides > 1 ? " per kernel, alternating between them" : "", rundir);

	run_sides(sides, nsides, nrep, plan.nr);
	if (c->ci_target > 0)
		side_adapt(&sides[0], c, &plan, plan_json);
	for (int k = 0; k < nsides; k++)
		failed += side_finish(&sides[k], c, argc, argv, &plan, plan_json, nrep, started_at, &roots[k]);
	if (nsides > 1) {
		/* compare's codes; a failed cell is a status change compare reports, or a bad run. */
		exit_code = ab_judge(roots[0], roots[1], c, rundir);
		if (exit_code == 0 && failed)
			exit_code = 1;
	} else if (failed) {
		exit_code = 1;
	}
	for (int k = 0; k < nsides; k++) {
		json_object_put(roots[k]);
		side_free(&sides[k]);
	}
	free(started_at);
	json_object_put(plan_json);
	pb_plan_free(&plan);
	return exit_code;
}

/* A results.json without what a baseline does not need: raw data and merged histograms. */
static struct json_object *slim_results(struct json_object *root)
{
	struct json_object *copy = NULL, *cells;

	if (json_object_deep_copy(root, &copy, NULL) < 0)
		pb_die("out of memory");
	cells = pb_json_get(copy, "cells");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		json_object_object_del(json_object_array_get_idx(cells, i), "raw");
		json_object_object_del(json_object_array_get_idx(cells, i), "merged_histograms");
	}
	return copy;
}

/*
 * The nightly job: the deterministic suite, compared with the baseline,
 * JUnit for the CI. A deterministic run repeats to the instruction, so
 * the threshold is 1% and any change past it is real: a change of the
 * code, the guest kernel or the suite. --update-baseline takes a run with
 * every cell ok as the new baseline (review the compare output first).
 */
int cmd_nightly(int argc, char **argv, struct config *c)
{
	struct pb_compare_opts o = { .threshold_pct = c->threshold };
	struct json_object *base = NULL, *new = NULL;
	char err[2048], *path = NULL, *junit = NULL, *bpath, *root = repo_root();
	int run_rc, rc = 2;

	if (strcmp(c->mode, "deterministic"))
		pb_die("nightly runs in deterministic mode only: wall figures need repetitions and a human");
	if (!c->job)
		c->job = "workloads/nightly.job";
	if (!c->name)
		c->name = "nightly";
	bpath = c->baseline ? pb_xstrdup(c->baseline) : pb_asprintf("%s/results/baseline.json", root);
	if (!c->update_baseline && !pb_file_exists(bpath)) {
		fprintf(stderr, "pinbench: nightly: no baseline at %s; make one with pinbench nightly "
			"--update-baseline\n", bpath);
		goto out;
	}
	/* The baseline is checked before anything boots: its kernel must be the one this run boots. */
	if (!c->update_baseline) {
		struct pb_kernel k;
		const char *bk;

		base = load_results(bpath);
		if (!base)
			goto out;
		if (pb_kernel_resolve(&k, root, c->kernel, c->kdir, c->moddir, err, sizeof(err)) < 0)
			pb_die("%s", err);
		bk = json_object_get_string(pb_json_get(pb_json_get(base, "guest"), "kernel_release"));
		if (!bk || strcmp(bk, k.release)) {
			fprintf(stderr, "pinbench: nightly: the baseline %s ran on kernel %s, this run would boot "
				"%s: a kernel change is not a change of pinbench or of a design. Review, then make "
				"a baseline on this kernel (pinbench nightly --update-baseline), or compare the "
				"kernels (pinbench run --kernel %s --kernel %s)\n", bpath, bk ? bk : "(none recorded)",
				k.release, bk ? bk : "OLD", k.release);
			goto out;
		}
	}
	run_rc = cmd_run(argc, argv, c);
	path = pb_asprintf("%s/results.json", c->out);
	new = load_results(path);
	if (!new)
		goto out;
	if (c->update_baseline) {
		struct json_object *slim;
		const char *js;

		if (run_rc) {
			fprintf(stderr, "pinbench: nightly: the run had failed cells or kernel log splats; "
				"it does not become the baseline\n");
			rc = 1;
			goto out;
		}
		slim = slim_results(new);
		js = json_object_to_json_string_ext(slim, JSON_C_TO_STRING_PRETTY);
		if (pb_write_file_atomic(bpath, js, strlen(js)) < 0)
			pb_die("cannot write %s: %s", bpath, strerror(errno));
		fprintf(stderr, "pinbench: nightly: %s is the new baseline (%zu cells, from %s)\n", bpath,
			json_object_array_length(pb_json_get(slim, "cells")), path);
		json_object_put(slim);
		rc = 0;
		goto out;
	}
	junit = c->junit ? pb_xstrdup(c->junit) : pb_asprintf("%s/junit.xml", c->out);
	o.junit = junit;
	printf("\n");
	rc = pb_compare(base, new, &o, stdout, err, sizeof(err));
	if (rc == 2)
		fprintf(stderr, "pinbench: nightly: %s\n", err);
	else
		fprintf(stderr, "pinbench: nightly: %s against %s: %s; JUnit in %s\n", path, bpath,
			rc ? "REGRESSION" : "no regression", junit);
	rc = rc ? rc : run_rc;
out:
	json_object_put(base);
	json_object_put(new);
	free(junit);
	free(path);
	free(bpath);
	free(root);
	return rc;
}
