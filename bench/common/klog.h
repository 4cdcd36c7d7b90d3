/* SPDX-License-Identifier: GPL-2.0 */
/* klog.h: recognise kernel log lines that fail a verdict (BUG, WARNING, Oops, Bad page, lockdep...). */
#ifndef PINBENCH_KLOG_H
#define PINBENCH_KLOG_H

#include <stddef.h>

/* The pattern that makes this line a splat, or NULL. */
const char *pb_klog_splat(const char *line);

/* /dev/kmsg opened at the end of the log (read-write, to mark it): every record read later is new. -1 if none. */
int pb_kmsg_open_at_end(void);

/*
 * The next record's message (its first line) from fd, in rec, or NULL
 * when none is left. Records lost to overwriting are skipped.
 */
const char *pb_kmsg_next(int fd, char *rec, size_t len);

#endif
