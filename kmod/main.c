// SPDX-License-Identifier: GPL-2.0
/* main.c: /dev/pinbench, the strategy table, and ioctl dispatch. */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "pinbench.h"

/* Indexed by enum pinbench_strategy_id; adding a design adds one line. */
static const struct pinbench_strategy *const pinbench_strategies[] = {
	[PINBENCH_STRATEGY_GUP_REF] = &pinbench_gup_ref,
	[PINBENCH_STRATEGY_PIN_COUNTER] = &pinbench_pin_counter,
	[PINBENCH_STRATEGY_FAKE_VMA] = &pinbench_fake_vma,
	[PINBENCH_STRATEGY_FAKE_VMA_FAST] = &pinbench_fake_vma_fast,
	[PINBENCH_STRATEGY_NOTIFIER_REVOKE] = &pinbench_notifier_revoke,
	[PINBENCH_STRATEGY_HMM_MIRROR] = &pinbench_hmm_mirror,
};

atomic64_t pinbench_tracking_objects = ATOMIC64_INIT(0);
atomic64_t pinbench_notifiers = ATOMIC64_INIT(0);
atomic64_t pinbench_registrations = ATOMIC64_INIT(0);
atomic64_t pinbench_pages_held = ATOMIC64_INIT(0);
atomic64_t pinbench_revokes = ATOMIC64_INIT(0);
atomic64_t pinbench_anon_vmas_leaked = ATOMIC64_INIT(0);
static atomic_t pinbench_open_files = ATOMIC_INIT(0);
static_assert(ARRAY_SIZE(pinbench_strategies) <= PINBENCH_STRATEGY_NR);

/*
 * Whole uapi structs go back with copy_to_user(): they must have no
 * implicit padding (which could carry kernel stack) and the same layout
 * for 32-bit callers (compat_ptr_ioctl). Sizes are the sums of the fields.
 */
static_assert(sizeof(struct pinbench_phase_stats) == 4 * 8);
static_assert(sizeof(struct pinbench_info) ==
	      6 * 4 + 2 * 8 + 2 * 8 + PINBENCH_MAX_STRATEGIES * 4 + 3 * 8 + 2 * 4 + 2 * 8);
static_assert(PINBENCH_STRATEGY_NR <= PINBENCH_MAX_STRATEGIES);
static_assert(sizeof(struct pinbench_record) == 4 * 8);
static_assert(sizeof(struct pinbench_dev_register) == 4 * 4 + 2 * 8 + 2 * 4 + 8 + 2 * 4 + 3 * 8);
static_assert(sizeof(struct pinbench_dev_start) == 6 * 4 + 8 + 2 * 8);
static_assert(sizeof(struct pinbench_dev_stats) ==
	      4 * 4 + (9 + PINBENCH_EV_SLOTS + 5 + 3 + 1) * 8 + 2 * 4 +
	      (1 + PINBENCH_EV_SLOTS + 8 + 2) * 8);
static_assert(sizeof(struct pinbench_page_fate) == 3 * 8);
static_assert(sizeof(struct pinbench_strategy_info) == 2 * 4 + 32 + 4 * 4 + 2 * 8);
static_assert(PINBENCH_EV_NR <= PINBENCH_EV_SLOTS);
static_assert(sizeof(struct pinbench_small_dio) ==
	      8 * 4 + 11 * 8 + 2 * 4 + 5 * sizeof(struct pinbench_phase_stats) + 19 * 8);
static_assert(sizeof(struct pinbench_irq_completion) ==
	      16 * 4 + 28 * 8 + 5 * sizeof(struct pinbench_phase_stats));
static_assert(sizeof(struct pinbench_gup_fast) ==
	      4 * 4 + 2 * 8 + 2 * 4 + 2 * 8 + 2 * 4 + 4 * sizeof(struct pinbench_phase_stats) +
	      3 * 8 + 2 * 4 + 8 + 2 * 4 + 8 +
	      PINBENCH_MAX_PARTS * sizeof(struct pinbench_phase_stats) + 8 +
	      2 * sizeof(struct pinbench_phase_stats) + 2 * 8);
static_assert(PINBENCH_PART_NR <= PINBENCH_MAX_PARTS);

