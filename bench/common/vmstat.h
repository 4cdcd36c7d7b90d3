/* SPDX-License-Identifier: GPL-2.0 */
/* vmstat.h: the kernel's FOLL_PIN counters from /proc/vmstat, exact. */
#ifndef PB_VMSTAT_H
#define PB_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

/*
 * nr_foll_pin_acquired and nr_foll_pin_released, after writing
 * vm.stat_refresh so that no per-CPU delta is missing (/proc/vmstat lags
 * by up to the per-CPU thresholds: 575 was seen where 576 pages were
 * pinned). 0, or -1 when the kernel has no such counters (both set to 0).
 */
int pb_vmstat_foll_pins(uint64_t *acquired, uint64_t *released);
/* The named counters (0 for one this kernel lacks), refreshed the same way; how many it found, or -1. */
int pb_vmstat_read(const char *const *names, size_t n, uint64_t *out);
struct json_object;
/* {"<name>": after - before, ...}: what a cell records as its raw "vmstat". */
struct json_object *pb_vmstat_delta_json(const char *const *names, size_t n, const uint64_t *before,
					 const uint64_t *after);

#endif
