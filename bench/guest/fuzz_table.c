// SPDX-License-Identifier: GPL-2.0
/* fuzz_table.c: every field of every pinbench ioctl, as the fuzzer sees it, and the errnos each may answer. */
#include <errno.h>
#include <stddef.h>
#include "fuzz.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One field of struct T. */
#define F(T, f, cls_, ...)						\
	{ .name = #f, .off = offsetof(T, f), .size = sizeof(((T *)0)->f), .cls = cls_, __VA_ARGS__ }
/* The (out) fields from `from` up to, not including, `to`, as one block. */
#define OUT_SPAN(T, from, to)						\
	{ .name = #from ".." #to, .off = offsetof(T, from),		\
	  .size = offsetof(T, to) - offsetof(T, from), .cls = FC_OUT }
/* The (out) fields from `from` to the end of struct T. */
#define OUT_TAIL(T, from)						\
	{ .name = #from "..", .off = offsetof(T, from),			\
	  .size = sizeof(T) - offsetof(T, from), .cls = FC_OUT }

enum fz_errno fz_errno_class(int err)
{
	switch (err) {
#define FZ_X_CASE(sym, val) case val: return FE_##sym;
	FZ_ERRNOS(FZ_X_CASE)
#undef FZ_X_CASE
	default:
		return FE_OTHER;
	}
}

const char *fz_errno_name(enum fz_errno e)
{
	static const char *const names[FE_NR] = {
#define FZ_X_NAME(sym, val) [FE_##sym] = #sym,
		FZ_ERRNOS(FZ_X_NAME)
#undef FZ_X_NAME
		[FE_OTHER] = "other",
	};

	return e < FE_NR ? names[e] : "?";
}

#define STRATEGY_MAX (PINBENCH_STRATEGY_NR - 1)

static const struct fz_field info_fields[] = {
	F(struct pinbench_info, abi_version, FC_ABI),
	OUT_SPAN(struct pinbench_info, strategy_nr, reserved0),
	F(struct pinbench_info, reserved0, FC_RESERVED),
	F(struct pinbench_info, reserved, FC_RESERVED),
};

static const struct fz_field strategy_fields[] = {
	F(struct pinbench_strategy_info, abi_version, FC_ABI),
	F(struct pinbench_strategy_info, id, FC_ENUM, .max = STRATEGY_MAX),
	OUT_SPAN(struct pinbench_strategy_info, name, reserved),
	F(struct pinbench_strategy_info, reserved, FC_RESERVED),
};

static const struct fz_field pin_count_fields[] = {
	F(struct pinbench_pin_count, abi_version, FC_ABI),
	F(struct pinbench_pin_count, mode, FC_ENUM, .max = PINBENCH_PC_PIN),
	F(struct pinbench_pin_count, refs, FC_COUNT, .max = PINBENCH_MAX_PC_REFS, .zero_ok = true,
	  .costly = true),
	F(struct pinbench_pin_count, flags, FC_FLAGS, .max = PINBENCH_PC_HOLD),
	F(struct pinbench_pin_count, addr, FC_ADDR),
	OUT_SPAN(struct pinbench_pin_count, taken, reserved),
	F(struct pinbench_pin_count, reserved, FC_RESERVED),
};

static const struct fz_field pte_census_fields[] = {
	F(struct pinbench_pte_census, abi_version, FC_ABI),
	F(struct pinbench_pte_census, reserved0, FC_RESERVED),
	F(struct pinbench_pte_census, addr, FC_ADDR),
	F(struct pinbench_pte_census, nr_pages, FC_COUNT, .max = PINBENCH_MAX_BUFFER_PAGES),
	OUT_SPAN(struct pinbench_pte_census, present, reserved),
	F(struct pinbench_pte_census, reserved, FC_RESERVED),
};

static const struct fz_field noop_fields[] = {
	F(struct pinbench_noop, abi_version, FC_ABI),
	F(struct pinbench_noop, calls, FC_COUNT, .max = PINBENCH_MAX_NOOP_CALLS, .costly = true),
	F(struct pinbench_noop, hist, FC_FREE),	/* with hist_buckets, both or neither */
	F(struct pinbench_noop, hist_buckets, FC_FREE),
	F(struct pinbench_noop, reserved0, FC_RESERVED),
	OUT_SPAN(struct pinbench_noop, call, reserved),
	F(struct pinbench_noop, reserved, FC_RESERVED),
};

static const struct fz_field gup_fields[] = {
	F(struct pinbench_gup_fast, abi_version, FC_ABI),
	F(struct pinbench_gup_fast, strategy, FC_ENUM, .max = STRATEGY_MAX),
	F(struct pinbench_gup_fast, flags, FC_FLAGS, .max = PINBENCH_PIN_ALL),
	F(struct pinbench_gup_fast, pages_per_call, FC_COUNT, .max = PINBENCH_MAX_PAGES_PER_CALL),
	F(struct pinbench_gup_fast, addr, FC_ADDR),
	F(struct pinbench_gup_fast, nr_pages, FC_COUNT, .max = PINBENCH_MAX_BUFFER_PAGES),
	F(struct pinbench_gup_fast, rounds, FC_COUNT, .max = PINBENCH_MAX_ROUNDS, .costly = true),
	F(struct pinbench_gup_fast, warmup_rounds, FC_COUNT, .max = PINBENCH_MAX_ROUNDS, .zero_ok = true,
	  .costly = true),
	F(struct pinbench_gup_fast, acquire_hist, FC_UPTR),
	F(struct pinbench_gup_fast, release_hist, FC_UPTR),
	F(struct pinbench_gup_fast, hist_buckets, FC_FREE),
	F(struct pinbench_gup_fast, options, FC_FLAGS, .max = PINBENCH_GF_ALL),
	OUT_SPAN(struct pinbench_gup_fast, acquire, registration),
	F(struct pinbench_gup_fast, registration, FC_ENUM, .max = PINBENCH_REG_PER_BUFFER),
	F(struct pinbench_gup_fast, revokes, FC_OUT),
	F(struct pinbench_gup_fast, breakdown, FC_FLAGS, .max = 1),
	F(struct pinbench_gup_fast, release_whole, FC_FLAGS, .max = 1),	/* not with breakdown */
	F(struct pinbench_gup_fast, part_hist, FC_FREE),	/* needs breakdown */
	F(struct pinbench_gup_fast, part, FC_OUT),
	F(struct pinbench_gup_fast, read_retries, FC_OUT),
	F(struct pinbench_gup_fast, rounds_redone, FC_OUT),
	F(struct pinbench_gup_fast, rounds_disturbed, FC_OUT),
};

static const struct fz_field reg_fields[] = {
	F(struct pinbench_dev_register, abi_version, FC_ABI),
	F(struct pinbench_dev_register, strategy, FC_ENUM, .max = STRATEGY_MAX),
	F(struct pinbench_dev_register, flags, FC_FLAGS, .max = PINBENCH_PIN_ALL),
	F(struct pinbench_dev_register, registration, FC_ENUM, .max = PINBENCH_REG_PER_BUFFER),
	F(struct pinbench_dev_register, addr, FC_ADDR),
	F(struct pinbench_dev_register, nr_pages, FC_COUNT, .max = PINBENCH_MAX_BUFFER_PAGES),
	F(struct pinbench_dev_register, pages_per_call, FC_COUNT, .max = PINBENCH_MAX_PAGES_PER_CALL),
	/* (out), but an input other than zero is refused: an unset field, not a request. */
	F(struct pinbench_dev_register, buffer_id, FC_RESERVED),
	F(struct pinbench_dev_register, acquire_ns, FC_OUT),
	F(struct pinbench_dev_register, strategy_caps, FC_OUT),
	F(struct pinbench_dev_register, revoke, FC_FLAGS, .max = PINBENCH_REVOKE_ALL),
	F(struct pinbench_dev_register, read_retries, FC_OUT),
	F(struct pinbench_dev_register, test, FC_FLAGS, .max = PINBENCH_DEV_TEST_ALL),
	F(struct pinbench_dev_register, reserved0, FC_RESERVED),
	F(struct pinbench_dev_register, reserved, FC_RESERVED),
};

static const struct fz_field start_fields[] = {
	F(struct pinbench_dev_start, abi_version, FC_ABI),
	F(struct pinbench_dev_start, buffer_id, FC_ID),
	F(struct pinbench_dev_start, engine, FC_ENUM, .max = PINBENCH_ENGINE_HRTIMER),
	F(struct pinbench_dev_start, direction, FC_ENUM, .max = PINBENCH_DMA_READ),
	F(struct pinbench_dev_start, rate_hz, FC_COUNT, .max = PINBENCH_MAX_RATE_HZ, .zero_ok = true,
	  .costly = true),
	F(struct pinbench_dev_start, burst, FC_COUNT, .max = PINBENCH_MAX_BURST, .costly = true),
	F(struct pinbench_dev_start, max_records, FC_FREE),
	F(struct pinbench_dev_start, reserved, FC_RESERVED),
};

static const struct fz_field stop_fields[] = {
	F(struct pinbench_dev_stats, abi_version, FC_ABI),
	F(struct pinbench_dev_stats, buffer_id, FC_ID),
	F(struct pinbench_dev_stats, release_ctx, FC_RESERVED),	/* STOP: zero */
	F(struct pinbench_dev_stats, reserved0, FC_RESERVED),
	OUT_SPAN(struct pinbench_dev_stats, accesses, fates_addr),
	/* Both zero, or an 8-byte aligned array of exactly the buffer's pages. */
	F(struct pinbench_dev_stats, fates_addr, FC_FREE),
	F(struct pinbench_dev_stats, fates_nr, FC_FREE),
	F(struct pinbench_dev_stats, reserved1, FC_RESERVED),
	OUT_TAIL(struct pinbench_dev_stats, ignored),
};

static const struct fz_field unregister_fields[] = {
	F(struct pinbench_dev_stats, abi_version, FC_ABI),
	F(struct pinbench_dev_stats, buffer_id, FC_ID),
	/* PROCESS (1) or HARDIRQ (2); SOFTIRQ (3) is irq_completion's only. */
	F(struct pinbench_dev_stats, release_ctx, FC_ENUM, .max = PINBENCH_CTX_HARDIRQ),
	F(struct pinbench_dev_stats, reserved0, FC_RESERVED),
	OUT_SPAN(struct pinbench_dev_stats, accesses, fates_addr),
	/* Both zero, or an 8-byte aligned array of exactly the buffer's pages. */
	F(struct pinbench_dev_stats, fates_addr, FC_FREE),
	F(struct pinbench_dev_stats, fates_nr, FC_FREE),
	F(struct pinbench_dev_stats, reserved1, FC_RESERVED),
	OUT_TAIL(struct pinbench_dev_stats, ignored),
};

static const struct fz_field dio_fields[] = {
	F(struct pinbench_small_dio, abi_version, FC_ABI),
	F(struct pinbench_small_dio, strategy, FC_ENUM, .max = STRATEGY_MAX),
	/* WRITE and DIRTY follow from direction: only LONGTERM may be asked. */
	F(struct pinbench_small_dio, flags, FC_FLAGS, .max = PINBENCH_PIN_LONGTERM),
	F(struct pinbench_small_dio, registration, FC_ENUM, .max = PINBENCH_REG_PER_BUFFER),
	F(struct pinbench_small_dio, bdev_fd, FC_FD),
	F(struct pinbench_small_dio, direction, FC_ENUM, .max = PINBENCH_DMA_READ),
	F(struct pinbench_small_dio, block_size, FC_COUNT, .max = PINBENCH_DIO_MAX_BLOCK),
	F(struct pinbench_small_dio, queue_depth, FC_COUNT, .max = PINBENCH_DIO_MAX_QD),
	F(struct pinbench_small_dio, addr, FC_ADDR),
	F(struct pinbench_small_dio, ios, FC_COUNT, .max = PINBENCH_DIO_MAX_IOS, .costly = true),
	F(struct pinbench_small_dio, warmup_ios, FC_COUNT, .max = PINBENCH_DIO_MAX_IOS, .zero_ok = true,
	  .costly = true),
	F(struct pinbench_small_dio, dev_offset, FC_FREE),
	F(struct pinbench_small_dio, dev_span, FC_FREE),
	F(struct pinbench_small_dio, latency_hist, FC_UPTR),
	F(struct pinbench_small_dio, acquire_hist, FC_UPTR),
	F(struct pinbench_small_dio, release_hist, FC_UPTR),
	F(struct pinbench_small_dio, residency_hist, FC_UPTR),
	F(struct pinbench_small_dio, span_hist, FC_UPTR),
	F(struct pinbench_small_dio, slot_seqs, FC_UPTR),
	F(struct pinbench_small_dio, hist_buckets, FC_FREE),
	F(struct pinbench_small_dio, strategy_caps, FC_OUT),
	OUT_SPAN(struct pinbench_small_dio, latency, reserved),
	F(struct pinbench_small_dio, reserved, FC_RESERVED),
};

static const struct fz_field irq_fields[] = {
	F(struct pinbench_irq_completion, abi_version, FC_ABI),
	F(struct pinbench_irq_completion, strategy, FC_ENUM, .max = STRATEGY_MAX),
	F(struct pinbench_irq_completion, flags, FC_FLAGS, .max = PINBENCH_PIN_LONGTERM),
	F(struct pinbench_irq_completion, registration, FC_ENUM, .max = PINBENCH_REG_PER_BUFFER),
	F(struct pinbench_irq_completion, context, FC_ENUM, .max = PINBENCH_CTX_SOFTIRQ),
	F(struct pinbench_irq_completion, direction, FC_ENUM, .max = PINBENCH_DMA_READ),
	F(struct pinbench_irq_completion, pages_per_io, FC_COUNT, .max = PINBENCH_IRQ_MAX_PAGES),
	F(struct pinbench_irq_completion, queue_depth, FC_COUNT, .max = PINBENCH_IRQ_MAX_QD),
	F(struct pinbench_irq_completion, addr, FC_ADDR),
	F(struct pinbench_irq_completion, rate_hz, FC_COUNT, .max = PINBENCH_MAX_RATE_HZ),
	F(struct pinbench_irq_completion, coalesce, FC_COUNT, .max = PINBENCH_IRQ_MAX_BATCH),
	F(struct pinbench_irq_completion, max_backlog, FC_COUNT, .max = PINBENCH_IRQ_MAX_BACKLOG),
	F(struct pinbench_irq_completion, cpu, FC_CPU),
	F(struct pinbench_irq_completion, duration_ns, FC_COUNT, .max = PINBENCH_IRQ_MAX_DURATION_NS,
	  .costly = true),
	F(struct pinbench_irq_completion, warmup_ns, FC_COUNT, .max = PINBENCH_IRQ_MAX_DURATION_NS,
	  .zero_ok = true, .costly = true),
	F(struct pinbench_irq_completion, handler_hist, FC_UPTR),
	F(struct pinbench_irq_completion, release_hist, FC_UPTR),
	F(struct pinbench_irq_completion, residency_hist, FC_UPTR),
	F(struct pinbench_irq_completion, done_hist, FC_UPTR),
	F(struct pinbench_irq_completion, backlog_samples, FC_UPTR),
	F(struct pinbench_irq_completion, hist_buckets, FC_FREE),
	F(struct pinbench_irq_completion, strategy_caps, FC_OUT),
	OUT_SPAN(struct pinbench_irq_completion, handler, reserved),
	F(struct pinbench_irq_completion, reserved, FC_RESERVED),
};

/* What every request may answer about itself. */
#define DOC_REQUEST	(FE(EFAULT) | FE(EPROTO) | FE(EINVAL))
/* Requests that take the file's lock (mutex_lock_interruptible()). */
#define DOC_LOCK	FE(EINTR)
/*
 * Requests that acquire pages: their limits, the module's allocations,
 * and what GUP answers (EFAULT, EINTR, ENOMEM, EBUSY and EOPNOTSUPP for
 * FOLL_LONGTERM), plus notifier_revoke's EAGAIN.
 */
#define DOC_ACQUIRE	(DOC_REQUEST | DOC_LOCK | FE(EOVERFLOW) | FE(E2BIG) | FE(EOPNOTSUPP) |	\
			 FE(ENOMEM) | FE(EBUSY) | FE(EAGAIN))

