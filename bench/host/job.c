// SPDX-License-Identifier: GPL-2.0
/* job.c: fio-style job files: one options table, parsing with file:line errors, expansion into cells. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "job.h"
#include "names.h"
#include "pinbench_uapi.h"
#include "util.h"
#include "vm.h"
#include "workload.h"

static const char *const registration_values[] = { "per_io", "per_buffer", NULL };
static const char *const rw_values[] = { "read", "write", NULL };
static const char *const engine_values[] = { "liburing", "fio_io_uring", "fio_libaio", NULL };
static const char *const completion_values[] = { "inline", "softirq", "hardirq", NULL };
static const char *const filesystem_values[] = { "tmpfs", "ext4", "ext4_dax", NULL };
static const char *const truncate_to_values[] = { "zero", "half", NULL };
static const char *const revoke_events_values[] = { "all", "truncate_unmap", NULL };
static const char *const after_revoke_values[] = { "drop", "reacquire", NULL };

/*
 * The options more than one workload takes, one row each: parsing,
 * defaults, range checks, the cell id and --help all come from a row (as in
 * fio's options.c). A workload's descriptor lists the options it takes, in
 * the order its cells are expanded (the first varies slowest), with its
 * own defaults; options only one workload takes are rows in its file.
 */
const struct pb_option pb_opt_calls = {
	.name = "calls", .type = PB_OPT_UINT, .def = "2048", .min = 1, .max = 10000000,
	.help = "timed calls per cell (gup_fast: acquire calls, rounded up to whole rounds)",
};

const struct pb_option pb_opt_rw = {
	.name = "rw", .type = PB_OPT_ENUM, .def = "read", .allowed = rw_values, .list = true,
	.in_id = true,
	.help = "direction of the I/O: read (the device writes memory: pages acquired for write, "
		"dirtied) or write",
};

const struct pb_option pb_opt_block_size = {
	.name = "block_size", .type = PB_OPT_UINT, .def = "4096", .min = 512,
	.max = PINBENCH_DIO_MAX_BLOCK, .list = true, .in_id = true, .pow2 = true,
	.help = "bytes per I/O, a power of two",
};

const struct pb_option pb_opt_queue_depth = {
	.name = "queue_depth", .type = PB_OPT_UINT, .def = "1", .min = 1,
	.max = PINBENCH_DIO_MAX_QD, .list = true, .in_id = true,
	.help = "I/Os kept in flight (irq_completion: queued at the device; at 1 the submitter must "
		"refill the queue between two interrupts)",
};

const struct pb_option pb_opt_completion = {
	.name = "completion", .type = PB_OPT_ENUM, .def = "hardirq",
	.allowed = completion_values, .list = true, .in_id = true,
	.help = "where null_blk completes (irqmode): inline in submit_bio, softirq, or hardirq from "
		"its timer",
};

const struct pb_option pb_opt_completion_nsec = {
	.name = "completion_nsec", .type = PB_OPT_UINT, .def = "10000", .min = 0,
	.max = 100000000, .list = true, .in_id = true,
	.help = "hardirq completion: null_blk's timer delay per I/O, ns",
};

const struct pb_option pb_opt_longterm = {
	.name = "longterm", .type = PB_OPT_BOOL, .def = "0", .min = 0, .max = 1, .list = true,
	.in_id = true,
	.help = "acquire with FOLL_LONGTERM (only strategies built on FOLL_PIN honour it)",
};

const struct pb_option pb_opt_registration = {
	.name = "registration", .type = PB_OPT_ENUM, .def = "per_io",
	.allowed = registration_values, .list = true, .in_id = true,
	.help = "where tracking state lives: per_io (every acquire stands alone: notifier_revoke "
		"inserts and removes a notifier per call) or per_buffer (set up once: one notifier "
		"over the buffer; strategies without per-buffer state report unsupported)",
};

const struct pb_option pb_opt_pages_per_call = {
	.name = "pages_per_call", .type = PB_OPT_UINT, .def = "1,16,256,512", .min = 1,
	.max = PINBENCH_MAX_PAGES_PER_CALL, .list = true, .in_id = true,
	.help = "pages per acquire call; must divide buffer_pages (truncate_under_dma: per call of "
		"the registration, so per_io registration has one notifier per call)",
};

const struct pb_option pb_opt_filesystem = {
	.name = "filesystem", .type = PB_OPT_ENUM, .def = "tmpfs", .allowed = filesystem_values,
	.list = true, .in_id = true,
	.help = "where the file lives: tmpfs, ext4 on a memory-backed null_blk, or ext4 -o dax on "
		"fsdax pmem (the guest then boots with memmap=)",
};

