/* SPDX-License-Identifier: GPL-2.0 */
/* testlib.h: what the in-guest tests share: checks, the pin balance, module facts. */
#ifndef PB_TESTLIB_H
#define PB_TESTLIB_H

#include <stdint.h>

/* Exit codes as liburing's tests: 0 pass, 1 fail, 77 skip. */
extern int failures;
extern long page_size;

/* Print "ok: ..." or "NOT OK: ..." and count a failure. */
void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Every strategy the uapi header lists (each must be built into the module). */
uint64_t strategy_mask(void);
/* FOLL_PIN pins acquired and released so far, exactly (vmstat refreshed first). */
void read_pins(unsigned long long *acq, unsigned long long *rel);
/* The module's count of live tracking objects (notifiers, fake vmas). */
unsigned long long tracking_objects(int fd);
/* Open /dev/pinbench and set up stdout and page_size; exits 1 on failure. */
int testlib_open(void);

#endif
