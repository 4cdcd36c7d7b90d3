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

enum opt_type { OPT_ENUM, OPT_UINT, OPT_BOOL, OPT_STRATEGY };

/*
 * Every option is one row: parsing, defaults, range checks, the cell id
 * and --help all come from it (as in fio's options.c). Rows are in the
 * order cells are expanded: the first varies slowest.
 */
struct job_option {
	const char *name;
	enum opt_type type;
	const char *def;		/* default, in job-file syntax */
	uint64_t min, max;		/* OPT_UINT */
	const char *const *allowed;	/* OPT_ENUM, NULL-terminated */
	bool list;			/* accepts a comma list: a sweep axis */
	bool in_id;			/* part of the cell id */
	const char *workloads;		/* comma list it applies to; NULL: all */
	const char *help;
	const char *def_for;		/* "workload:value,...": those workloads' own defaults */
	/*
	 * A policy of revoking strategies only (PINBENCH_REVOKING_STRATEGIES):
	 * other strategies' cells do not carry it, and a job section that sets
	 * it for one of them is an error. In the cell id only when it is not
	 * the default, so that the default cells keep their ids.
	 */
	bool revoke_only;
	bool pow2;			/* OPT_UINT: a power of two */
};

static const char *const workload_values[] = { "gup_fast", "small_dio", "stock_dio", "irq_completion",
					       "truncate_under_dma", "truncate_stock", "writeback_under_dma",
					       "selftest", NULL };
static const char *const fault_values[] = { "none", "warn", "panic", "hang", "hang_at_exit", "leak",
					     "emulator_int3", NULL };
static const char *const backing_values[] = { "anon", "shmem", NULL };
static const char *const thp_values[] = { "off", "on", NULL };
static const char *const registration_values[] = { "per_io", "per_buffer", NULL };
static const char *const rw_values[] = { "read", "write", NULL };
static const char *const engine_values[] = { "liburing", "fio_io_uring", "fio_libaio", NULL };
static const char *const completion_values[] = { "inline", "softirq", "hardirq", NULL };
static const char *const context_values[] = { "hardirq", "softirq", "process", NULL };
static const char *const placement_values[] = { "split", "shared", NULL };
static const char *const filesystem_values[] = { "tmpfs", "ext4", "ext4_dax", NULL };
static const char *const truncate_to_values[] = { "zero", "half", NULL };
static const char *const revoke_events_values[] = { "all", "truncate_unmap", NULL };
static const char *const after_revoke_values[] = { "drop", "reacquire", NULL };