const struct pb_option pb_opt_truncate_to = {
	.name = "truncate_to", .type = PB_OPT_ENUM, .def = "zero",
	.allowed = truncate_to_values, .list = true, .in_id = true,
	.help = "truncate the file to zero or to half its size",
};

const struct pb_option pb_opt_strategy = {
	.name = "strategy", .type = PB_OPT_STRATEGY, .list = true,
	.help = "pinning strategies (default: all built into this pinbench)",
};

const struct pb_option pb_opt_file_pages = {
	.name = "file_pages", .type = PB_OPT_UINT, .def = "64", .min = 2,
	.max = PINBENCH_MAX_BUFFER_PAGES, .list = true, .in_id = true,
	.help = "pages in the file, all registered with the device",
};

const struct pb_option pb_opt_iterations = {
	.name = "iterations", .type = PB_OPT_UINT, .def = "20", .min = 1, .max = 100000,
	.help = "register, write, truncate, extend, check: this many times per cell",
};

const struct pb_option pb_opt_dma_ms = {
	.name = "dma_ms", .type = PB_OPT_UINT, .def = "5", .min = 1, .max = 10000,
	.help = "the device writes this long before the truncate and again after it",
};

const struct pb_option pb_opt_block_ms = {
	.name = "block_ms", .type = PB_OPT_UINT, .def = "200", .min = 10, .max = 60000,
	.help = "a truncate still running after this long is blocked on the device: the device is "
		"then unregistered, which lets it finish",
};

const struct pb_option pb_opt_revoke_events = {
	.name = "revoke_events", .type = PB_OPT_ENUM, .def = "all",
	.allowed = revoke_events_values, .list = true, .in_id = true, .revoke_only = true,
	.help = "which invalidations revoke: all (every event) or truncate_unmap (truncate, unmap and"
		" release only, as proposed in 2018; the others are counted and pass); revoking "
		"strategies only",
};

const struct pb_option pb_opt_after_revoke = {
	.name = "after_revoke", .type = PB_OPT_ENUM, .def = "drop",
	.allowed = after_revoke_values, .list = true, .in_id = true, .revoke_only = true,
	.help = "what the driver does after a revocation: drop (the device writes into the dummy page"
		" from then on) or reacquire (a worker pins the range again once the invalidation is "
		"over, the device waiting meanwhile, as ODP and HMM drivers fault pages back in); "
		"revoking strategies only",
};

const struct pb_option pb_opt_debug_reacquire_give_up = {
	.name = "debug_reacquire_give_up", .type = PB_OPT_BOOL, .def = "0", .min = 0, .max = 1,
	.list = true, .in_id = true, .revoke_only = true,
	.help = "testing only, with after_revoke=reacquire: the re-pinning worker's first run gives up"
		" at once, as if invalidations had raced it for its whole time budget; the device's "
		"next access to a revoked entry must queue it again (raw.reacquire_rearms)",
};

const struct pb_option pb_opt_dma_rate_hz = {
	.name = "dma_rate_hz", .type = PB_OPT_UINT, .def = "10000", .min = 1,
	.max = PINBENCH_MAX_RATE_HZ,
	.help = "device ticks per second (hard-irq hrtimer)",
};

const struct pb_option pb_opt_dma_burst = {
	.name = "dma_burst", .type = PB_OPT_UINT, .def = "8", .min = 1,
	.max = PINBENCH_MAX_BURST,
	.help = "records the device writes per tick, page after page",
};

const struct pb_option pb_opt_engine = {
	.name = "engine", .type = PB_OPT_ENUM, .def = "liburing", .allowed = engine_values,
	.list = true, .in_id = true,
	.help = "the stock kernel's O_DIRECT path driven by: our liburing driver (timed per I/O like "
		"small_dio), fio's io_uring engine, or fio's libaio engine (the 2018 thread's job)",
};

const struct pb_option pb_opt_fixedbufs = {
	.name = "fixedbufs", .type = PB_OPT_BOOL, .def = "0", .min = 0, .max = 1, .list = true,
	.in_id = true,
	.help = "io_uring registered buffers (pinned once, FOLL_LONGTERM) instead of a page reference"
		" per I/O",
};

const struct pb_option pb_opt_ios = {
	.name = "ios", .type = PB_OPT_UINT, .def = "20000", .min = 1, .max = 100000000,
	.help = "measured I/Os per cell",
};

const struct pb_option pb_opt_warmup_ios = {
	.name = "warmup_ios", .type = PB_OPT_UINT, .def = "500", .min = 0, .max = 100000000,
	.help = "I/Os before measuring",
};


static const char *workload_names[PB_MAX_WORKLOADS + 1];	/* filled by options_init() */

