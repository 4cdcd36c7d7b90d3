// SPDX-License-Identifier: GPL-2.0
/* vm.c: the guest: building kmod and the initramfs for a kernel, choosing the accelerator, booting QEMU under a watchdog. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "util.h"
#include "vm.h"

#define QEMU "qemu-system-x86_64"
/* Debian's qemu-system-data; absent elsewhere, and then SeaBIOS boots the guest. */
#define QBOOT_ROM "/usr/share/qemu/qboot.rom"

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run argv; output goes to logfile (NULL: inherit). Returns the exit code or -1. */
static int run_argv(char *const argv[], const char *logfile)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (logfile) {
			int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Copy kmod's sources (*.c, *.h, Kbuild) into dst, leaving a file whose
 * content is unchanged untouched, so that kbuild rebuilds only what changed.
 * No shell: a repository path may hold any character.
 */
static int copy_kmod_sources(const char *repo, const char *dst, char *err, size_t errlen)
{
	char *src = pb_asprintf("%s/kmod", repo);
	DIR *d = opendir(src);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		free(src);
		return -1;
	}
	while (ret == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *from, *to, *data, *old;
		size_t n, oldn;

		if (strcmp(e->d_name, "Kbuild") &&
		    !(len > 2 && e->d_name[len - 2] == '.' && strchr("ch", e->d_name[len - 1])))
			continue;
		from = pb_asprintf("%s/%s", src, e->d_name);
		to = pb_asprintf("%s/%s", dst, e->d_name);
		data = pb_read_file(from, &n);
		old = data ? pb_read_file(to, &oldn) : NULL;
		if (!data) {
			snprintf(err, errlen, "cannot read %s: %s", from, strerror(errno));
			ret = -1;
		} else if ((!old || oldn != n || memcmp(old, data, n)) && pb_write_file_atomic(to, data, n) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", to, strerror(errno));
			ret = -1;
		}
		free(old);
		free(data);
		free(from);
		free(to);
	}
	closedir(d);
	free(src);
	return ret;
}

/* The first n lines of a build log that name an error, for the message a user sees first. */
static char *first_errors(const char *log, int n)
{
	char *s = pb_read_file(log, NULL), *line, *save = NULL, *out = pb_xstrdup(""), *t;
	int found = 0;

	for (line = s ? strtok_r(s, "\n", &save) : NULL; line && found < n; line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, "error") && !strstr(line, "Error"))
			continue;
		t = pb_asprintf("%s  %s\n", out, line);
		free(out);
		out = t;
		found++;
	}
	free(s);
	if (!found) {
		free(out);
		out = pb_xstrdup("  (no line names an error)\n");
	}
	return out;
}

/*
 * kbuild takes M= as a make word list: a checkout whose path has a space
 * ("building multiple external modules is not supported") or a make or
 * shell metacharacter cannot be built where it is. Such a path is built
 * through a symbolic link of a plain name in a private directory of
 * $TMPDIR; the objects land in the real directory all the same. Its
 * .cmd files then name the link, which changes every build, so kbuild
 * compiles every file again each time (5.2 s here against 0.5 s for an
 * unchanged module, 6.1): the price of the odd path, paid only there.
 */
static void kbuild_alias_drop(char *alias, const char *dir);