static const struct job_option options[] = {
	{ "workload", OPT_ENUM, NULL, 0, 0, workload_values, false, false, NULL,
	  "workload to run (required)" },
	{ "backing", OPT_ENUM, "anon", 0, 0, backing_values, true, true, "gup_fast",
	  "memory behind the buffer: anon (private anonymous) or shmem (MAP_SHARED file on tmpfs)" },
	{ "thp", OPT_ENUM, "off", 0, 0, thp_values, true, true, "gup_fast",
	  "transparent huge pages for the buffer (anon: madvise; shmem: tmpfs huge=always)" },
	{ "rw", OPT_ENUM, "read", 0, 0, rw_values, true, true, "small_dio,stock_dio,irq_completion",
	  "direction of the I/O: read (the device writes memory: pages acquired for write, dirtied) or write" },
	{ "block_size", OPT_UINT, "4096", 512, PINBENCH_DIO_MAX_BLOCK, NULL, true, true,
	  "small_dio,stock_dio",
	  "bytes per I/O, a power of two", .pow2 = true },
	{ "queue_depth", OPT_UINT, "1", 1, PINBENCH_DIO_MAX_QD, NULL, true, true,
	  "small_dio,stock_dio,irq_completion,truncate_stock",
	  "I/Os kept in flight (irq_completion: queued at the device; at 1 the submitter must refill "
	  "the queue between two interrupts)", "irq_completion:128,truncate_stock:8" },
	{ "submitters", OPT_UINT, "1", 1, 64, NULL, true, true, "small_dio",
	  "submitting threads, each with its own slots and part of the device, on CPUs hwloc "
	  "spreads apart (more than the guest has CPUs: unsupported)" },
	{ "completion", OPT_ENUM, "hardirq", 0, 0, completion_values, true, true,
	  "small_dio,stock_dio,truncate_stock",
	  "where null_blk completes (irqmode): inline in submit_bio, softirq, or hardirq from its timer" },
	{ "completion_nsec", OPT_UINT, "10000", 0, 100000000, NULL, true, true,
	  "small_dio,stock_dio,truncate_stock",
	  "hardirq completion: null_blk's timer delay per I/O, ns" },
	{ "longterm", OPT_BOOL, "0", 0, 1, NULL, true, true,
	  "gup_fast,small_dio,irq_completion,truncate_under_dma,writeback_under_dma",
	  "acquire with FOLL_LONGTERM (only strategies built on FOLL_PIN honour it)" },
	{ "registration", OPT_ENUM, "per_io", 0, 0, registration_values, true, true,
	  "gup_fast,small_dio,irq_completion,truncate_under_dma,writeback_under_dma",
	  "where tracking state lives: per_io (every acquire stands alone: notifier_revoke inserts and "
	  "removes a notifier per call) or per_buffer (set up once: one notifier over the buffer; "
	  "strategies without per-buffer state report unsupported)" },
	{ "write", OPT_BOOL, "1", 0, 1, NULL, true, true, "gup_fast",
	  "acquire for write (FOLL_WRITE), as a device that writes to memory does" },
	{ "buffer_pages", OPT_UINT, "1024", 1, PINBENCH_MAX_BUFFER_PAGES, NULL, true, true, "gup_fast",
	  "pages in the buffer; each round acquires all of it, then releases it" },
	{ "pages_per_call", OPT_UINT, "1,16,256,512", 1, PINBENCH_MAX_PAGES_PER_CALL, NULL, true, true,
	  "gup_fast,truncate_under_dma,writeback_under_dma",
	  "pages per acquire call; must divide buffer_pages (truncate_under_dma: per call of the "
	  "registration, so per_io registration has one notifier per call)",
	  "truncate_under_dma:16,writeback_under_dma:16" },
	{ "fault", OPT_ENUM, "none", 0, 0, fault_values, true, true, "selftest",
	  "what the selftest cell does to the guest: nothing, a log splat, a kernel panic (sysrq-c), a hang, a guest program that never ends after its last cell, a device buffer left registered (a leak), or an imitated emulator fault (once per run)" },
	{ "context", OPT_ENUM, "hardirq", 0, 0, context_values, true, true, "irq_completion",
	  "where the simulated device completes: a hard-irq hrtimer, a soft hrtimer (softirq), or a "
	  "SCHED_FIFO kthread (process context, as a threaded interrupt handler)" },
	{ "placement", OPT_ENUM, "split", 0, 0, placement_values, true, true, "irq_completion",
	  "submitter and device on two CPUs hwloc spreads apart (split), or both on one (shared)" },
	{ "pages_per_io", OPT_UINT, "1", 1, PINBENCH_IRQ_MAX_PAGES, NULL, true, true, "irq_completion",
	  "pages each I/O acquires" },
	{ "coalesce", OPT_UINT, "1", 1, PINBENCH_IRQ_MAX_BATCH, NULL, true, true, "irq_completion",
	  "completions per interrupt at the offered pace (interrupt period: coalesce / rate_hz)" },
	{ "filesystem", OPT_ENUM, "tmpfs", 0, 0, filesystem_values, true, true,
	  "truncate_under_dma,truncate_stock,writeback_under_dma",
	  "where the file lives: tmpfs, ext4 on a memory-backed null_blk, or ext4 -o dax on fsdax pmem "
	  "(the guest then boots with memmap=)" },
	{ "truncate_to", OPT_ENUM, "zero", 0, 0, truncate_to_values, true, true,
	  "truncate_under_dma,truncate_stock",
	  "truncate the file to zero or to half its size" },
	{ "strategy", OPT_STRATEGY, NULL, 0, 0, NULL, true, false,
	  "gup_fast,small_dio,irq_completion,truncate_under_dma,writeback_under_dma",
	  "pinning strategies (default: all built into this pinbench)" },
	{ "rate_hz", OPT_UINT, "10000", 1, PINBENCH_MAX_RATE_HZ, NULL, true, true, "irq_completion",
	  "offered completion rate, completions per second (a list is the sweep that finds the "
	  "highest rate each strategy sustains)" },
	{ "max_backlog", OPT_UINT, "4096", 1, PINBENCH_IRQ_MAX_BACKLOG, NULL, false, true,
	  "irq_completion",
	  "I/Os whose deferred release may be pending before the submitter waits" },
	{ "file_pages", OPT_UINT, "64", 2, PINBENCH_MAX_BUFFER_PAGES, NULL, true, true,
	  "truncate_under_dma,truncate_stock,writeback_under_dma",
	  "pages in the file, all registered with the device" },
	{ "iterations", OPT_UINT, "20", 1, 100000, NULL, false, false,
	  "truncate_under_dma,truncate_stock,writeback_under_dma",
	  "register, write, truncate, extend, check: this many times per cell" },
	{ "dma_ms", OPT_UINT, "5", 1, 10000, NULL, false, false,
	  "truncate_under_dma,truncate_stock,writeback_under_dma",
	  "the device writes this long before the truncate and again after it" },
	{ "block_ms", OPT_UINT, "200", 10, 60000, NULL, false, false,
	  "truncate_under_dma,truncate_stock",
	  "a truncate still running after this long is blocked on the device: the device is then "
	  "unregistered, which lets it finish" },
	{ "trace", OPT_BOOL, "0", 0, 1, NULL, false, false, "truncate_stock",
	  "record kprobe events on both sides of a truncate's wait for a DAX page (where it waits, "
	  "wake_up_var(), the reads' page release, the devmap-aware put): the evidence behind a HANGS "
	  "verdict (raw.trace_*); the probes cost the reads and the truncate time" },
	{ "fsync_ms", OPT_UINT, "2", 0, 10000, NULL, true, true, "writeback_under_dma",
	  "another thread calls fsync() this often while the device writes" },
	{ "dirty_on_release", OPT_BOOL, "1", 0, 1, NULL, true, true, "writeback_under_dma",
	  "the strategy dirties the pages it still holds as it releases them "
	  "(unpin_user_pages_dirty_lock()); truncate_under_dma always does" },
	{ .name = "revoke_events", .type = OPT_ENUM, .def = "all", .allowed = revoke_events_values,
	  .list = true, .in_id = true, .revoke_only = true,
	  .workloads = "truncate_under_dma,writeback_under_dma",
	  .help = "which invalidations revoke: all (every event) or truncate_unmap (truncate, unmap "
		  "and release only, as proposed in 2018; the others are counted and pass); "
		  "revoking strategies only" },
	{ .name = "after_revoke", .type = OPT_ENUM, .def = "drop", .allowed = after_revoke_values,
	  .list = true, .in_id = true, .revoke_only = true,
	  .workloads = "truncate_under_dma,writeback_under_dma",
	  .help = "what the driver does after a revocation: drop (the device writes into the dummy "
		  "page from then on) or reacquire (a worker pins the range again once the "
		  "invalidation is over, the device waiting meanwhile, as ODP and HMM drivers fault "
		  "pages back in); revoking strategies only" },
	{ "dma_rate_hz", OPT_UINT, "10000", 1, PINBENCH_MAX_RATE_HZ, NULL, false, false,
	  "truncate_under_dma,writeback_under_dma",
	  "device ticks per second (hard-irq hrtimer)" },
	{ "dma_burst", OPT_UINT, "8", 1, PINBENCH_MAX_BURST, NULL, false, false,
	  "truncate_under_dma,writeback_under_dma",
	  "records the device writes per tick, page after page" },
	{ "duration_ms", OPT_UINT, "500", 1, 60000, NULL, false, false, "irq_completion",
	  "measured time per cell" },
	{ "warmup_ms", OPT_UINT, "100", 0, 60000, NULL, false, false, "irq_completion",
	  "time before measuring" },
	{ "calls", OPT_UINT, "2048", 1, 10000000, NULL, false, false, "gup_fast",
	  "timed acquire calls per cell (rounded up to whole rounds)" },
	{ "warmup_calls", OPT_UINT, "256", 0, 10000000, NULL, false, false, "gup_fast",
	  "untimed calls before measuring" },
	{ "engine", OPT_ENUM, "liburing", 0, 0, engine_values, true, true,
	  "stock_dio,truncate_stock",
	  "the stock kernel's O_DIRECT path driven by: our liburing driver (timed per I/O like small_dio), "
	  "fio's io_uring engine, or fio's libaio engine (the 2018 thread's job)" },
	{ "fixedbufs", OPT_BOOL, "0", 0, 1, NULL, true, true, "stock_dio,truncate_stock",
	  "io_uring registered buffers (pinned once, FOLL_LONGTERM) instead of a page reference per I/O" },
	{ "debug_release_in_place", OPT_BOOL, "0", 0, 1, NULL, false, false, "small_dio",
	  "testing only: release on the spot in end_io's context, deferring nothing "
	  "(proves that a release in the wrong context fails the cell)" },
	{ "debug_invalidate_ms", OPT_UINT, "0", 0, 10000, NULL, false, false, "small_dio",
	  "testing only: every this many ms while the I/Os run, invalidate the buffer without losing "
	  "its data (mprotect() to rwx and back: MMU_NOTIFY_PROTECTION_VMA); 0: never. A revoking "
	  "strategy must then wait for the bios on its pages (raw.revoke_waits)" },
	{ "ios", OPT_UINT, "20000", 1, 100000000, NULL, false, false, "small_dio,stock_dio",
	  "measured I/Os per cell" },
	{ "warmup_ios", OPT_UINT, "500", 0, 100000000, NULL, false, false, "small_dio,stock_dio",
	  "I/Os before measuring" },
	{ "min_rounds", OPT_UINT, "8", 1, PINBENCH_MAX_ROUNDS, NULL, false, false, "gup_fast",
	  "at least this many sampled and phase rounds: a phase mean over few rounds moves with one interrupt" },
};
#define NR_OPTIONS ARRAY_SIZE(options)