static const struct pb_option opt_workload = {
	.name = "workload", .type = PB_OPT_ENUM, .allowed = workload_names,
	.help = "workload to run (required)",
};

/* Every option some workload takes, once: "workload" first, then each workload's in its order. */
static const struct pb_option *options[PB_MAX_OPTIONS];
static size_t nr_options;

static void options_init(void)
{
	size_t nw = 0;

	if (nr_options)
		return;
	for (size_t i = 0; pb_workloads[i]; i++) {
		if (nw == PB_MAX_WORKLOADS)
			pb_die("more than %d workloads: raise PB_MAX_WORKLOADS", PB_MAX_WORKLOADS);
		workload_names[nw++] = pb_workloads[i]->name;
	}
	workload_names[nw] = NULL;
	options[nr_options++] = &opt_workload;
	for (size_t i = 0; pb_workloads[i]; i++) {
		for (size_t k = 0; k < pb_workloads[i]->nr_options; k++) {
			const struct pb_option *o = pb_workloads[i]->options[k].opt;
			size_t j;

			for (j = 0; j < nr_options && options[j] != o; j++)
				;
			if (j < nr_options)
				continue;
			for (j = 0; j < nr_options; j++)
				if (!strcmp(options[j]->name, o->name))
					pb_die("two job options are named '%s' (one in %s): workloads that "
					       "take an option of one name share its row (job.h)", o->name,
					       pb_workloads[i]->name);
			if (nr_options == PB_MAX_OPTIONS)
				pb_die("more than %d job options: raise PB_MAX_OPTIONS", PB_MAX_OPTIONS);
			options[nr_options++] = o;
		}
	}
}

/* w's use of option i, or NULL when w does not take it. */
static const struct pb_wl_option *wl_option(const struct pb_workload *w, size_t i)
{
	for (size_t k = 0; w && k < w->nr_options; k++)
		if (w->options[k].opt == options[i])
			return &w->options[k];
	return NULL;
}

/* "a, b": the workloads that take option i. */
static void takers(size_t i, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t k = 0; pb_workloads[k]; k++) {
		size_t used = strlen(buf);

		if (wl_option(pb_workloads[k], i))
			snprintf(buf + used, len - used, "%s%s", used ? "," : "", pb_workloads[k]->name);
	}
}

struct section {
	char *name;
	int line;
	char *value[PB_MAX_OPTIONS];	/* raw text, NULL when unset */
	int value_line[PB_MAX_OPTIONS];
};

struct parser {
	const char *path;
	FILE *f;
	int line;
	struct section *sections;
	size_t nr_sections;
	char *err;
	size_t errlen;
	bool failed;
	/* Every [section] header as the reader saw it, keys or not: name and line. */
	char **headers;
	int *header_lines;
	size_t nr_headers;
};