static bool kbuild_safe(const char *path)
{
	return path[strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+@~")] == 0;
}

static char *kbuild_alias(const char *dir, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");
	char *tmpl, *link;

	if (kbuild_safe(dir))
		return pb_xstrdup(dir);
	if (!tmpdir || tmpdir[0] != '/' || !kbuild_safe(tmpdir))
		tmpdir = "/tmp";
	tmpl = pb_asprintf("%s/pinbench-kbuild-XXXXXX", tmpdir);
	if (!mkdtemp(tmpl)) {
		snprintf(err, errlen, "%s cannot be built in place (kbuild takes no spaces or metacharacters in M=), "
			 "and mkdtemp %s failed: %s", dir, tmpl, strerror(errno));
		free(tmpl);
		return NULL;
	}
	link = pb_asprintf("%s/kmod", tmpl);
	free(tmpl);
	if (symlink(dir, link) < 0) {
		snprintf(err, errlen, "symlink %s -> %s: %s", link, dir, strerror(errno));
		kbuild_alias_drop(link, dir);
		return NULL;
	}
	return link;
}

static void kbuild_alias_drop(char *alias, const char *dir)
{
	if (strcmp(alias, dir)) {
		unlink(alias);
		*strrchr(alias, '/') = 0;
		rmdir(alias);
	}
	free(alias);
}

int pb_kernel_prepare(struct pb_kernel *k, const char *repo, bool verbose, char *err, size_t errlen)
{
	char *kmod = pb_asprintf("%s/kmod", k->builddir);
	char *log = pb_asprintf("%s/kmod-build.log", k->builddir);
	char *dep = pb_asprintf("%s/modules.dep", k->moddir);
	char *lock = pb_asprintf("%s/prepare.lock", k->builddir);
	char *m, *alias;
	int ret = -1, lockfd = -1;

	if (pb_mkdir_p(kmod, 0755) < 0) {
		snprintf(err, errlen, "%s: %s", kmod, strerror(errno));
		goto out;
	}
	/*
	 * One preparation of a kernel's build directory at a time: runs in
	 * parallel (--jobs, two users, CI shards on one host) share it, and
	 * two builds of one module or initramfs at once clobber each other.
	 */
	lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lockfd < 0 || flock(lockfd, LOCK_EX) < 0) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		goto out;
	}
	/*
	 * A developer's build tree has no installed modules: install them
	 * (stripped) under the build dir, as virtme does, so the initramfs can
	 * resolve them through modules.dep.
	 */
	if (!pb_file_exists(dep)) {
		char *inst = pb_asprintf("%s/modules-install", k->builddir);
		char *mp = pb_asprintf("INSTALL_MOD_PATH=%s", inst);
		char *argv[] = { "make", "-s", "-C", k->kdir, mp, "INSTALL_MOD_STRIP=1",
				 "modules_install", NULL };
		char *ilog = pb_asprintf("%s/modules-install.log", k->builddir);

		fprintf(stderr, "pinbench: %s not found; installing the modules of %s into %s\n",
			dep, k->kdir, inst);
		if (run_argv(argv, verbose ? NULL : ilog) != 0) {
			snprintf(err, errlen, "modules_install from %s failed (see %s)", k->kdir, ilog);
			free(inst), free(mp), free(ilog);
			goto out;
		}
		free(k->moddir);
		k->moddir = pb_asprintf("%s/lib/modules/%s", inst, k->release);
		free(inst), free(mp), free(ilog);
	}

	/* Build out of the source tree so that several kernels can coexist. */
	if (copy_kmod_sources(repo, kmod, err, errlen) < 0)
		goto out;
	alias = kbuild_alias(kmod, err, errlen);
	if (!alias)
		goto out;
	m = pb_asprintf("M=%s", alias);
	{
		char *argv[] = { "make", "-C", k->kdir, m, "modules", verbose ? "V=1" : NULL, NULL };
		int rc = run_argv(argv, verbose ? NULL : log);

		kbuild_alias_drop(alias, kmod);
		if (rc != 0) {
			char *first = first_errors(log, 6);

			snprintf(err, errlen, "pinbench.ko does not build against kernel %s (%s):\n%s(whole log: %s)",
				 k->release, k->kdir, first, log);
			free(first);
			free(m);
			goto out;
		}
	}
	free(m);
	/*
	 * The guest loads a copy without debug information (3.1 MB -> 0.3 MB
	 * over 9p, and less for the module loader to copy); kmod/pinbench.ko
	 * keeps it for decoding a splat (scripts/decode_stacktrace.sh).
	 */
	{
		char *full = pb_asprintf("%s/pinbench.ko", kmod);
		char *tmp = pb_asprintf("%s/pinbench-nodebug.ko.tmp", k->builddir);
		char *argv[] = { "strip", "--strip-debug", "-o", tmp, full, NULL };

		k->ko = pb_asprintf("%s/pinbench-nodebug.ko", k->builddir);
		if (run_argv(argv, NULL) != 0 || rename(tmp, k->ko) < 0) {
			snprintf(err, errlen, "strip --strip-debug %s into %s failed", full, k->ko);
			free(full), free(tmp);
			goto out;
		}
		free(full), free(tmp);
	}

	k->initramfs = pb_asprintf("%s/initramfs.cpio", k->builddir);
	{
		char *script = pb_asprintf("%s/scripts/mkinitramfs.sh", repo);
		char *argv[] = { script, k->initramfs, k->moddir, NULL };

		if (run_argv(argv, NULL) != 0) {
			snprintf(err, errlen, "building the initramfs for %s failed", k->release);
			free(script);
			goto out;
		}
		free(script);
	}
	/*
	 * Boot the ELF inside the bzImage where it has a PVH entry point: the
	 * bzImage's decompressor would run under TCG (scripts/extract-vmlinux.sh).
	 * Extracted again whenever the image is newer than the copy.
	 */
	{
		char *elf = pb_asprintf("%s/vmlinux", k->builddir);
		char *script = pb_asprintf("%s/scripts/extract-vmlinux.sh", repo);
		char *elog = pb_asprintf("%s/extract-vmlinux.log", k->builddir);
		char *argv[] = { script, k->bzimage, elf, NULL };
		struct stat si, se;

		free(k->boot_image);
		k->boot_image = NULL;
		if (stat(k->bzimage, &si) == 0 && stat(elf, &se) == 0 &&
		    (se.st_mtim.tv_sec > si.st_mtim.tv_sec ||
		     (se.st_mtim.tv_sec == si.st_mtim.tv_sec && se.st_mtim.tv_nsec >= si.st_mtim.tv_nsec)))
			k->boot_image = pb_xstrdup(elf);
		else if (unlink(elf) < 0 && errno != ENOENT)
			fprintf(stderr, "pinbench: cannot remove %s: %s\n", elf, strerror(errno));
		else if (run_argv(argv, elog) == 0)
			k->boot_image = pb_xstrdup(elf);
		if (!k->boot_image)
			k->boot_image = pb_xstrdup(k->bzimage);
		free(elf);
		free(script);
		free(elog);
	}
	ret = 0;
