/* SPDX-License-Identifier: GPL-2.0 */
/* testlib.h: what the in-guest tests share: checks, the pin balance, module facts. */
#ifndef PB_TESTLIB_H
#define PB_TESTLIB_H

#include <stdint.h>
#include "pinbench_uapi.h"

/* Exit codes as liburing's tests: 0 pass, 1 fail, 77 skip. */
extern int failures;
extern long page_size;

/* Print "ok: ..." or "NOT OK: ..." and count a failure. */
void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Every strategy the uapi header lists (each must be built into the module). */
uint64_t strategy_mask(void);
/*
 * What the module says strategy id is (PINBENCH_IOC_STRATEGY), or NULL
 * when it has no such strategy. Per-strategy expectations come from here,
 * never from a test's own list of names: a new strategy is tested as
 * soon as it declares what it is.
 */
const struct pinbench_strategy_info *strategy_info(uint32_t id);
/* Its PINBENCH_CAP_* under a registration (PINBENCH_REG_*); 0 when absent. */
uint32_t strategy_caps(uint32_t id, uint32_t registration);
/* Its PINBENCH_PROP_* (0 when not built in). */
uint32_t strategy_props(uint32_t id);
/* The first strategy with (have) or without (!have) cap, or 0 when there is none. */
uint32_t strategy_by_cap(uint32_t cap, int have);
/* The first strategy that has (have) or lacks (!have) property prop (PINBENCH_PROP_*), or 0. */
uint32_t strategy_by_prop(uint32_t prop, int have);
/* The first strategy that does not honour PINBENCH_PIN_* flag, or 0. */
uint32_t strategy_without_flag(uint32_t flag);
/* Print "skip: ..." for a check no built-in strategy can make. */
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* FOLL_PIN pins acquired and released so far, exactly (vmstat refreshed first). */
void read_pins(unsigned long long *acq, unsigned long long *rel);
/* The module's count of live tracking objects (notifiers, fake vmas). */
unsigned long long tracking_objects(int fd);
/* Open /dev/pinbench and set up stdout and page_size; exits 1 on failure. */
int testlib_open(void);

#endif