static void perr(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = true;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* libinih's reader hook: reading line by line lets us know the line. */
/*
 * Lines for inih, one at a time. Debian's libinih takes at most `size`
 * (200) bytes per line and would parse the rest as a new line: a long
 * comment ending in "thp=on" would switch THP on, and every later line
 * number would be off. A line that does not fit is refused instead. The
 * reader also notes every [section] header, because this libinih does not
 * report a section that has no keys.
 */
static char *reader(char *buf, int size, void *stream)
{
	struct parser *p = stream;
	char *r = fgets(buf, size, p->f), *s, *end;
	size_t len;

	if (!r || p->failed)
		return NULL;
	p->line++;
	len = strlen(buf);
	if (len && buf[len - 1] != '\n' && !feof(p->f)) {
		perr(p, p->line, "line longer than %d characters (not a job line; split a list "
		     "over several sections)", size - 2);
		return NULL;
	}
	for (s = buf; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[' && (end = strchr(s, ']'))) {
		p->headers = realloc(p->headers, (p->nr_headers + 1) * sizeof(*p->headers));
		p->header_lines = realloc(p->header_lines, (p->nr_headers + 1) * sizeof(int));
		if (!p->headers || !p->header_lines)
			pb_die("out of memory");
		p->headers[p->nr_headers] = pb_asprintf("%.*s", (int)(end - s - 1), s + 1);
		p->header_lines[p->nr_headers++] = p->line;
	}
	return r;
}

static int find_option(const char *name)
{
	for (size_t i = 0; i < nr_options; i++)
		if (!strcmp(options[i]->name, name))
			return (int)i;
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static void allowed_list(const struct pb_option *o, char *buf, size_t len)
{
	buf[0] = '\0';
	if (o->type == PB_OPT_STRATEGY) {
		snprintf(buf, len, "%s", pb_strategy_list());
		return;
	}
	if (o->type == PB_OPT_BOOL) {
		snprintf(buf, len, "0, 1");
		return;
	}
	for (size_t i = 0; o->allowed && o->allowed[i]; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", o->allowed[i]);
	}
}

/* Check one element of a value; returns 0 or -1 with the error recorded. */
static int check_value(struct parser *p, int line, const struct pb_option *o, const char *v)
{
	char allowed[256];

	switch (o->type) {
	case PB_OPT_UINT:
	case PB_OPT_BOOL: {
		char *end;
		unsigned long long x;

		errno = 0;
		x = strtoull(v, &end, 10);
		if (!*v || *end || errno || v[0] == '-' || v[0] == '+' || isspace((unsigned char)v[0])) {
			perr(p, line, "%s: '%s' is not a non-negative integer", o->name, v);
			return -1;
		}
		/* One spelling per number, so that a cell has one id ("01" and "+1" would be "1" again). */
		if (v[0] == '0' && v[1]) {
			perr(p, line, "%s: '%s' has a leading zero (write %llu)", o->name, v, x);
			return -1;
		}
		if (o->pow2 && (x & (x - 1))) {
			perr(p, line, "%s: %s is not a power of two", o->name, v);
			return -1;
		}
		if (x < o->min || x > o->max) {
			perr(p, line, "%s: %s is out of range %" PRIu64 "..%" PRIu64,
			     o->name, v, o->min, o->max);
			return -1;
		}
		return 0;
	}
	case PB_OPT_ENUM:
		for (size_t i = 0; o->allowed[i]; i++)
			if (!strcmp(o->allowed[i], v))
				return 0;
		break;
	case PB_OPT_STRATEGY:
		if (pb_strategy_id(v))
			return 0;
		break;
	}
	allowed_list(o, allowed, sizeof(allowed));
	perr(p, line, "%s: '%s' is not one of: %s", o->name, v, allowed);
	return -1;
}

/* Validate a whole (possibly comma-separated) value. */
static int check_option_value(struct parser *p, int line, const struct pb_option *o,
			      const char *value)
{
	char *copy = pb_xstrdup(value), *tok, **seen = pb_xcalloc(strlen(value) + 1, sizeof(char *));
	int n = 0, ret = 0;

	if (!*trim(copy)) {
		perr(p, line, "%s: empty value", o->name);
		free(seen);
		free(copy);
		return -1;
	}
	/* Not strtok: it would skip empty elements ("a,,b", ",") instead of refusing them. */
	for (char *next = copy; next; ) {
		char *comma = strchr(next, ',');

		if (comma)
			*comma = '\0';
		tok = trim(next);
		next = comma ? comma + 1 : NULL;
		if (!*tok) {
			perr(p, line, "%s: empty element in the list '%s'", o->name, value);
			ret = -1;
			break;
		}
		if (n && !o->list) {
			perr(p, line, "%s: takes a single value, not a list", o->name);
			ret = -1;
			break;
		}
		if (check_value(p, line, o, tok) < 0) {
			ret = -1;
			break;
		}
		/* The same value twice would be the same cell twice. */
		for (int k = 0; k < n && !ret; k++) {
			if (!strcmp(seen[k], tok)) {
				perr(p, line, "%s: '%s' is listed twice", o->name, tok);
				ret = -1;
			}
		}
		if (ret)
			break;
		seen[n++] = tok;
	}
	free(seen);
	free(copy);
	return ret;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	struct section *s = NULL;
	int idx;

	if (p->failed)
		return 0;
	if (!strcmp(section, "")) {
		perr(p, p->line, "'%s' is outside any [section]", name);
		return 0;
	}
	for (size_t i = 0; i < p->nr_sections; i++)
		if (!strcmp(p->sections[i].name, section))
			s = &p->sections[i];
	if (!s) {
		p->sections = realloc(p->sections, (p->nr_sections + 1) * sizeof(*s));
		if (!p->sections)
			pb_die("out of memory");
		s = &p->sections[p->nr_sections++];
		memset(s, 0, sizeof(*s));
		s->name = pb_xstrdup(section);
		s->line = p->line;
	}
	if (!name)	/* section start (INI_CALL_HANDLER_ON_NEW_SECTION) */
		return 1;
	idx = find_option(name);
	if (idx < 0) {
		char known[512] = "";

		for (size_t i = 0; i < nr_options; i++) {
			size_t used = strlen(known);

			snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
				 options[i]->name);
		}
		perr(p, p->line, "unknown key '%s' (known: %s)", name, known);
		return 0;
	}
	if (s->value[idx]) {
		perr(p, p->line, "'%s' set twice in [%s] (first on line %d)", name, section,
		     s->value_line[idx]);
		return 0;
	}
	if (check_option_value(p, p->line, options[idx], value) < 0)
		return 0;
	s->value[idx] = pb_xstrdup(value);
	s->value_line[idx] = p->line;
	return 1;
}

/* The value of option i for a job: its own, else [global]'s, else workload w's default. */
static const char *effective(const struct section *job, const struct section *global,
			     size_t i, int *line, const struct pb_workload *w)
{
	const struct pb_wl_option *u = wl_option(w, i);

	*line = job->line;
	if (job->value[i]) {
		*line = job->value_line[i];
		return job->value[i];
	}
	if (global && global->value[i]) {
		*line = global->value_line[i];
		return global->value[i];
	}
	if (options[i]->type == PB_OPT_STRATEGY)
		return pb_strategy_list();
	return u && u->def ? u->def : options[i]->def;
}

struct axis {
	char **values;
	size_t nr;
	int line;
};

static void split_axis(const char *value, struct axis *a)
{
	char *copy = pb_xstrdup(value), *save = NULL, *tok;

	a->values = NULL;
	a->nr = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		a->values = realloc(a->values, (a->nr + 1) * sizeof(char *));
		if (!a->values)
			pb_die("out of memory");
		a->values[a->nr++] = pb_xstrdup(trim(tok));
	}
	free(copy);
}

