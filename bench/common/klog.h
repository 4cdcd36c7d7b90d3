/* SPDX-License-Identifier: GPL-2.0 */
/* klog.h: recognise kernel log lines that fail a verdict (BUG, WARNING, Oops, Bad page, lockdep...). */
#ifndef PINBENCH_KLOG_H
#define PINBENCH_KLOG_H

/* The pattern that makes this line a splat, or NULL. */
const char *pb_klog_splat(const char *line);

#endif