struct section {
	char *name;
	int line;
	char *value[NR_OPTIONS];	/* raw text, NULL when unset */
	int value_line[NR_OPTIONS];
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
	for (size_t i = 0; i < NR_OPTIONS; i++)
		if (!strcmp(options[i].name, name))
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

static void allowed_list(const struct job_option *o, char *buf, size_t len)
{
	buf[0] = '\0';
	if (o->type == OPT_STRATEGY) {
		snprintf(buf, len, "%s", pb_strategy_list());
		return;
	}
	if (o->type == OPT_BOOL) {
		snprintf(buf, len, "0, 1");
		return;
	}
	for (size_t i = 0; o->allowed && o->allowed[i]; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", o->allowed[i]);
	}
}

/* Check one element of a value; returns 0 or -1 with the error recorded. */
static int check_value(struct parser *p, int line, const struct job_option *o, const char *v)
{
	char allowed[256];

	switch (o->type) {
	case OPT_UINT:
	case OPT_BOOL: {
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
	case OPT_ENUM:
		for (size_t i = 0; o->allowed[i]; i++)
			if (!strcmp(o->allowed[i], v))
				return 0;
		break;
	case OPT_STRATEGY:
		if (pb_strategy_id(v))
			return 0;
		break;
	}
	allowed_list(o, allowed, sizeof(allowed));
	perr(p, line, "%s: '%s' is not one of: %s", o->name, v, allowed);
	return -1;
}

/* Validate a whole (possibly comma-separated) value. */
static int check_option_value(struct parser *p, int line, const struct job_option *o,
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

		for (size_t i = 0; i < NR_OPTIONS; i++) {
			size_t used = strlen(known);

			snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
				 options[i].name);
		}
		perr(p, p->line, "unknown key '%s' (known: %s)", name, known);
		return 0;
	}
	if (s->value[idx]) {
		perr(p, p->line, "'%s' set twice in [%s] (first on line %d)", name, section,
		     s->value_line[idx]);
		return 0;
	}
	if (check_option_value(p, p->line, &options[idx], value) < 0)
		return 0;
	s->value[idx] = pb_xstrdup(value);
	s->value_line[idx] = p->line;
	return 1;
}