static struct json_object *typed(const struct pb_option *o, const char *v)
{
	if (o->type == PB_OPT_UINT || o->type == PB_OPT_BOOL)
		return json_object_new_uint64(strtoull(v, NULL, 10));
	return json_object_new_string(v);
}

static void free_axes(struct axis *axes, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		for (size_t j = 0; j < axes[k].nr; j++)
			free(axes[k].values[j]);
		free(axes[k].values);
	}
}

static int expand(struct parser *p, const struct section *job, const struct section *global,
		  struct pb_plan *plan)
{
	/* The options of the cells, by position: "workload", then the workload's in its order. */
	size_t ord[PB_MAX_OPTIONS], n = 0, q;
	struct axis axes[PB_MAX_OPTIONS];
	size_t idx[PB_MAX_OPTIONS] = { 0 };
	const struct pb_workload *w;
	const char *workload;
	int ret = 0, line;

	workload = effective(job, global, (size_t)find_option("workload"), &line, NULL);
	if (!workload) {
		perr(p, job->line, "[%s]: 'workload' is required", job->name);
		return -1;
	}
	w = pb_workload_find(workload);	/* the value was checked against the names */
	if (!w) {
		perr(p, line, "[%s]: no workload named '%s'", job->name, workload);
		return -1;
	}
	/* Set in the job itself, an option the workload does not take is a mistake; from [global], meant for others. */
	for (size_t i = 0; i < nr_options; i++) {
		char who[256];

		if (!job->value[i] || options[i] == &opt_workload || wl_option(w, i))
			continue;
		takers(i, who, sizeof(who));
		perr(p, job->value_line[i], "%s: does not apply to workload %s (only %s)", options[i]->name,
		     workload, who);
		return -1;
	}
	ord[n++] = (size_t)find_option("workload");
	for (size_t k = 0; k < w->nr_options; k++)
		ord[n++] = (size_t)find_option(w->options[k].opt->name);
	for (q = 0; q < n; q++)
		split_axis(effective(job, global, ord[q], &axes[q].line, w), &axes[q]);
	/*
	 * The lists multiply: a 765-byte job file can ask for 160 million
	 * cells, which would take the host's memory before a guest boots.
	 */
	{
		uint64_t cells = 1;

		for (q = 0; q < n; q++)
			if (__builtin_mul_overflow(cells, (uint64_t)axes[q].nr, &cells))
				cells = UINT64_MAX;
		if (cells > PB_MAX_CELLS - plan->nr) {
			perr(p, job->line, "[%s]: its lists make %" PRIu64 " cells%s; a plan holds at most %u: "
			     "split the sweep", job->name, cells, plan->nr ? " after the earlier sections'" : "",
			     PB_MAX_CELLS);
			ret = -1;
		}
	}