const struct pinbench_strategy *pinbench_strategy_get(u32 id)
{
	if (id == PINBENCH_STRATEGY_UNSET || id >= ARRAY_SIZE(pinbench_strategies))
		return NULL;
	return pinbench_strategies[id];
}

static u64 clock_read_ns;

/*
 * The cost of the clock read that brackets every sampled call: the
 * smallest gap between two back-to-back ktime_get_ns() calls. Published
 * with every result so that a reader can see what per-call timing adds.
 */
static void pinbench_calibrate_clock(void)
{
	u64 best = U64_MAX, t0, t1;
	int i;

	for (i = 0; i < 10000; i++) {
		t0 = ktime_get_ns();
		t1 = ktime_get_ns();
		best = min(best, t1 - t0);
	}
	clock_read_ns = best;
}

static long pinbench_info_ioctl(struct pinbench_info __user *uarg)
{
	struct pinbench_info info;
	size_t i;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (info.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (info.reserved0 || memchr_inv(info.reserved, 0, sizeof(info.reserved)))
		return -EINVAL;

	memset(&info, 0, sizeof(info));
	info.abi_version = PINBENCH_ABI_VERSION;
	info.strategy_nr = PINBENCH_STRATEGY_NR;
	info.page_size = PAGE_SIZE;
	info.hist_buckets = PINBENCH_HIST_BUCKETS;
	info.max_pages_per_call = PINBENCH_MAX_PAGES_PER_CALL;
	info.max_buffer_pages = PINBENCH_MAX_BUFFER_PAGES;
	for (i = 0; i < ARRAY_SIZE(pinbench_strategies); i++)
		if (pinbench_strategies[i]) {
			info.strategy_mask |= 1ull << i;
			info.strategy_caps[i] = pinbench_strategies[i]->caps;
		}
	info.clock_read_ns = clock_read_ns;
	info.tracking_objects = atomic64_read(&pinbench_tracking_objects);
	info.anon_vmas_leaked = atomic64_read(&pinbench_anon_vmas_leaked);
	info.notifiers = atomic64_read(&pinbench_notifiers);
	info.tracking_objects += info.notifiers;
	info.registrations = atomic64_read(&pinbench_registrations);
	info.pages_held = atomic64_read(&pinbench_pages_held);
	info.open_files = atomic_read(&pinbench_open_files);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long pinbench_strategy_ioctl(struct pinbench_strategy_info __user *uarg)
{
	struct pinbench_strategy_info si;
	const struct pinbench_strategy *s;

	if (copy_from_user(&si, uarg, sizeof(si)))
		return -EFAULT;
	if (si.abi_version != PINBENCH_ABI_VERSION)
		return -EPROTO;
	if (memchr_inv(si.reserved, 0, sizeof(si.reserved)))
		return -EINVAL;
	if (!si.id || si.id >= PINBENCH_STRATEGY_NR)
		return -EINVAL;		/* unset, or no id of this ABI */
	s = si.id < ARRAY_SIZE(pinbench_strategies) ? pinbench_strategies[si.id] : NULL;
	if (!s)
		return -ENOENT;

	memset(&si, 0, sizeof(si));
	si.abi_version = PINBENCH_ABI_VERSION;
	si.id = s->id;
	strscpy(si.name, s->name, sizeof(si.name));
	si.caps = s->caps;
	si.caps_per_buffer = s->caps_per_buffer;
	si.supported_flags = s->supported_flags;
	si.props = (s->foll_pin ? PINBENCH_PROP_FOLL_PIN : 0) |
		   (s->needs_mm ? PINBENCH_PROP_NEEDS_MM : 0) |
		   (s->release_by_issuer ? PINBENCH_PROP_RELEASE_BY_ISSUER : 0) |
		   (s->holds ? PINBENCH_PROP_HOLDS : 0) |
		   (s->walk ? PINBENCH_PROP_WALK : 0) |
		   (s->device_fault ? PINBENCH_PROP_DEVICE_FAULTS : 0) |
		   (s->release_any_range ? PINBENCH_PROP_RELEASE_ANY_RANGE : 0);
	return copy_to_user(uarg, &si, sizeof(si)) ? -EFAULT : 0;
}

static int pinbench_open(struct inode *inode, struct file *file)
{
	struct pinbench_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	xa_init_flags(&pf->bufs, XA_FLAGS_ALLOC1);
	file->private_data = pf;
	atomic_inc(&pinbench_open_files);
	return 0;
}

static int pinbench_release(struct inode *inode, struct file *file)
{
	struct pinbench_file *pf = file->private_data;

	pinbench_dev_release_all(pf);
	pinbench_pin_count_release(pf);
	kvfree(pf->hist[0]);
	kvfree(pf->hist[1]);
	mutex_destroy(&pf->lock);
	kfree(pf);
	atomic_dec(&pinbench_open_files);
	return 0;
}

static long pinbench_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct pinbench_file *pf = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case PINBENCH_IOC_INFO:
		return pinbench_info_ioctl(uarg);
	case PINBENCH_IOC_STRATEGY:
		return pinbench_strategy_ioctl(uarg);
#define PINBENCH_X_WL_CASE(cmd_, name)				\
	case cmd_:						\
		if (mutex_lock_interruptible(&pf->lock))	\
			return -EINTR;				\
		ret = pinbench_##name##_ioctl(pf, uarg);	\
		mutex_unlock(&pf->lock);			\
		return ret;
	PINBENCH_WORKLOAD_IOCTLS(PINBENCH_X_WL_CASE)
#undef PINBENCH_X_WL_CASE
	case PINBENCH_IOC_DEV_REGISTER:
	case PINBENCH_IOC_DEV_START:
	case PINBENCH_IOC_DEV_STOP:
	case PINBENCH_IOC_DEV_UNREGISTER:
		if (mutex_lock_interruptible(&pf->lock))
			return -EINTR;
		ret = pinbench_dev_ioctl(pf, cmd, uarg);
		mutex_unlock(&pf->lock);
		return ret;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations pinbench_fops = {
	.owner = THIS_MODULE,
	.open = pinbench_open,
	.release = pinbench_release,
	.unlocked_ioctl = pinbench_ioctl,
	/* Every uapi struct is fixed-width with no pointers-as-longs. */
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pinbench_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pinbench",
	.fops = &pinbench_fops,
	/* Pins arbitrary amounts of the caller's memory: root only. */
	.mode = 0600,
};

static const char *const pinbench_strategy_names[] = {
#define PINBENCH_X_NAME(sym, id, name) [id] = name,
	PINBENCH_STRATEGIES(PINBENCH_X_NAME)
#undef PINBENCH_X_NAME
};

/*
 * One strategy's ops table against the contracts in pinbench.h, as fio's
 * check_engine_ops() checks an engine: a table that breaks one would fail
 * far from its cause (a NULL call in hardirq, a registration never torn
 * down), so the module refuses to load instead, naming the strategy.
 */
static const char *pinbench_strategy_broken(const struct pinbench_strategy *s, unsigned int slot)
{
	u32 caps = s->caps | s->caps_per_buffer;

	if (s->id != slot)
		return "its id is not its slot in pinbench_strategies[]";
	if (slot >= ARRAY_SIZE(pinbench_strategy_names) || !pinbench_strategy_names[slot] ||
	    !s->name || strcmp(s->name, pinbench_strategy_names[slot]))
		return "its name is not the one PINBENCH_STRATEGIES gives its id";
	if (!s->acquire || !s->release)
		return "acquire and release are required";
	if (!!(caps & PINBENCH_CAP_REGISTRATION) != (s->reg_init && s->reg_fini))
		return "per_buffer_state (PINBENCH_CAP_REGISTRATION) needs reg_init and reg_fini, and they need it";
	if (s->caps_per_buffer && !(s->caps & PINBENCH_CAP_REGISTRATION))
		return "caps_per_buffer without PINBENCH_CAP_REGISTRATION";
	if (s->supported_flags & ~PINBENCH_PIN_ALL)
		return "supported_flags holds an unknown PINBENCH_PIN_* flag";
	if ((s->supported_flags & PINBENCH_PIN_LONGTERM) && !s->foll_pin)
		return "PINBENCH_PIN_LONGTERM needs FOLL_PIN pins (foll_pin)";
	if (s->release_atomic && (s->caps & PINBENCH_CAP_RELEASE_ATOMIC))
		return "release_atomic is for a strategy without PINBENCH_CAP_RELEASE_ATOMIC";
	if ((s->caps & PINBENCH_CAP_RELEASE_PAGES_ATOMIC) && !s->release_atomic)
		return "pages_back_in_hardirq (PINBENCH_CAP_RELEASE_PAGES_ATOMIC) needs release_atomic";
	if (!!(s->caps & PINBENCH_CAP_REVOKE) != !!(PINBENCH_REVOKING_STRATEGIES & (1u << slot)))
		return "PINBENCH_REVOKING_STRATEGIES disagrees with its PINBENCH_CAP_REVOKE";
	if (s->device_fault && (s->foll_pin || s->holds || s->walk || s->release_by_issuer ||
				(s->supported_flags & (PINBENCH_PIN_LONGTERM | PINBENCH_PIN_DIRTY))))
		return "device_fault is for a strategy that holds no page: no foll_pin, holds, walk, release_by_issuer, LONGTERM or DIRTY";
	return NULL;
}

static int pinbench_check_strategies(const struct pinbench_strategy *const *tab, unsigned int n)
{
	unsigned int id;

	for (id = 0; id < n; id++) {
		const struct pinbench_strategy *s = tab[id];
		const char *why;

		if (!s) {
			if (PINBENCH_REVOKING_STRATEGIES & (1u << id)) {
				pr_err("pinbench: strategy id %u: in PINBENCH_REVOKING_STRATEGIES but not built in\n",
				       id);
				return -EINVAL;
			}
			continue;
		}
		why = id ? pinbench_strategy_broken(s, id) : "id 0 is PINBENCH_STRATEGY_UNSET";
		if (why) {
			pr_err("pinbench: strategy %s (slot %u): %s\n", s->name ? s->name : "(unnamed)", id,
			       why);
			return -EINVAL;
		}
	}
	return 0;
}

#ifdef PINBENCH_CHECK_SELFTEST
/*
 * The checker's own test, in a module built with -DPINBENCH_CHECK_SELFTEST
 * (make check does; no other build has it): every rule meets a table that
 * breaks it, a copy of a real strategy's with one field wrong, put in that
 * strategy's slot of a copy of pinbench_strategies[]. Each must be refused,
 * for its own reason, through the path a real load takes, which says why in
 * the kernel log. Then the module refuses to load, as such a build always
 * does, saying how many were caught.
 */
static noinline long pinbench_selftest_acquire(struct pinbench_pin *pin, unsigned long addr,
					       unsigned int nr_pages)
{
	return -EINVAL;
}

static noinline int pinbench_selftest_reg_init(struct pinbench_reg *reg)
{
	return -EINVAL;
}

static noinline void pinbench_selftest_release(struct pinbench_pin *pin)
{
}

static noinline void pinbench_selftest_reg_fini(struct pinbench_reg *reg)
{
}

enum pinbench_selftest_field { ST_ID, ST_NAME, ST_ACQUIRE, ST_RELEASE, ST_CAPS, ST_CAPS_PER_BUFFER,
			       ST_NO_REG, ST_FLAGS, ST_RELEASE_ATOMIC, ST_FOLL_PIN };

static const struct pinbench_selftest_case {
	u32 slot;			/* whose table is copied */
	enum pinbench_selftest_field field;
	u32 value;			/* ST_CAPS, ST_CAPS_PER_BUFFER, ST_FLAGS: bits added */
	const char *expect;		/* the start of the reason */
} pinbench_selftest_cases[] = {
	{ PINBENCH_STRATEGY_GUP_REF, ST_ID, 0, "its id is not its slot" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_NAME, 0, "its name is not" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_ACQUIRE, 0, "acquire and release are required" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_RELEASE, 0, "acquire and release are required" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_CAPS, PINBENCH_CAP_REGISTRATION, "per_buffer_state" },
	{ PINBENCH_STRATEGY_NOTIFIER_REVOKE, ST_NO_REG, 0, "per_buffer_state" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_CAPS_PER_BUFFER, PINBENCH_CAP_LOCKLESS,
	  "caps_per_buffer without" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_FLAGS, 1u << 31, "supported_flags holds an unknown" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_FLAGS, PINBENCH_PIN_LONGTERM, "PINBENCH_PIN_LONGTERM needs" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_RELEASE_ATOMIC, 0, "release_atomic is for" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_CAPS, PINBENCH_CAP_RELEASE_PAGES_ATOMIC,
	  "pages_back_in_hardirq" },
	{ PINBENCH_STRATEGY_GUP_REF, ST_CAPS, PINBENCH_CAP_REVOKE,
	  "PINBENCH_REVOKING_STRATEGIES disagrees" },
	{ PINBENCH_STRATEGY_HMM_MIRROR, ST_FOLL_PIN, 0, "device_fault is for a strategy" },
};

static void pinbench_selftest_break(struct pinbench_strategy *s, const struct pinbench_selftest_case *c)
{
	switch (c->field) {
	case ST_ID:
		s->id = c->slot + 1;
		break;
	case ST_NAME:
		s->name = "not_its_name";
		break;
	case ST_ACQUIRE:
		s->acquire = NULL;
		break;
	case ST_RELEASE:
		s->release = NULL;
		break;
	case ST_CAPS:
		s->caps |= c->value;
		break;
	case ST_CAPS_PER_BUFFER:
		s->caps_per_buffer |= c->value;
		break;
	case ST_NO_REG:
		s->caps &= ~PINBENCH_CAP_REGISTRATION;
		s->caps_per_buffer = 0;
		break;
	case ST_FLAGS:
		s->supported_flags |= c->value;
		break;
	case ST_RELEASE_ATOMIC:
		s->release_atomic = pinbench_selftest_release;
		break;
	case ST_FOLL_PIN:
		s->foll_pin = true;
		break;
	}
}

static int pinbench_check_selftest(void)
{
	const struct pinbench_strategy *tab[ARRAY_SIZE(pinbench_strategies)];
	struct pinbench_strategy broken;
	unsigned int i, caught = 0, n = ARRAY_SIZE(pinbench_selftest_cases);

	/* The real table passes, and so do the stand-ins the breakages start from. */
	if (pinbench_check_strategies(pinbench_strategies, ARRAY_SIZE(pinbench_strategies))) {
		pr_err("pinbench: check selftest: the real strategy table is refused\n");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const struct pinbench_selftest_case *c = &pinbench_selftest_cases[i];
		const char *why;

		memcpy(tab, pinbench_strategies, sizeof(tab));
		broken = *pinbench_strategies[c->slot];
		/* A table of its own: the copy must not call into the real strategy. */
		broken.acquire = pinbench_selftest_acquire;
		broken.release = pinbench_selftest_release;
		if (broken.reg_init) {
			broken.reg_init = pinbench_selftest_reg_init;
			broken.reg_fini = pinbench_selftest_reg_fini;
		}
		if (broken.release_atomic)
			broken.release_atomic = pinbench_selftest_release;
		if (broken.device_fault)
			broken.device_fault = pinbench_selftest_release;
		pinbench_selftest_break(&broken, c);
		tab[c->slot] = &broken;
		why = pinbench_strategy_broken(&broken, c->slot);
		if (!why || strncmp(why, c->expect, strlen(c->expect))) {
			pr_err("pinbench: check selftest case %u: expected \"%s...\", the checker said \"%s\"\n",
			       i, c->expect, why ? why : "(nothing)");
			continue;
		}
		if (pinbench_check_strategies(tab, ARRAY_SIZE(tab)) != -EINVAL) {
			pr_err("pinbench: check selftest case %u: the table was not refused\n", i);
			continue;
		}
		caught++;
	}
	pr_err("pinbench: check selftest: %u of %u broken strategy tables refused; a selftest build never loads\n",
	       caught, n);
	return -EINVAL;
}
#endif

static int __init pinbench_init(void)
{
	int ret;

#ifdef PINBENCH_CHECK_SELFTEST
	return pinbench_check_selftest();
#endif
	ret = pinbench_check_strategies(pinbench_strategies, ARRAY_SIZE(pinbench_strategies));
	if (ret)
		return ret;

	pinbench_calibrate_clock();
	ret = pinbench_core_init();
	if (ret)
		return ret;
	ret = pinbench_fake_vma_init();
	if (ret)
		goto out_core;
	ret = misc_register(&pinbench_misc);
	if (ret)
		goto out_fake_vma;
	return 0;

out_fake_vma:
	pinbench_fake_vma_exit();
out_core:
	pinbench_core_exit();
	return ret;
}

static void __exit pinbench_exit(void)
{
	misc_deregister(&pinbench_misc);
	pinbench_fake_vma_exit();
	pinbench_core_exit();
}

module_init(pinbench_init);
module_exit(pinbench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pinbench: cost and safety of pinning user pages for DMA");
