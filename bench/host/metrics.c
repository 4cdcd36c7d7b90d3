// SPDX-License-Identifier: GPL-2.0
/* metrics.c: the workloads' metric tables looked up, and the table of them all for results/schema.md. */
#include <ctype.h>
#include <string.h>
#include "metrics.h"
#include "util.h"
#include "workload.h"

/*
 * Judged are the figures a change to a pinning design moves and a
 * repeatable run reproduces: medians rather than tails (a tail is a
 * handful of slow calls) and rather than the phase means (in deterministic
 * mode two boots give identical medians, while a mean over a few phase
 * rounds moved by 1.4% with one slow call, and small_dio's mean acquire by
 * 1.3% between two nightly runs). Counts of outcomes vary by design; their
 * meaning is carried by the verdicts, which compare compares as words.
 */
const struct pb_metric_def *pb_metric_find(const char *workload, const char *name)
{
	const struct pb_workload *w = pb_workload_find(workload);

	for (size_t i = 0; w && i < w->nr_metrics; i++) {
		const struct pb_metric_def *d = &w->metrics[i];
		size_t len = strlen(d->name);

		if (d->name[len - 1] == '*' ? !strncmp(d->name, name, len - 1) : !strcmp(d->name, name))
			return d;
	}
	return NULL;
}

bool pb_metric_judged(const struct pb_metric_def *d, const char *field)
{
	const char *p = d->judged;
	size_t len = strlen(field);

	if (!p)
		return false;
	if (!*field)
		return !*p;
	while (*p) {
		if (!strncmp(p, field, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

/*
 * Every descriptor in bench/host/wl/, from the list the build makes of that
 * directory (host/wl_list.h): adding a workload's descriptor adds no line
 * here. They are put in the order reports show them (.order) before main().
 */
#define PB_WL(name) extern const struct pb_workload pb_wl_##name;
#include "wl_list.h"
#undef PB_WL

const struct pb_workload *pb_workloads[] = {
#define PB_WL(name) &pb_wl_##name,
#include "wl_list.h"
#undef PB_WL
	NULL,
};

__attribute__((constructor)) static void pb_workloads_sort(void)
{
	size_t n = ARRAY_SIZE(pb_workloads) - 1;

	/* Insertion sort by order, then name: a handful of entries. */
	for (size_t i = 1; i < n; i++) {
		const struct pb_workload *w = pb_workloads[i];
		size_t j = i;

		while (j > 0 && (pb_workloads[j - 1]->order > w->order ||
				 (pb_workloads[j - 1]->order == w->order &&
				  strcmp(pb_workloads[j - 1]->name, w->name) > 0))) {
			pb_workloads[j] = pb_workloads[j - 1];
			j--;
		}
		pb_workloads[j] = w;
	}
}

const struct pb_workload *pb_workload_find(const char *name)
{
	for (size_t i = 0; name && pb_workloads[i]; i++)
		if (!strcmp(pb_workloads[i]->name, name))
			return pb_workloads[i];
	return NULL;
}

static const char *better_word(const struct pb_metric_def *d)
{
	if (!strcmp(d->unit, "word"))
		return "-";
	return d->better == PB_LOWER ? "lower" : d->better == PB_HIGHER ? "higher" : "-";
}

char *pb_metrics_markdown(void)
{
	struct pb_text t = { 0 };

	for (size_t i = 0; pb_workloads[i]; i++) {
		const struct pb_workload *w = pb_workloads[i];

		pb_text_put(&t, "\n## %s metrics\n\n%c%s.\n\n", w->name, toupper((unsigned char)w->summary[0]),
			    w->summary + 1);
		if (w->nr_metrics) {
			pb_text_put(&t, "| key | unit | better | compare judges | what |\n|---|---|---|---|---|\n");
			for (size_t k = 0; k < w->nr_metrics; k++) {
				const struct pb_metric_def *d = &w->metrics[k];
				size_t len = strlen(d->name);

				pb_text_put(&t, "| `%.*s%s` | %s | %s | %s | %s |\n", (int)(len - (d->name[len - 1] == '*')),
					    d->name, d->name[len - 1] == '*' ? "<step>_ns_per_call" : "", d->unit,
					    better_word(d), !d->judged ? "-" : *d->judged ? d->judged : "the value",
					    d->what);
			}
		} else {
			pb_text_put(&t, "No metrics: a cell's status is its result.\n");
		}
		if (w->notes)
			pb_text_put(&t, "\n%s\n", w->notes);
	}
	return t.s;
}