	while (!ret) {
		struct pb_cellspec c = { 0 };
		char id[1024];
		size_t used;
		uint64_t bp = 0, ppc = 0;
		const char *strategy = NULL;
		bool dup = false;
		int bp_line = job->line;

		for (q = 0; q < n; q++)
			if (options[ord[q]]->type == PB_OPT_STRATEGY)
				strategy = axes[q].values[idx[q]];
		/* A revoke policy sweep does not multiply a non-revoking strategy's cells. */
		for (q = 0; q < n; q++)
			if (options[ord[q]]->revoke_only && idx[q] && !(strategy && pb_strategy_revokes(strategy)))
				dup = true;
		if (dup)
			goto next;
		c.params = json_object_new_object();
		c.strategy = NULL;
		for (q = 0; q < n; q++) {
			const struct pb_option *o = options[ord[q]];
			const char *v = axes[q].values[idx[q]];

			if (o->revoke_only && !(strategy && pb_strategy_revokes(strategy))) {
				if (job->value[ord[q]] && !ret) {
					perr(p, job->value_line[ord[q]], "[%s]: %s: %s does not revoke its pins "
					     "(only %s)", job->name, o->name, strategy ? strategy : "this workload",
					     pb_revoking_list());
					ret = -1;
				}
				continue;
			}
			if (o == &opt_workload)
				c.workload = pb_xstrdup(v);
			if (o->type == PB_OPT_STRATEGY)
				c.strategy = pb_xstrdup(v);
			if (!strcmp(o->name, "buffer_pages")) {
				bp = strtoull(v, NULL, 10);
				bp_line = axes[q].line;
			}
			if (!strcmp(o->name, "pages_per_call"))
				ppc = strtoull(v, NULL, 10);
			json_object_object_add(c.params, o->name, typed(o, v));
		}
		if (!c.strategy)	/* a workload that pins nothing */
			c.strategy = pb_xstrdup("none");
		snprintf(id, sizeof(id), "%s/%s/", c.workload, c.strategy);
		for (q = 0; q < n; q++) {
			const struct pb_option *o = options[ord[q]];

			if (!o->in_id)
				continue;
			if (o->revoke_only &&
			    (!(strategy && pb_strategy_revokes(strategy)) || !strcmp(axes[q].values[idx[q]], o->def)))
				continue;
			if (o->id_unless_default && !strcmp(axes[q].values[idx[q]], o->def))
				continue;
			used = strlen(id);
			snprintf(id + used, sizeof(id) - used, "%s%s=%s", id[used - 1] == '/' ? "" : ",", o->name,
				 axes[q].values[idx[q]]);
		}
		c.id = pb_xstrdup(id);
		c.job = pb_xstrdup(job->name);
		c.boot = w->boot ? w->boot(c.params) : NULL;

		if (ppc && bp % ppc) {
			perr(p, bp_line, "[%s]: buffer_pages=%" PRIu64 " is not a multiple of pages_per_call=%" PRIu64,
			     job->name, bp, ppc);
			ret = -1;
		}
		for (size_t i = 0; !ret && i < plan->nr; i++) {
			if (!strcmp(plan->cells[i].id, c.id)) {
				perr(p, job->line, "[%s]: cell %s is also produced by [%s]",
				     job->name, c.id, plan->cells[i].job);
				ret = -1;
			}
		}
		plan->cells = realloc(plan->cells, (plan->nr + 1) * sizeof(c));
		if (!plan->cells)
			pb_die("out of memory");
		plan->cells[plan->nr++] = c;
		if (ret)
			break;
next:
		/* Next combination: the last option varies fastest. */
		for (q = n; q-- > 0;) {
			if (++idx[q] < axes[q].nr)
				break;
			idx[q] = 0;
		}
		if (q == (size_t)-1)
			break;
	}
	free_axes(axes, n);
	return ret;
}

