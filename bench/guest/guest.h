/* SPDX-License-Identifier: GPL-2.0 */
/* guest.h: the contract between the guest driver and one workload file. */
#ifndef PINBENCH_GUEST_H
#define PINBENCH_GUEST_H

#include <stdint.h>
#include <json-c/json.h>

enum pb_status { PB_OK, PB_UNSUPPORTED, PB_FAILED };

struct pb_cell {
	const char *id;
	struct json_object *params;	/* from the plan, read-only */
	struct json_object *raw;	/* the workload adds its raw data here */
	int devfd;			/* /dev/pinbench */
	enum pb_status status;
	char reason[512];
};

/*
 * A workload is one file that defines one of these. run() fills
 * cell->raw with what it measured (raw: histograms and sums; the host
 * computes statistics), or sets status and reason.
 */
struct pb_guest_workload {
	const char *name;
	void (*run)(struct pb_cell *cell);
};

extern const struct pb_guest_workload pb_wl_gup_fast;
extern const struct pb_guest_workload pb_wl_selftest;

/* Helpers for workloads. */
void pb_cell_fail(struct pb_cell *cell, enum pb_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add a sentence to an ok cell's reason ("; "-separated). */
void pb_cell_note(struct pb_cell *cell, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pb_param_str(struct pb_cell *cell, const char *key);
uint64_t pb_param_u64(struct pb_cell *cell, const char *key);
/* PINBENCH_CAP_* of a strategy, as the loaded module declares them. */
uint32_t pb_strategy_caps(const char *strategy);

#endif