#define OP(sym, cmd_, T, doc, back, fields_)						\
	[OP_##sym] = { .name = #sym, .cmd = cmd_, .size = sizeof(T), .documented = FE(OK) | (doc),	\
		       .copies_back = back, .fields = fields_, .nr_fields = ARRAY_LEN(fields_) }

const struct fz_op_desc fz_ops[OP_NR] = {
	OP(INFO, PINBENCH_IOC_INFO, struct pinbench_info, DOC_REQUEST, true, info_fields),
	OP(GUP_FAST, PINBENCH_IOC_GUP_FAST, struct pinbench_gup_fast, DOC_ACQUIRE, true, gup_fields),
	OP(DEV_REGISTER, PINBENCH_IOC_DEV_REGISTER, struct pinbench_dev_register,
	   DOC_ACQUIRE | FE(ENOSPC), true, reg_fields),
	/* kthread_run() answers ENOMEM or EINTR. */
	OP(DEV_START, PINBENCH_IOC_DEV_START, struct pinbench_dev_start,
	   DOC_REQUEST | DOC_LOCK | FE(E2BIG) | FE(ENOENT) | FE(EACCES) | FE(EBUSY) | FE(ENOMEM), false,
	   start_fields),
	OP(DEV_STOP, PINBENCH_IOC_DEV_STOP, struct pinbench_dev_stats,
	   DOC_REQUEST | DOC_LOCK | FE(ENOENT) | FE(EACCES), true, stop_fields),
	OP(DEV_UNREGISTER, PINBENCH_IOC_DEV_UNREGISTER, struct pinbench_dev_stats,
	   DOC_REQUEST | DOC_LOCK | FE(ENOENT) | FE(EACCES), true, unregister_fields),
	OP(SMALL_DIO, PINBENCH_IOC_SMALL_DIO, struct pinbench_small_dio,
	   DOC_ACQUIRE | FE(EBADF) | FE(ENOTBLK), true, dio_fields),
	OP(IRQ_COMPLETION, PINBENCH_IOC_IRQ_COMPLETION, struct pinbench_irq_completion,
	   DOC_ACQUIRE | FE(ENODEV), true, irq_fields),
	OP(STRATEGY, PINBENCH_IOC_STRATEGY, struct pinbench_strategy_info, DOC_REQUEST | FE(ENOENT), true,
	   strategy_fields),
	OP(NOOP, PINBENCH_IOC_NOOP, struct pinbench_noop, DOC_REQUEST | DOC_LOCK | FE(E2BIG) | FE(ENOMEM), true,
	   noop_fields),
	OP(PIN_COUNT, PINBENCH_IOC_PIN_COUNT, struct pinbench_pin_count, DOC_ACQUIRE, true,
	   pin_count_fields),
	/* apply_to_existing_page_range() may answer ENOMEM. */
	OP(PTE_CENSUS, PINBENCH_IOC_PTE_CENSUS, struct pinbench_pte_census,
	   DOC_REQUEST | DOC_LOCK | FE(EOVERFLOW) | FE(E2BIG) | FE(ENOMEM), true, pte_census_fields),
	[OP_UNKNOWN] = { .name = "UNKNOWN", .documented = FE(ENOTTY) },
};