out:
	if (lockfd >= 0)
		close(lockfd);
	free(lock);
	free(kmod);
	free(log);
	free(dep);
	return ret;
}

static bool cpu_has_hw_virt(void)
{
	char *s = pb_read_file("/proc/cpuinfo", NULL);
	bool yes = s && (strstr(s, " vmx") || strstr(s, " svm"));

	free(s);
	return yes;
}

/*
 * A paravirtual /dev/kvm can exist and still be unable to boot a stock
 * kernel (it hangs after "Booting from ROM"): only a probe boot that
 * reaches our init tells. PLATFORM.md has the details.
 */
static bool kvm_probe_boots(const struct pb_kernel *k)
{
	char *log = pb_asprintf("%s/kvm-probe.log", k->builddir);
	char *argv[] = { "timeout", "30", QEMU, "-nodefaults", "-no-user-config",
			 "-accel", "kvm", "-cpu", "host", "-m", "512", "-smp", "1",
			 "-kernel", k->boot_image, "-initrd", k->initramfs,
			 "-append", "console=ttyS0 quiet panic=-1 pinbench.probe=1",
			 "-display", "none", "-serial", "stdio", "-no-reboot", NULL };
	bool ok;
	char *out;

	run_argv(argv, log);
	out = pb_read_file(log, NULL);
	ok = out && strstr(out, "PINBENCH-PROBE-OK");
	free(out);
	free(log);
	return ok;
}

const char *pb_accel_pick(const char *requested, enum pb_mode mode, const struct pb_kernel *k,
			  char *why, size_t whylen)
{
	if (mode == PB_MODE_DETERMINISTIC) {
		snprintf(why, whylen, "deterministic mode runs TCG with -icount");
		return "tcg";
	}
	if (!strcmp(requested, "tcg")) {
		snprintf(why, whylen, "requested");
		return "tcg";
	}
	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		snprintf(why, whylen, "/dev/kvm is not usable (%s)", strerror(errno));
		return !strcmp(requested, "kvm") ? NULL : "tcg";
	}
	if (!cpu_has_hw_virt()) {
		snprintf(why, whylen, "/proc/cpuinfo has no vmx/svm: /dev/kvm here cannot boot a stock kernel");
		return !strcmp(requested, "kvm") ? NULL : "tcg";
	}
	if (!kvm_probe_boots(k)) {
		snprintf(why, whylen, "a KVM probe boot did not reach init within 30 s");
		return !strcmp(requested, "kvm") ? NULL : "tcg";
	}
	snprintf(why, whylen, "vmx/svm present and a probe boot answered");
	return "kvm";
}

char *pb_qemu_version(void)
{
	FILE *p = popen(QEMU " --version 2>/dev/null", "r");
	char line[256] = "", *v;

	if (!p)
		return pb_xstrdup("unknown");
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	v = strstr(line, "version ");
	if (!v)
		return pb_xstrdup("unknown");
	v += 8;
	v[strcspn(v, " \n")] = '\0';
	return pb_xstrdup(v);
}

struct argv_buf {
	char **v;
	size_t n;
};

