// SPDX-License-Identifier: GPL-2.0
/* klog.c: recognise kernel log lines that fail a verdict (BUG, WARNING, Oops, Bad page, lockdep...). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "klog.h"

int pb_kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

const char *pb_kmsg_next(int fd, char *rec, size_t len)
{
	for (;;) {
		ssize_t n = fd >= 0 ? read(fd, rec, len - 1) : -1;
		char *msg, *nl;

		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n <= 0)
			return NULL;
		rec[n] = '\0';
		/* "prio,seq,usec,flags;message\n[ KEY=value\n]..." */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		return msg;
	}
}

/*
 * What liburing's runner and the kernel selftests treat as a failure, plus
 * lockdep's headers (in 6.1 most start with "WARNING:", some with "INFO:")
 * and the stall and lockup detectors, which are how a pinning bug that
 * waits forever shows itself.
 */
static const char *const splats[] = {
	"BUG:",
	"WARNING:",
	"Oops:",
	"Bad page",
	"general protection fault",
	"Kernel panic",
	"kernel BUG at",
	"possible circular locking dependency",
	"possible recursive locking",
	"inconsistent lock state",
	"suspicious RCU usage",
	"INFO: task",			/* hung task */
	"soft lockup",
	"hard LOCKUP",
	"rcu_sched self-detected stall",
	"rcu: INFO:",
	"UBSAN:",
	"KASAN:",
};

const char *pb_klog_splat(const char *line)
{
	for (size_t i = 0; i < sizeof(splats) / sizeof(splats[0]); i++)
		if (strstr(line, splats[i]))
			return splats[i];
	return NULL;
}

const char *pb_klog_emulator_fault(const char *log)
{
	static char first[256];
	const char *oops = log ? strstr(log, "Oops: int3") : NULL;
	const char *code, *lt, *tok;
	size_t len;

	if (!oops)
		return NULL;
	/* "Code: 0f 1f 44 00 00 e9 <d4> 01 ...": the byte before <..> was the int3. */
	code = strstr(oops, "Code: ");
	lt = code ? strchr(code, '<') : NULL;
	if (!lt || lt - code < 9 || memchr(code, '\n', (size_t)(lt - code)))
		return NULL;
	tok = lt - 3;		/* "xx " before '<' */
	if (tok[2] != ' ' || !strncmp(tok, "cc", 2))
		return NULL;
	len = strcspn(oops, "\r\n");
	if (len >= sizeof(first))
		len = sizeof(first) - 1;
	memcpy(first, oops, len);
	first[len] = '\0';
	return first;
}

