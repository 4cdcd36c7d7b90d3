// SPDX-License-Identifier: GPL-2.0
/*
 * noop.c: the harness floor. The other workloads' timed loop with nothing
 * in it: each call timed alone around an acquire and a release that do
 * nothing, then all calls timed as one sample. No page is touched.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "pinbench.h"

static_assert(sizeof(struct pinbench_noop) == 4 * 4 + 8 + 2 * sizeof(struct pinbench_phase_stats) + 2 * 8);

/* An acquire and a release that do nothing: the call itself, out of line as a strategy's is. */
static noinline void noop_acquire_release(void)
{
	barrier();
}

long pinbench_noop_ioctl(struct pinbench_file *pf, void __user *arg)
{
	struct pinbench_noop __user *uarg = arg;
	struct pinbench_noop a;
	u64 *hist = NULL, t0, t1;
	long ret = 0;
	u32 i;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (a.reserved0 || memchr_inv(a.reserved, 0, sizeof(a.reserved)) || !a.calls)
		return -EINVAL;
	if (!a.hist != !a.hist_buckets || (a.hist_buckets && a.hist_buckets != PINBENCH_HIST_BUCKETS))
		return -EINVAL;
	if (a.calls > PINBENCH_MAX_NOOP_CALLS)
		return -E2BIG;
	memset(&a.call, 0, sizeof(a.call));
	memset(&a.phase, 0, sizeof(a.phase));
	if (a.hist) {
		hist = kvcalloc(PINBENCH_HIST_BUCKETS, sizeof(*hist), GFP_KERNEL);
		if (!hist)
			return -ENOMEM;
	}
	for (i = 0; i < a.calls; i++) {
		t0 = ktime_get_ns();
		noop_acquire_release();
		t1 = ktime_get_ns();
		pinbench_stats_add(&a.call, t1 - t0);
		if (hist)
			hist[pinbench_hist_index(t1 - t0)]++;
		if (!(i & 1023)) {
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				goto out;
			}
			cond_resched();
		}
	}
	t0 = ktime_get_ns();
	for (i = 0; i < a.calls; i++)
		noop_acquire_release();
	t1 = ktime_get_ns();
	pinbench_stats_add(&a.phase, t1 - t0);
	if (hist && copy_to_user(u64_to_user_ptr(a.hist), hist, PINBENCH_HIST_BUCKETS * sizeof(*hist)))
		ret = -EFAULT;
	else if (copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
out:
	kvfree(hist);
	return ret;
}