static void arg(struct argv_buf *a, char *s)
{
	a->v = realloc(a->v, (a->n + 2) * sizeof(char *));
	if (!a->v)
		pb_die("out of memory");
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

/*
 * A path inside one of QEMU's key=value,... option lists (-virtfs): a comma
 * there would end the value and start an option of the caller's choosing
 * (--out 'x,path=/,...'), so it is written twice, QEMU's own escape.
 */
static char *qemu_opt_value(const char *s)
{
	char *out = pb_xcalloc(strlen(s) * 2 + 1, 1), *o = out;

	for (; *s; s++) {
		*o++ = *s;
		if (*s == ',')
			*o++ = ',';
	}
	return out;
}

/* The profile's QEMU arguments (qemu, appended to a) and kernel arguments (returned, " x=y" or ""). */
static char *profile_args(const char *profile, int mem_mib, int vcpus, struct argv_buf *a)
{
	int half = mem_mib / 2;

	if (!profile || !*profile)
		return pb_xstrdup("");
	if (!pb_boot_profile_find(profile))
		pb_die("unknown boot profile '%s' (a pinbench bug)", profile);
	if (!strcmp(profile, "numa2")) {
		arg(a, pb_xstrdup("-object"));
		arg(a, pb_asprintf("memory-backend-ram,id=pbnode0,size=%dM", mem_mib - half));
		arg(a, pb_xstrdup("-object"));
		arg(a, pb_asprintf("memory-backend-ram,id=pbnode1,size=%dM", half));
		arg(a, pb_xstrdup("-numa"));
		arg(a, vcpus > 1 ? pb_asprintf("node,nodeid=0,cpus=0-%d,memdev=pbnode0", vcpus - 1)
				 : pb_xstrdup("node,nodeid=0,cpus=0,memdev=pbnode0"));
		arg(a, pb_xstrdup("-numa"));
		arg(a, pb_xstrdup("node,nodeid=1,memdev=pbnode1"));
		return pb_xstrdup("");
	}
	if (!strcmp(profile, "movable"))
		return pb_asprintf(" movablecore=%dM", half);
	return pb_asprintf(" cma=%dM", half);
}

char *pb_boot_profile_args(const char *profile, int mem_mib, int vcpus)
{
	struct argv_buf a = { 0 };
	char *k = profile_args(profile, mem_mib, vcpus, &a), *s = pb_xstrdup("");

	for (size_t i = 0; i < a.n; i++) {
		char *t = pb_asprintf("%s%s%s", s, i ? " " : "", a.v[i]);

		free(s);
		free(a.v[i]);
		s = t;
	}
	free(a.v);
	if (*k) {
		char *t = pb_asprintf("%s%skernel:%s", s, *s ? " " : "", k);

		free(s);
		s = t;
	}
	free(k);
	return s;
}

static void build_argv(const struct pb_boot *b, struct argv_buf *a)
{
	char *kprofile;
	const char *tcg_extra = "";

	arg(a, pb_xstrdup(QEMU));
	arg(a, pb_xstrdup("-nodefaults"));
	arg(a, pb_xstrdup("-no-user-config"));
	arg(a, pb_xstrdup("-accel"));
	if (!strcmp(b->accel, "kvm")) {
		arg(a, pb_xstrdup("kvm"));
		arg(a, pb_xstrdup("-cpu"));
		arg(a, pb_xstrdup("host"));
	} else {
		/* icount needs the single-threaded TCG loop (vCPUs round robin). */
		arg(a, pb_xstrdup(b->mode == PB_MODE_DETERMINISTIC ? "tcg,thread=single" : "tcg,thread=multi"));
		arg(a, pb_xstrdup("-cpu"));
		arg(a, pb_xstrdup("max"));
		if (b->mode == PB_MODE_DETERMINISTIC) {
			arg(a, pb_xstrdup("-icount"));
			arg(a, pb_xstrdup("shift=0,sleep=off"));
			/*
			 * What else the guest takes from the host (seal.c):
			 * random numbers (RDRAND, which seeds KASLR and the
			 * kernel's pool) from a fixed seed, and a clock of a
			 * fixed date that runs with the emulated one.
			 */
			arg(a, pb_xstrdup("-seed"));
			arg(a, pb_xstrdup(PB_DET_SEED));
			arg(a, pb_xstrdup("-rtc"));
			arg(a, pb_xstrdup("base=" PB_DET_DATE ",clock=vm"));
		}
		/*
		 * TCG's TSC is one QEMU-wide clock, but the guest's TSC sync
		 * check trips over emulation jitter and falls back to HPET,
		 * whose every read is an emulated MMIO access: 150 ns per
		 * ktime_get_ns() against 51 ns on the TSC (measured here).
		 * The clocksource is recorded with every result.
		 */
		tcg_extra = " tsc=reliable";
		/*
		 * Under -icount the TSC counts emulated nanoseconds: 1 GHz
		 * exactly. Calibrated, it came out 999.999 MHz (against the
		 * HPET), and converting each clock read to nanoseconds then
		 * rounded by where the read fell, a nanosecond more or less in
		 * a timed call from one run to the next. Told the frequency,
		 * with no HPET or PM timer to refine it against, the kernel
		 * keeps 1 GHz, and a nanosecond is a cycle.
		 */
		if (b->mode == PB_MODE_DETERMINISTIC)
			tcg_extra = " tsc=reliable tsc_early_khz=1000000 nohpet pmtmr=0";
	}
	/*
	 * qboot, where QEMU ships it, instead of SeaBIOS: it loads the kernel
	 * and hands over (e820, ACPI tables, PVH) without a PC BIOS's POST,
	 * 0.27 s sooner under TCG (measured to the kernel's first output).
	 */
	if (access(QBOOT_ROM, R_OK) == 0) {
		arg(a, pb_xstrdup("-bios"));
		arg(a, pb_xstrdup(QBOOT_ROM));
	}
	arg(a, pb_xstrdup("-m"));
	arg(a, pb_asprintf("%d", b->mem_mib));
	arg(a, pb_xstrdup("-smp"));
	arg(a, pb_asprintf("%d", b->vcpus));
	kprofile = profile_args(b->profile, b->mem_mib, b->vcpus, a);
	arg(a, pb_xstrdup("-kernel"));
	arg(a, pb_xstrdup(b->k->boot_image));
	arg(a, pb_xstrdup("-initrd"));
	arg(a, b->seal_files ? pb_asprintf("%s/" SEAL_INITRD, b->share) : pb_xstrdup(b->k->initramfs));
	arg(a, pb_xstrdup("-append"));
	/* loglevel=5: warnings reach the console, so a splat before a crash is kept. */
	/* PINBENCH_GUEST_APPEND: extra kernel arguments, for debugging (slub_debug=..., ...). */
	{
		char *pmem = b->pmem_mib ? pb_asprintf(" memmap=%dM!%dM", b->pmem_mib, b->pmem_start_mib) :
			     pb_xstrdup("");

		/*
		 * Boot time (results.json run.boot_timeline), measured under TCG:
		 * cryptomgr.notests: the crypto API's self-tests, 0.5 s, test
		 * nothing pinbench measures; pci=noacpi: PCI interrupts routed
		 * from the firmware's table, not by evaluating ACPI's interrupt
		 * links, which took 0.2-0.4 s per virtio device (two) in the
		 * emulated AML interpreter. Neither touches a measured path.
		 */
		arg(a, pb_asprintf("console=ttyS0 loglevel=5 panic=-1 oops=panic cryptomgr.notests pci=noacpi"
				   "%s%s%s%s%s",
				   tcg_extra, pmem,
				   kprofile, getenv("PINBENCH_GUEST_APPEND") ? " " : "",
				   getenv("PINBENCH_GUEST_APPEND") ? getenv("PINBENCH_GUEST_APPEND") : ""));
		free(pmem);
		free(kprofile);
	}
	arg(a, pb_xstrdup("-display"));
	arg(a, pb_xstrdup("none"));
	arg(a, pb_xstrdup("-serial"));
	arg(a, pb_xstrdup(b->console ? "stdio" : "mon:stdio"));
	arg(a, pb_xstrdup("-no-reboot"));
	if (b->seal_files) {
		/* ttyS1: the sealed guest's files, to a file of the share (seal.c). */
		char *chan = pb_asprintf("%s/" SEAL_CHANNEL, b->share), *v = qemu_opt_value(chan);

		arg(a, pb_xstrdup("-chardev"));
		arg(a, pb_asprintf("file,id=pbchannel,path=%s", v));
		arg(a, pb_xstrdup("-serial"));
		arg(a, pb_xstrdup("chardev:pbchannel"));
		free(chan);
		free(v);
	}
	/*
	 * A monitor on two FIFOs of the share (pb_boot_run() makes them), for
	 * the watchdog: before it stops a guest it sends sysrq keys through
	 * the emulated keyboard, and the guest's kernel dumps where its tasks
	 * wait (guest_dump_tasks()). Not in an interactive shell, whose
	 * console already multiplexes a monitor.
	 */
	if (b->console) {
		char *mon = pb_asprintf("%s/" MONITOR_FIFO, b->share), *v = qemu_opt_value(mon);

		arg(a, pb_xstrdup("-chardev"));
		arg(a, pb_asprintf("pipe,id=pbmon,path=%s", v));
		arg(a, pb_xstrdup("-mon"));
		arg(a, pb_xstrdup("chardev=pbmon,mode=readline"));
		free(mon);
		free(v);
	}
	/* PINBENCH_QEMU_EXTRA: extra QEMU arguments, space-separated, for debugging (-gdb tcp::1234). */
	if (getenv("PINBENCH_QEMU_EXTRA")) {
		char *extra = pb_xstrdup(getenv("PINBENCH_QEMU_EXTRA")), *save = NULL, *tok;

		for (tok = strtok_r(extra, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			arg(a, pb_xstrdup(tok));
		free(extra);
	}
	if (b->seal_files)
		return;
	arg(a, pb_xstrdup("-virtfs"));
	arg(a, pb_xstrdup("local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"));
	arg(a, pb_xstrdup("-virtfs"));
	{
		char *share = qemu_opt_value(b->share);

		arg(a, pb_asprintf("local,path=%s,mount_tag=share,security_model=none", share));
		free(share);
	}
}

char *pb_boot_cmdline(const struct pb_boot *b)
{
	struct argv_buf a = { 0 };
	size_t len = 1;
	char *s;

	build_argv(b, &a);
	for (size_t i = 0; i < a.n; i++)
		len += strlen(a.v[i]) + 3;
	s = pb_xcalloc(1, len);
	for (size_t i = 0; i < a.n; i++) {
		bool q = strchr(a.v[i], ' ') != NULL;

		if (i)
			strcat(s, " ");
		if (q)
			strcat(s, "'");
		strcat(s, a.v[i]);
		if (q)
			strcat(s, "'");
		free(a.v[i]);
	}
	free(a.v);
	return s;
}

void pb_cells_scan(const char *share, double after, struct pb_cells *c)
{
	char *dir = pb_asprintf("%s/cells", share);
	DIR *d = opendir(dir);
	struct dirent *e;

	c->results = 0;
	c->running = -1;
	c->running_since = c->newest = c->first_start = -1;
	while (d && (e = readdir(d))) {
		char *p = pb_asprintf("%s/%s", dir, e->d_name);
		struct stat st;
		double t;
		int idx;

		if (stat(p, &st) < 0) {
			free(p);
			continue;
		}
		t = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
		if (t > c->newest)
			c->newest = t;
		if (strstr(e->d_name, ".json") && !strstr(e->d_name, ".tmp"))
			c->results++;
		if (strstr(e->d_name, ".started") && sscanf(e->d_name, "%d", &idx) == 1) {
			char *json = pb_asprintf("%s/%04d.json", dir, idx);

			if (!pb_file_exists(json)) {
				c->running = idx;
				c->running_since = t;
			}
			if (t - after >= 0 && (c->first_start < 0 || t - after < c->first_start))
				c->first_start = t - after;
			free(json);
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* One stage of the boot timeline: its name and the guest's uptime then. */
static void timeline_add(struct json_object *st, const char *stage, double guest_s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "stage", json_object_new_string(stage));
	json_object_object_add(o, "guest_s", json_object_new_double(guest_s));
	json_object_array_add(st, o);
}

/*
 * The boot's stages as the guest saw them, from its console from offset
 * on: the kernel's start (0), each PINBENCH-STAGE of the init (init,
 * modules, hostroot and share or sealed, modules_later), PINBENCH-READY (pinbench.ko
 * loaded), and the guest program's (program, program_ready, first_cell:
 * the first cell's start). Guest uptime in seconds:
 * real time in wall mode, emulated time (instructions) in deterministic
 * mode. A stage the boot did not reach is absent.
 */
struct json_object *pb_boot_timeline(const char *console, long offset)
{
	struct json_object *st = json_object_new_array();
	char *s = pb_read_file(console, NULL), *line, *save = NULL;
	bool ready = false;

	if (!s || (long)strlen(s) < offset) {
		free(s);
		return st;
	}
	timeline_add(st, "kernel", 0);
	for (line = strtok_r(s + offset, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		char name[32];
		double up;

		if (sscanf(line, "PINBENCH-STAGE %31s %lf", name, &up) != 2) {
			if (ready || sscanf(line, "PINBENCH-READY uptime=%lf", &up) != 1)
				continue;
			snprintf(name, sizeof(name), "ready");
			ready = true;
		}
		if (!isfinite(up) || up < 0)
			continue;
		timeline_add(st, name, up);
		if (!strcmp(name, "first_cell"))
			break;
	}
	free(s);
	return st;
}

static bool console_has(const char *path, long from, const char *needle)
{
	char *s = pb_read_file(path, NULL);
	bool yes = s && (long)strlen(s) >= from && strstr(s + from, needle);

	free(s);
	return yes;
}


static void kill_qemu(pid_t pid, int *status)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
}

static double mtime_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
}

#define SHUTDOWN_GRACE_S 60

/* Keep up to max bytes of the stack frames in a task block of a sysrq dump, as "f < g < h". */
static void frames_of(const char *block, char *out, size_t max)
{
	const char *l = strstr(block, "Call Trace:");
	size_t n = 0;

	out[0] = 0;
	while (l && (l = strchr(l, '\n'))) {
		char fn[96];
		const char *p = ++l;

		/* "[   12.345678]  func+0x12/0x34" (a timestamp, maybe) then the frame. */
		if (*p == '[' && (p = strchr(p, ']')))
			p++;
		while (p && *p == ' ')
			p++;
		if (!p || !strncmp(p, "task:", 5) || !strncmp(p, "sysrq:", 6) || !strncmp(p, "</TASK>", 7) ||
		    *p == '\n' || !*p)
			break;
		if (*p == '<' || *p == '?')	/* <TASK>, <IRQ>; a frame the unwinder is not sure of */
			continue;
		/* A frame is "func+0xoff/0xlen"; the user registers after it ("RIP: ...") are not. */
		if (sscanf(p, "%95[A-Za-z0-9_.]", fn) != 1 || p[strlen(fn)] != '+')
			break;
		if (n + strlen(fn) + 4 >= max)
			break;
		n += (size_t)snprintf(out + n, max - n, "%s%s", n ? " < " : "", fn);
	}
}

/*
 * Where the guest's tasks wait, from the dumps in the console since
 * offset: the guest program's (any state) and every task in D state.
 */
static void summarize_dump(const char *console, long offset, char *out, size_t max)
{
	char *s = pb_read_file(console, NULL), *t;
	size_t n = 0;

	out[0] = 0;
	if (!s || (long)strlen(s) < offset) {
		free(s);
		return;
	}
	for (t = strstr(s + offset, "task:"); t && n + 64 < max; t = strstr(t + 5, "task:")) {
		char name[64] = "", state[8] = "", frames[512];

		if (sscanf(t, "task:%63s state:%7s", name, state) != 2)
			continue;
		if (strcmp(name, "pinbench-guest") && strcmp(state, "D"))
			continue;
		frames_of(t, frames, sizeof(frames));
		n += (size_t)snprintf(out + n, max - n, "%s%s (%s): %s", n ? "; " : "", name, state,
				      frames[0] ? frames : "no stack");
	}
	if (n >= max)
		out[max - 1] = 0;
	free(s);
}

/*
 * Before a hung guest is stopped: console log level 8 (sysrq-8: the dumps
 * print at KERN_INFO, below the guest's loglevel=5), the tasks in D state
 * (sysrq-w), then every task (sysrq-t), through the emulated keyboard
 * (the init set kernel.sysrq=1). Waits for the console to fall quiet, at
 * most DUMP_WAIT_S, and keeps the summary in r->waited.
 */
#define DUMP_WAIT_S 15

static void guest_dump_tasks(const struct pb_boot *b, struct pb_boot_result *r)
{
	static const char *const keys[] = { "sendkey alt-sysrq-8\n", "sendkey alt-sysrq-w\n",
					    "sendkey alt-sysrq-t\n" };
	char *in = pb_asprintf("%s/" MONITOR_FIFO ".in", b->share);
	int fd = open(in, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	long before, size = -1, was;
	struct stat st;
	double t0 = pb_now_s(), still = t0;

	free(in);
	if (fd < 0)
		return;
	before = stat(b->console, &st) == 0 ? (long)st.st_size : r->console_offset;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (write(fd, keys[i], strlen(keys[i])) < 0)
			break;
		usleep(300000);
	}
	close(fd);
	was = before;
	while (pb_now_s() - t0 < DUMP_WAIT_S) {
		usleep(250000);
		size = stat(b->console, &st) == 0 ? (long)st.st_size : -1;
		if (size != was) {
			was = size;
			still = pb_now_s();
		} else if (size > before && pb_now_s() - still > 1.5) {
			break;
		}
	}
	summarize_dump(b->console, before, r->waited, sizeof(r->waited));
}

/*
 * After init is ready, the guest must make progress: a running cell must
 * end within the cell timeout, nothing may stall longer than that between
 * cells, and once the guest program has ended (exit-status written) the
 * guest must power off within SHUTDOWN_GRACE_S (an rmmod stuck on a
 * leaked reference would otherwise hang the runner). True: kill it.
 */
static bool watchdog(const struct pb_boot *b, struct pb_boot_result *r, double ready_wall)
{
	char *ex = pb_asprintf("%s/exit-status", b->share);
	double now = wall_now(), ended = mtime_of(ex), progress;
	struct pb_cells c;

	free(ex);
	pb_cells_scan(b->share, 0, &c);
	if (ended >= 0) {
		if (now - ended <= SHUTDOWN_GRACE_S)
			return false;
		snprintf(r->timeout_what, sizeof(r->timeout_what),
			 "shutdown (no power-off %d s after the guest program ended)", SHUTDOWN_GRACE_S);
	} else if (b->cells_total && c.results >= b->cells_total && c.running < 0) {
		/*
		 * Every cell has its result, so the results are safe; a guest
		 * program that does not end now is stuck in its exit (closing
		 * /dev/pinbench: the module's release) and must not hold the
		 * runner for a whole cell timeout.
		 */
		double grace = b->cell_timeout_s < SHUTDOWN_GRACE_S ? b->cell_timeout_s : SHUTDOWN_GRACE_S;

		progress = c.newest > ready_wall ? c.newest : ready_wall;
		if (now - progress <= grace)
			return false;
		snprintf(r->timeout_what, sizeof(r->timeout_what),
			 "the guest program did not end %.0f s after the last cell", grace);
	} else if (c.running >= 0) {
		if (now - c.running_since <= b->cell_timeout_s)
			return false;
		snprintf(r->timeout_what, sizeof(r->timeout_what),
			 "cell %d (no result after %.0f s)", c.running, b->cell_timeout_s);
	} else {
		progress = c.newest;
		if (progress < ready_wall)
			progress = ready_wall;
		if (now - progress <= b->cell_timeout_s)
			return false;
		snprintf(r->timeout_what, sizeof(r->timeout_what),
			 "no progress for %.0f s", b->cell_timeout_s);
	}
	r->timed_out = true;
	return true;
}

int pb_boot_run(const struct pb_boot *b, struct pb_boot_result *r)
{
	double wall0 = wall_now(), ready_wall = 0;
	struct argv_buf a = { 0 };
	char *chan = NULL;
	long chan_off = 0;
	double t0 = pb_now_s(), last_check = 0;
	struct stat st;
	pid_t pid;
	int status = 0;

	memset(r, 0, sizeof(*r));
	r->ready_s = r->first_cell_s = -1;
	/*
	 * What a guest's init says of its boot (the program's exit status, the
	 * module's unload, an init error) belongs to that boot: an earlier
	 * boot's, left in the share, would tell the watchdog this guest's
	 * program had ended long ago (an A/B run boots each kernel again for
	 * every repetition).
	 */
	{
		static const char *const per_boot[] = { "exit-status", "unload", "init-error" };

		for (size_t i = 0; i < ARRAY_SIZE(per_boot); i++) {
			char *p = pb_asprintf("%s/%s", b->share, per_boot[i]);

			if (unlink(p) < 0 && errno != ENOENT) {
				free(p);
				return -1;
			}
			free(p);
		}
	}
	if (b->console) {
		FILE *f = fopen(b->console, "a");

		if (!f)
			return -1;
		fprintf(f, "==== pinbench: boot (%s) ====\n", b->accel);
		fclose(f);
		r->console_offset = stat(b->console, &st) == 0 ? (long)st.st_size : 0;
	}
	if (b->seal_files) {
		char err[1024] = "", *initrd = pb_asprintf("%s/" SEAL_INITRD, b->share);

		chan = pb_asprintf("%s/" SEAL_CHANNEL, b->share);
		if (unlink(chan) < 0 && errno != ENOENT)
			pb_die("cannot remove %s: %s", chan, strerror(errno));
		if (pb_seal_initrd(b, initrd, err, sizeof(err)) < 0)
			pb_die("the sealed guest's initramfs: %s", err);
		free(initrd);
	}
	if (b->console) {
		static const char *const ends[] = { ".in", ".out" };

		for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
			char *f = pb_asprintf("%s/" MONITOR_FIFO "%s", b->share, ends[i]);

			unlink(f);
			if (mkfifo(f, 0600) < 0) {
				free(f);
				return -1;
			}
			free(f);
		}
	}
	build_argv(b, &a);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (b->console) {
			int fd = open(b->console, O_WRONLY | O_APPEND);
			int nul = open("/dev/null", O_RDONLY);

			if (fd < 0 || nul < 0)
				_exit(127);
			dup2(nul, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
			close(nul);
			/* Own process group: a terminal's ^C reaches us, not QEMU. */
			setpgid(0, 0);
		}
		execvp(a.v[0], a.v);
		fprintf(stderr, "exec %s: %s\n", a.v[0], strerror(errno));
		_exit(127);
	}
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i]);
	free(a.v);

	for (;;) {
		double now;
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		usleep(50000);
		now = pb_now_s();
		if (chan && pb_seal_channel_poll(chan, b->share, b->seal_from, &chan_off) < 0)
			pb_die("cannot read %s: %s", chan, strerror(errno));
		if (!b->console)	/* interactive: no watchdog */
			continue;
		/* Every 50 ms until ready (boot_ready_s is a figure), then every 200 ms. */
		if (r->ready_s >= 0 && now - last_check < 0.2)
			continue;
		last_check = now;
		if (r->ready_s < 0 && console_has(b->console, r->console_offset, "PINBENCH-READY")) {
			r->ready_s = now - t0;
			ready_wall = wall_now();
		}
		if (r->ready_s < 0 && now - t0 > b->boot_timeout_s) {
			r->timed_out = true;
			snprintf(r->timeout_what, sizeof(r->timeout_what),
				 "boot (no PINBENCH-READY after %.0f s)", b->boot_timeout_s);
			kill_qemu(pid, &status);
			break;
		}
		if (r->ready_s >= 0 && watchdog(b, r, ready_wall)) {
			guest_dump_tasks(b, r);
			kill_qemu(pid, &status);
			break;
		}
		if (b->tick)
			b->tick(b->tick_arg);
	}
	r->qemu_status = status;
	r->elapsed_s = pb_now_s() - t0;
	if (b->console) {
		static const char *const ends[] = { ".in", ".out" };

		for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
			char *f = pb_asprintf("%s/" MONITOR_FIFO "%s", b->share, ends[i]);

			unlink(f);
			free(f);
		}
	}
	if (chan) {
		char *initrd = pb_asprintf("%s/" SEAL_INITRD, b->share);

		if (pb_seal_channel_poll(chan, b->share, b->seal_from, &chan_off) < 0)
			pb_die("cannot read %s: %s", chan, strerror(errno));
		/* The share now holds what the channel carried; the archive is the run's inputs again. */
		unlink(initrd);
		unlink(chan);
		free(initrd);
		free(chan);
	}
	{
		struct pb_cells c;

		pb_cells_scan(b->share, wall0, &c);
		r->first_cell_s = c.first_start;
	}
	return 0;
}