int pb_job_load(const char *path, struct pb_plan *plan, char *err, size_t errlen)
{
	struct parser p = { .path = path, .err = err, .errlen = errlen };
	struct section *global = NULL;
	size_t jobs = 0;
	int r;

	options_init();
	memset(plan, 0, sizeof(*plan));
	p.f = fopen(path, "r");
	if (!p.f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (r != 0 && !p.failed)
		perr(&p, r > 0 ? r : p.line, "syntax error (expected [section] or key=value)");

	/* A header with no key under it (inih reports none of it): an empty section. */
	for (size_t h = 0; !p.failed && h < p.nr_headers; h++) {
		size_t i;

		for (i = 0; i < p.nr_sections && strcmp(p.sections[i].name, p.headers[h]); i++)
			;
		if (i == p.nr_sections)
			perr(&p, p.header_lines[h], "[%s]: an empty section: it sets nothing, so its "
			     "cells would be [global]'s alone; say what it runs, or remove it",
			     p.headers[h]);
	}
	for (size_t i = 0; !p.failed && i < p.nr_sections; i++)
		if (!strcmp(p.sections[i].name, "global"))
			global = &p.sections[i];
	for (size_t i = 0; !p.failed && i < p.nr_sections; i++) {
		bool empty = true;

		if (&p.sections[i] == global)
			continue;
		for (size_t j = 0; j < nr_options; j++)
			empty = empty && !p.sections[i].value[j];
		if (empty) {
			perr(&p, p.sections[i].line, "[%s]: an empty section: it sets nothing, so its cells "
			     "would be [global]'s alone; say what it runs, or remove it", p.sections[i].name);
			break;
		}
		jobs++;
		if (expand(&p, &p.sections[i], global, plan) < 0)
			break;
	}
	if (!p.failed && !jobs)
		perr(&p, p.line, "no job sections (only [global])");

	for (size_t i = 0; i < p.nr_sections; i++) {
		for (size_t j = 0; j < nr_options; j++)
			free(p.sections[i].value[j]);
		free(p.sections[i].name);
	}
	free(p.sections);
	for (size_t h = 0; h < p.nr_headers; h++)
		free(p.headers[h]);
	free(p.headers);
	free(p.header_lines);
	if (p.failed) {
		pb_plan_free(plan);
		return -1;
	}
	return 0;
}

/* Stable: the plain guest's cells first, then each layout's, in pb_boot_profiles[] order. */
static void plan_group_by_boot(struct pb_plan *plan)
{
	struct pb_cellspec *sorted = pb_xcalloc(plan->nr + 1, sizeof(*sorted));
	size_t n = 0;

	for (size_t i = 0; i < plan->nr; i++)
		if (!plan->cells[i].boot)
			sorted[n++] = plan->cells[i];
	for (size_t p = 0; pb_boot_profiles[p].name; p++)
		for (size_t i = 0; i < plan->nr; i++)
			if (plan->cells[i].boot && !strcmp(plan->cells[i].boot, pb_boot_profiles[p].name))
				sorted[n++] = plan->cells[i];
	if (n != plan->nr)
		pb_die("a cell asks for a boot profile pinbench does not know (a pinbench bug)");
	free(plan->cells);
	plan->cells = sorted;
}

int pb_jobs_load(const char *paths, struct pb_plan *plan, char *err, size_t errlen)
{
	char *list = pb_xstrdup(paths), *save = NULL, *path;

	memset(plan, 0, sizeof(*plan));
	for (path = strtok_r(list, ",", &save); path; path = strtok_r(NULL, ",", &save)) {
		struct pb_plan one;

		if (pb_job_load(path, &one, err, errlen) < 0) {
			pb_plan_free(plan);
			free(list);
			return -1;
		}
		if (one.nr > PB_MAX_CELLS - plan->nr) {
			snprintf(err, errlen, "%s: its %zu cells make %zu with the earlier job files; a plan "
				 "holds at most %u: split the sweep", path, one.nr, plan->nr + one.nr, PB_MAX_CELLS);
			pb_plan_free(&one);
			pb_plan_free(plan);
			free(list);
			return -1;
		}
		for (size_t i = 0; i < one.nr; i++) {
			for (size_t k = 0; k < plan->nr; k++) {
				if (!strcmp(plan->cells[k].id, one.cells[i].id)) {
					snprintf(err, errlen, "%s: cell %s is also in an earlier job file; "
						 "cells are matched by id, so each must be run once", path,
						 one.cells[i].id);
					pb_plan_free(&one);
					pb_plan_free(plan);
					free(list);
					return -1;
				}
			}
		}
		plan->cells = realloc(plan->cells, (plan->nr + one.nr + 1) * sizeof(*plan->cells));
		if (!plan->cells)
			pb_die("out of memory");
		memcpy(plan->cells + plan->nr, one.cells, one.nr * sizeof(*one.cells));
		plan->nr += one.nr;
		free(one.cells);
	}
	free(list);
	if (!plan->nr) {
		snprintf(err, errlen, "no job file in '%s'", paths);
		return -1;
	}
	plan_group_by_boot(plan);
	for (size_t i = 0; i < plan->nr; i++)
		plan->cells[i].unit = !i ? 0 : plan->cells[i - 1].unit +
			(strcmp(plan->cells[i].job, plan->cells[i - 1].job) ||
			 strcmp(plan->cells[i].boot ? plan->cells[i].boot : "",
				plan->cells[i - 1].boot ? plan->cells[i - 1].boot : "") != 0);
	return 0;
}

size_t pb_plan_units(const struct pb_plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->nr; i++)
		if (!i || plan->cells[i].unit != plan->cells[i - 1].unit)
			n++;
	return n;
}

void pb_plan_free(struct pb_plan *plan)
{
	for (size_t i = 0; i < plan->nr; i++) {
		free(plan->cells[i].id);
		free(plan->cells[i].job);
		free(plan->cells[i].workload);
		free(plan->cells[i].strategy);
		json_object_put(plan->cells[i].params);
	}
	free(plan->cells);
	memset(plan, 0, sizeof(*plan));
}

