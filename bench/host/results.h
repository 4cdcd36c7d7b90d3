/* SPDX-License-Identifier: GPL-2.0 */
/* results.h: the one results structure: cells from raw guest data, metrics with units in their names. */
#ifndef PINBENCH_RESULTS_H
#define PINBENCH_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#define PB_SCHEMA_VERSION 1

/*
 * One results.json cell from the plan entry and the guest's raw file
 * (NULL when the cell never produced one; status/reason then say why).
 */
struct json_object *pb_cell_result(struct json_object *plan_cell, struct json_object *raw_cell,
				   const char *status, const char *reason);
/* Metrics of a cell from its raw data; adds to 'metrics'. 0, or -1 with reason. */
int pb_metrics_compute(const char *workload, struct json_object *raw, struct json_object *metrics,
		       char *reason, size_t len);
/*
 * irq_completion: why an offered rate was not sustained ("backlog grows",
 * "interrupts late", "submitter behind"), or NULL; q2 and q4 are the
 * backlog's means over the second and last quarter of the measured time.
 */
const char *pb_irq_limit(uint64_t offered, uint64_t missed_empty, uint64_t missed_late,
			 uint64_t stalls, double q2, double q4);
/* truncate_under_dma: the one-word outcome of a cell (see results.c). */
const char *pb_truncate_verdict(uint64_t iterations, uint64_t refused, uint64_t hung,
				uint64_t blocked, uint64_t lost, uint64_t redirected,
				uint64_t io_refused, uint64_t stale_bytes);
/* writeback_under_dma: the one-word outcome of a cell (see results.c). */
const char *pb_writeback_verdict(uint64_t lost, uint64_t redirected, uint64_t unwritten_before_release);
/*
 * The one name of a cell's design, wherever a row, a series or a headline
 * shows it: the strategy with " (per buffer)", " longterm" and a revoke
 * policy other than the default ("[truncate+unmap only, re-pin]") where
 * they apply; for the stock kernel's own paths "stock: " and what drives
 * them ("stock: liburing fixed buffers", "stock: O_DIRECT reads").
 */
void pb_cell_label(struct json_object *cell, char *out, size_t len);
/*
 * Validate a results.json before anything reads it (validate.c): types,
 * finite numbers, identifiers, unique ids. 0, or -1 with the first
 * violation as a path ("cells[3].params is not an object").
 */
int pb_results_check(struct json_object *root, char *err, size_t len);
/* Letters, digits and _.,:=/+- only, not empty: what ids and names are made of. */
bool pb_is_ident(const char *s);

#endif
