// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace.c: kprobe events in tracefs, as evidence of what the kernel did
 * during a cell (which function ran, in which task, with which argument).
 *
 * The guest is a throw-away VM, but a cell still leaves tracefs as it found
 * it: only events named "pb_*" are created, enabled and removed, and
 * tracing_on is restored. The trace is read from the "trace" file after the
 * measured part is over, so reading it costs the figures nothing; what the
 * probes themselves cost (an ftrace call per hit) is why tracing is a job
 * option and never on by default.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"
#include "util.h"

#define TRACEFS "/sys/kernel/tracing"

static int tfs_write(const char *file, const char *s, bool append)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int tfs_mount(char *err, size_t errlen)
{
	struct stat st;

	if (stat(TRACEFS "/kprobe_events", &st) == 0)
		return 0;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) < 0 && errno != EBUSY) {
		snprintf(err, errlen, "mounting tracefs on " TRACEFS ": %s", strerror(errno));
		return -1;
	}
	if (stat(TRACEFS "/kprobe_events", &st) < 0) {
		snprintf(err, errlen, "this kernel has no kprobe events (CONFIG_KPROBE_EVENTS)");
		return -1;
	}
	return 0;
}

/* The event's name in a definition "p:NAME SYMBOL ...". */
static void def_name(const char *def, char *name, size_t len)
{
	const char *p = strchr(def, ':');

	p = p ? p + 1 : def;
	snprintf(name, len, "%.*s", (int)strcspn(p, " "), p);
}

void pb_ktrace_stop(struct pb_ktrace *kt)
{
	char buf[96];

	for (unsigned int i = 0; i < kt->n; i++) {
		snprintf(buf, sizeof(buf), "events/kprobes/%s/enable", kt->names[i]);
		tfs_write(buf, "0", false);
		snprintf(buf, sizeof(buf), "-:%s", kt->names[i]);
		tfs_write("kprobe_events", buf, true);
	}
	kt->n = 0;
	tfs_write("tracing_on", "1", false);
}

/*
 * Create and enable the probes. defs[i] lists alternatives separated by
 * '|' (a function renamed between kernels: the first this kernel has is
 * used). Returns 0, or -1 with the reason in err and nothing left behind.
 */
int pb_ktrace_start(struct pb_ktrace *kt, const char *const *defs, unsigned int n, char *err,
		    size_t errlen)
{
	char buf[96];

	memset(kt, 0, sizeof(*kt));
	if (n > PB_KTRACE_MAX) {
		snprintf(err, errlen, "more than %d probes", PB_KTRACE_MAX);
		return -1;
	}
	if (tfs_mount(err, errlen) < 0)
		return -1;
	tfs_write("tracing_on", "0", false);
	/* Room for every event of an iteration: the trace says when some were lost. */
	tfs_write("buffer_size_kb", "8192", false);
	for (unsigned int i = 0; i < n; i++) {
		char *alts = pb_xstrdup(defs[i]), *save = NULL, *def;
		int r = -ENOENT;

		for (def = strtok_r(alts, "|", &save); def; def = strtok_r(NULL, "|", &save)) {
			r = tfs_write("kprobe_events", def, true);
			if (r == 0) {
				def_name(def, kt->names[kt->n], sizeof(kt->names[0]));
				kt->n++;
				break;
			}
		}
		free(alts);
		if (r < 0) {
			snprintf(err, errlen, "kprobe '%s': %s (a symbol this kernel does not have?)",
				 defs[i], strerror(-r));
			pb_ktrace_stop(kt);
			return -1;
		}
		snprintf(buf, sizeof(buf), "events/kprobes/%s/enable", kt->names[kt->n - 1]);
		r = tfs_write(buf, "1", false);
		if (r < 0) {
			snprintf(err, errlen, "enabling kprobe %s: %s", kt->names[kt->n - 1],
				 strerror(-r));
			pb_ktrace_stop(kt);
			return -1;
		}
	}
	return 0;
}

/* Empty the buffer and trace from now on. */
void pb_ktrace_begin(struct pb_ktrace *kt)
{
	(void)kt;
	tfs_write("trace", "", false);
	tfs_write("tracing_on", "1", false);
}

/* A line of our own in the trace, between the kernel's events. */
void pb_ktrace_mark(const char *msg)
{
	tfs_write("trace_marker", msg, false);
}

/*
 * Stop tracing and hand every event to fn, oldest first: the event's name
 * ("tracing_mark_write" for a mark), the task's pid, and its arguments
 * (after the probe's "(symbol+off/len)"). Returns how many events the
 * buffer lost (entries written but not kept), or -1 if it cannot be read.
 */
long pb_ktrace_end(struct pb_ktrace *kt, void (*fn)(void *arg, const char *event, int pid,
						    const char *args), void *arg)
{
	FILE *f;
	char line[512];
	long lost = 0;

	(void)kt;
	tfs_write("tracing_on", "0", false);
	f = fopen(TRACEFS "/trace", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long kept, written;
		char *br, *ev, *colon, *args, *dash;
		int pid;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#') {
			char *e = strstr(line, "entries-in-buffer/entries-written:");

			if (e && sscanf(e, "entries-in-buffer/entries-written: %lu/%lu", &kept,
					&written) == 2 && written > kept)
				lost = (long)(written - kept);
			continue;
		}
		/* "  task-PID  [CPU] flags  TIME: EVENT: ARGS" */
		br = strstr(line, " [");
		if (!br)
			continue;
		*br = '\0';
		dash = strrchr(line, '-');
		pid = dash ? atoi(dash + 1) : -1;
		ev = strstr(br + 1, ": ");
		if (!ev)
			continue;
		ev += 2;
		colon = strchr(ev, ':');
		if (!colon)
			continue;
		*colon = '\0';
		args = colon + 1;
		while (*args == ' ')
			args++;
		if (*args == '(') {
			char *close = strchr(args, ')');

			args = close ? close + 1 : args;
			while (*args == ' ')
				args++;
		}
		fn(arg, ev, pid, args);
	}
	fclose(f);
	return lost;
}

/* The value of "key=" in a probe's arguments, as a number (0 if absent). */
unsigned long long pb_ktrace_arg(const char *args, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = args; (p = strstr(p, key)); p += kl)
		if ((p == args || p[-1] == ' ') && p[kl] == '=')
			return strtoull(p + kl + 1, NULL, 0);
	return 0;
}
