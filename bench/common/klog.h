/* SPDX-License-Identifier: GPL-2.0 */
/* klog.h: recognise kernel log lines that fail a verdict (BUG, WARNING, Oops, Bad page, lockdep...). */
#ifndef PINBENCH_KLOG_H
#define PINBENCH_KLOG_H

#include <stddef.h>

/* The pattern that makes this line a splat, or NULL. */
const char *pb_klog_splat(const char *line);

/*
 * Is this kernel log (one boot's console) an emulator's fault rather than
 * the kernel's? Recognised: "Oops: int3" whose report's code dump shows,
 * at the trapping address, a byte that is not int3 (0xcc): the vCPU ran a
 * breakpoint that was no longer in memory. The kernel puts such
 * breakpoints in while it patches its own text (text_poke_bp()) and
 * synchronises every CPU before it takes them out, so on hardware the trap
 * cannot outlive the breakpoint; QEMU 7.2's multi-threaded TCG, on a loaded
 * host, let a guest run one from a stale translation. The first line of
 * the report (NULL: not such a fault), in a static buffer.
 */
const char *pb_klog_emulator_fault(const char *log);

/* /dev/kmsg opened at the end of the log (read-write, to mark it): every record read later is new. -1 if none. */
int pb_kmsg_open_at_end(void);

/*
 * The next record's message (its first line) from fd, in rec, or NULL
 * when none is left. Records lost to overwriting are skipped.
 */
const char *pb_kmsg_next(int fd, char *rec, size_t len);

#endif
