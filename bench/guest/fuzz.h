/* SPDX-License-Identifier: GPL-2.0 */
/* fuzz.h: pinbench-fuzz's contract: errno classes, the ioctls with their documented errnos and fields. */
#ifndef PB_FUZZ_H
#define PB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pinbench_uapi.h"

/* Every errno the uapi header documents, and one class for anything else. */
#define FZ_ERRNOS(X)						\
	X(OK, 0) X(ENOTTY, ENOTTY) X(EFAULT, EFAULT) X(EPROTO, EPROTO)	\
	X(EINVAL, EINVAL) X(EOVERFLOW, EOVERFLOW) X(E2BIG, E2BIG)	\
	X(EOPNOTSUPP, EOPNOTSUPP) X(EINTR, EINTR) X(ENOMEM, ENOMEM)	\
	X(ENOENT, ENOENT) X(ENOSPC, ENOSPC) X(EBUSY, EBUSY)		\
	X(EAGAIN, EAGAIN) X(EACCES, EACCES) X(EBADF, EBADF)		\
	X(ENOTBLK, ENOTBLK) X(ENODEV, ENODEV)

enum fz_errno {
#define FZ_X_ENUM(sym, val) FE_##sym,
	FZ_ERRNOS(FZ_X_ENUM)
#undef FZ_X_ENUM
	FE_OTHER,	/* undocumented: always a finding */
	FE_NR
};
#define FE(sym) (1u << FE_##sym)

enum fz_errno fz_errno_class(int err);
const char *fz_errno_name(enum fz_errno e);

/* The ioctls, and one pseudo-op for commands the module must not know. */
enum fz_op {
	OP_INFO, OP_GUP_FAST, OP_DEV_REGISTER, OP_DEV_START, OP_DEV_STOP,
	OP_DEV_UNREGISTER, OP_SMALL_DIO, OP_IRQ_COMPLETION, OP_STRATEGY, OP_NOOP, OP_PIN_COUNT, OP_PTE_CENSUS, OP_UNKNOWN, OP_NR
};

/*
 * What a field is, for choosing bad values and knowing what the module
 * must answer to them (the rules of pinbench_uapi.h).
 */
enum fz_class {
	FC_ABI,		/* abi_version: any other value is EPROTO */
	FC_RESERVED,	/* must be zero: EINVAL */
	FC_OUT,		/* (out) only: whatever it holds on input is ignored */
	FC_ENUM,	/* 1..max are the values; 0 and others are EINVAL */
	FC_FLAGS,	/* max holds the known bits; any other bit is EINVAL */
	FC_COUNT,	/* 1..max (0 too if zero_ok); above max is E2BIG */
	FC_ADDR,	/* the user range the module pins */
	FC_UPTR,	/* a user pointer results are written to; 0 = none */
	FC_FD,		/* a block device file descriptor */
	FC_ID,		/* a device buffer id */
	FC_CPU,		/* a CPU, or PINBENCH_CPU_ANY_OTHER */
	FC_FREE,	/* no rule of its own: any documented answer */
};

struct fz_field {
	const char *name;
	uint16_t off, size;
	uint8_t cls;
	bool zero_ok;	/* FC_COUNT: 0 is a valid value */
	bool costly;	/* FC_COUNT: a large valid value is long work; never tried */
	uint64_t max;	/* FC_ENUM, FC_COUNT: the highest valid value; FC_FLAGS: known bits */
};

struct fz_op_desc {
	const char *name;
	unsigned long cmd;
	size_t size;		/* of the request */
	uint32_t documented;	/* FE() bits: the answers the header allows */
	bool copies_back;	/* _IOWR: the request is written back */
	const struct fz_field *fields;
	size_t nr_fields;
};

extern const struct fz_op_desc fz_ops[OP_NR];

/* Any request, with room to spare (a request never exceeds a page). */
union fz_req {
	struct pinbench_info info;
	struct pinbench_strategy_info strat;
	struct pinbench_noop noop;
	struct pinbench_pin_count pc;
	struct pinbench_pte_census census;
	struct pinbench_gup_fast gup;
	struct pinbench_dev_register reg;
	struct pinbench_dev_start start;
	struct pinbench_dev_stats stats;
	struct pinbench_small_dio dio;
	struct pinbench_irq_completion irq;
	uint8_t bytes[2048];
};

#endif