/*
 * Round robin: cell i goes to shard i % n. Neighbouring cells differ in
 * one swept value, so every shard gets a like share of each workload and
 * of each costly sweep point, and the split depends on the job alone.
 */
/*
 * By unit (deterministic runs): each unit whole, the units by size
 * (cells, largest first, the earlier first among equals) each to the
 * shard with the fewest cells so far (the lowest numbered among equals).
 * Computed from the whole plan alone, so every shard agrees on it.
 */
static unsigned int *unit_shards(const struct pb_plan *plan, unsigned int n)
{
	size_t units = plan->nr ? plan->cells[plan->nr - 1].unit + 1 : 0;
	size_t *size = pb_xcalloc(units + 1, sizeof(*size)), *load = pb_xcalloc(n, sizeof(*load));
	unsigned int *shard = pb_xcalloc(units + 1, sizeof(*shard));
	bool *done = pb_xcalloc(units + 1, sizeof(*done));

	for (size_t i = 0; i < plan->nr; i++)
		size[plan->cells[i].unit]++;
	for (size_t placed = 0; placed < units; placed++) {
		size_t best = units;
		unsigned int to = 0;

		for (size_t u = 0; u < units; u++)
			if (!done[u] && (best == units || size[u] > size[best]))
				best = u;
		for (unsigned int s = 1; s < n; s++)
			if (load[s] < load[to])
				to = s;
		done[best] = true;
		shard[best] = to;
		load[to] += size[best];
	}
	free(size);
	free(load);
	free(done);
	return shard;
}

void pb_plan_shard(struct pb_plan *plan, unsigned int k, unsigned int n, bool by_unit)
{
	unsigned int *shard = by_unit ? unit_shards(plan, n) : NULL;
	size_t kept = 0;

	plan->total = plan->nr;
	for (size_t i = 0; i < plan->nr; i++) {
		struct pb_cellspec *c = &plan->cells[i];

		if (shard ? shard[c->unit] == k - 1 : i % n == k - 1) {
			c->plan_index = i;
			plan->cells[kept++] = *c;
			continue;
		}
		free(c->id);
		free(c->job);
		free(c->workload);
		free(c->strategy);
		json_object_put(c->params);
	}
	plan->nr = kept;
	free(shard);
}

struct json_object *pb_plan_to_json(const struct pb_plan *plan)
{
	struct json_object *o = json_object_new_object(), *cells = json_object_new_array();

	for (size_t i = 0; i < plan->nr; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "id", json_object_new_string(plan->cells[i].id));
		json_object_object_add(c, "job", json_object_new_string(plan->cells[i].job));
		json_object_object_add(c, "workload", json_object_new_string(plan->cells[i].workload));
		json_object_object_add(c, "strategy", json_object_new_string(plan->cells[i].strategy));
		json_object_object_add(c, "params", json_object_get(plan->cells[i].params));
		if (plan->total)
			json_object_object_add(c, "plan_index", json_object_new_uint64(plan->cells[i].plan_index));
		if (plan->cells[i].boot)
			json_object_object_add(c, "boot", json_object_new_string(plan->cells[i].boot));
		json_object_array_add(cells, c);
	}
	json_object_object_add(o, "cells", cells);
	return o;
}

void pb_job_print_options(FILE *f)
{
	char allowed[256], who[256];

	options_init();
	fprintf(f, "Job file options (fio-style INI; [global] sets defaults for every section;\n"
		   "a comma list on an option marked 'list' is a sweep axis):\n");
	for (size_t i = 0; i < nr_options; i++) {
		const struct pb_option *o = options[i];

		allowed_list(o, allowed, sizeof(allowed));
		fprintf(f, "  %-15s %s\n", o->name, o->help);
		if (o->type == PB_OPT_UINT)
			fprintf(f, "  %-15s range %" PRIu64 "..%" PRIu64, "", o->min, o->max);
		else
			fprintf(f, "  %-15s one of: %s", "", allowed);
		fprintf(f, "%s; default: %s", o->list ? ", list" : "",
			o->def ? o->def : o->type == PB_OPT_STRATEGY ? "all" : "(required)");
		/* A workload's own default. */
		for (size_t k = 0; pb_workloads[k]; k++) {
			const struct pb_wl_option *u = wl_option(pb_workloads[k], i);

			if (u && u->def)
				fprintf(f, " (%s: %s)", pb_workloads[k]->name, u->def);
		}
		takers(i, who, sizeof(who));
		fprintf(f, "%s%s\n", *who ? "; workloads: " : "", who);
	}
}