/* The value of option i for a job: its own, else [global]'s, else the default. */
static const char *effective(const struct section *job, const struct section *global,
			     size_t i, int *line, const char *workload)
{
	const char *d = options[i].def_for;

	*line = job->line;
	if (job->value[i]) {
		*line = job->value_line[i];
		return job->value[i];
	}
	if (global && global->value[i]) {
		*line = global->value_line[i];
		return global->value[i];
	}
	if (options[i].type == OPT_STRATEGY)
		return pb_strategy_list();
	/* def_for: "workload:value[,workload:value...]"; values hold no comma. */
	for (size_t n = workload ? strlen(workload) : 0; d && n;
	     d = strchr(d, ',') ? strchr(d, ',') + 1 : NULL) {
		if (!strncmp(d, workload, n) && d[n] == ':') {
			static char val[32];

			snprintf(val, sizeof(val), "%.*s", (int)strcspn(d + n + 1, ","), d + n + 1);
			return val;
		}
	}
	return options[i].def;
}

static bool applies(const struct job_option *o, const char *workload)
{
	size_t n = strlen(workload);
	const char *p = o->workloads;

	if (!p)
		return true;
	while ((p = strstr(p, workload))) {
		if ((p == o->workloads || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
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

static struct json_object *typed(const struct job_option *o, const char *v)
{
	if (o->type == OPT_UINT || o->type == OPT_BOOL)
		return json_object_new_uint64(strtoull(v, NULL, 10));
	return json_object_new_string(v);
}

static int expand(struct parser *p, const struct section *job, const struct section *global,
		  struct pb_plan *plan)
{
	struct axis axes[NR_OPTIONS];
	size_t idx[NR_OPTIONS] = { 0 }, i;
	const char *workload;
	int ret = 0, line;

	workload = effective(job, global, (size_t)find_option("workload"), &line, NULL);
	if (!workload) {
		perr(p, job->line, "[%s]: 'workload' is required", job->name);
		return -1;
	}
	for (i = 0; i < NR_OPTIONS; i++) {
		const char *v;

		if (!applies(&options[i], workload)) {
			/* Set in the job itself: a mistake. From [global]: meant for others. */
			if (job->value[i]) {
				perr(p, job->value_line[i], "%s: does not apply to workload %s (only %s)",
				     options[i].name, workload, options[i].workloads);
				for (size_t j = 0; j < i; j++) {
					for (size_t k = 0; k < axes[j].nr; k++)
						free(axes[j].values[k]);
					free(axes[j].values);
				}
				return -1;
			}
			axes[i].values = pb_xcalloc(1, sizeof(char *));
			axes[i].nr = 1;
			continue;
		}
		v = effective(job, global, i, &axes[i].line, workload);
		split_axis(v, &axes[i]);
	}
	/*
	 * The lists multiply: a 765-byte job file can ask for 160 million
	 * cells, which would take the host's memory before a guest boots.
	 */
	{
		uint64_t cells = 1;

		for (i = 0; i < NR_OPTIONS; i++)
			if (__builtin_mul_overflow(cells, (uint64_t)axes[i].nr, &cells))
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

		for (i = 0; i < NR_OPTIONS; i++)
			if (options[i].type == OPT_STRATEGY)
				strategy = axes[i].values[idx[i]];
		/* A revoke policy sweep does not multiply a non-revoking strategy's cells. */
		for (i = 0; i < NR_OPTIONS; i++)
			if (options[i].revoke_only && idx[i] && !(strategy && pb_strategy_revokes(strategy)))
				dup = true;
		if (dup)
			goto next;
		c.params = json_object_new_object();
		c.strategy = NULL;
		for (i = 0; i < NR_OPTIONS; i++) {
			const char *v = axes[i].values[idx[i]];

			if (!v)		/* does not apply to this workload */
				continue;
			if (options[i].revoke_only && !(strategy && pb_strategy_revokes(strategy))) {
				if (job->value[i] && !ret) {
					perr(p, job->value_line[i], "[%s]: %s: %s does not revoke its pins "
					     "(only %s)", job->name, options[i].name,
					     strategy ? strategy : "this workload",
					     pb_revoking_list());
					ret = -1;
				}
				continue;
			}
			if (!strcmp(options[i].name, "workload"))
				c.workload = pb_xstrdup(v);
			if (!strcmp(options[i].name, "strategy"))
				c.strategy = pb_xstrdup(v);
			if (!strcmp(options[i].name, "buffer_pages"))
				bp = strtoull(v, NULL, 10);
			if (!strcmp(options[i].name, "pages_per_call"))
				ppc = strtoull(v, NULL, 10);
			json_object_object_add(c.params, options[i].name, typed(&options[i], v));
		}
		if (!c.strategy)	/* a workload that pins nothing */
			c.strategy = pb_xstrdup("none");
		snprintf(id, sizeof(id), "%s/%s/", c.workload, c.strategy);
		for (i = 0; i < NR_OPTIONS; i++) {
			if (!options[i].in_id || !axes[i].values[idx[i]])
				continue;
			if (options[i].revoke_only &&
			    (!(strategy && pb_strategy_revokes(strategy)) ||
			     !strcmp(axes[i].values[idx[i]], options[i].def)))
				continue;
			used = strlen(id);
			snprintf(id + used, sizeof(id) - used, "%s%s=%s",
				 id[used - 1] == '/' ? "" : ",", options[i].name,
				 axes[i].values[idx[i]]);
		}
		c.id = pb_xstrdup(id);
		c.job = pb_xstrdup(job->name);

		if (ppc && bp % ppc) {
			perr(p, axes[find_option("buffer_pages")].line,
			     "[%s]: buffer_pages=%" PRIu64 " is not a multiple of pages_per_call=%" PRIu64,
			     job->name, bp, ppc);
			ret = -1;
		}
		for (i = 0; !ret && i < plan->nr; i++) {
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
		for (i = NR_OPTIONS; i-- > 0;) {
			if (++idx[i] < axes[i].nr)
				break;
			idx[i] = 0;
		}
		if (i == (size_t)-1)
			break;
	}
	for (i = 0; i < NR_OPTIONS; i++) {
		for (size_t j = 0; j < axes[i].nr; j++)
			free(axes[i].values[j]);
		free(axes[i].values);
	}
	return ret;
}

int pb_job_load(const char *path, struct pb_plan *plan, char *err, size_t errlen)
{
	struct parser p = { .path = path, .err = err, .errlen = errlen };
	struct section *global = NULL;
	size_t jobs = 0;
	int r;

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
		for (size_t j = 0; j < NR_OPTIONS; j++)
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
		for (size_t j = 0; j < NR_OPTIONS; j++)
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
	return 0;
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
void pb_plan_shard(struct pb_plan *plan, unsigned int k, unsigned int n)
{
	size_t kept = 0;

	plan->total = plan->nr;
	for (size_t i = 0; i < plan->nr; i++) {
		struct pb_cellspec *c = &plan->cells[i];

		if (i % n == k - 1) {
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
		json_object_array_add(cells, c);
	}
	json_object_object_add(o, "cells", cells);
	return o;
}

void pb_job_print_options(FILE *f)
{
	char allowed[256];

	fprintf(f, "Job file options (fio-style INI; [global] sets defaults for every section;\n"
		   "a comma list on an option marked 'list' is a sweep axis):\n");
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		const struct job_option *o = &options[i];

		allowed_list(o, allowed, sizeof(allowed));
		fprintf(f, "  %-15s %s\n", o->name, o->help);
		if (o->type == OPT_UINT)
			fprintf(f, "  %-15s range %" PRIu64 "..%" PRIu64, "", o->min, o->max);
		else
			fprintf(f, "  %-15s one of: %s", "", allowed);
		fprintf(f, "%s; default: %s%s%s%s%s%s\n", o->list ? ", list" : "",
			o->def ? o->def : o->type == OPT_STRATEGY ? "all" : "(required)",
			o->def_for ? " (" : "", o->def_for ? o->def_for : "", o->def_for ? ")" : "",
			o->workloads ? "; workloads: " : "", o->workloads ? o->workloads : "");
	}
}
