// SPDX-License-Identifier: GPL-2.0
/* kernels.c: which guest kernel: the installed ones, the default, and a --kernel argument resolved to image, headers and modules. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernels.h"
#include "util.h"

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool path_fmt_exists(const char *fmt, const char *arg)
{
	char *p = pb_asprintf(fmt, arg);
	bool yes = pb_file_exists(p);

	free(p);
	return yes;
}

/*
 * A build tree's release as modules see it (vermagic, uname -r): UTS_RELEASE.
 * include/config/kernel.release is not always it: Debian's headers carry
 * the upstream version there (6.1.192 for 6.1.0-56-amd64).
 */
char *pb_tree_release(const char *kdir)
{
	char *path = pb_asprintf("%s/include/generated/utsrelease.h", kdir);
	char *s = pb_read_file(path, NULL), *q, *rel = NULL;

	free(path);
	if (s && (q = strstr(s, "UTS_RELEASE \""))) {
		q += strlen("UTS_RELEASE \"");
		q[strcspn(q, "\"")] = '\0';
		rel = pb_xstrdup(q);
	}
	free(s);
	if (rel)
		return rel;
	path = pb_asprintf("%s/include/config/kernel.release", kdir);
	rel = pb_read_first_line(path);
	free(path);
	return rel;
}

static int cmp_release(const void *a, const void *b)
{
	return strverscmp(((const struct pb_installed_kernel *)a)->release,
			  ((const struct pb_installed_kernel *)b)->release);
}

static void add_release(struct pb_installed_kernel **v, size_t *n, const char *rel)
{
	struct pb_installed_kernel *k;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].release, rel))
			return;
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		pb_die("out of memory");
	k = &(*v)[(*n)++];
	memset(k, 0, sizeof(*k));
	k->release = pb_xstrdup(rel);
}

size_t pb_kernels_installed(struct pb_installed_kernel **out)
{
	static const char *const dirs[] = { "/boot", "/lib/modules" };
	struct pb_installed_kernel *v = NULL;
	size_t n = 0;

	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		if (!dir)
			continue;
		while ((e = readdir(dir))) {
			if (d == 0 && !strncmp(e->d_name, "vmlinuz-", 8) && e->d_name[8])
				add_release(&v, &n, e->d_name + 8);
			else if (d == 1 && e->d_name[0] != '.')
				add_release(&v, &n, e->d_name);
		}
		closedir(dir);
	}
	for (size_t i = 0; i < n; i++) {
		struct pb_installed_kernel *k = &v[i];
		char *img = pb_asprintf("/boot/vmlinuz-%s", k->release);
		char *build = pb_asprintf("/lib/modules/%s/build", k->release);
		char *rel;

		k->image = pb_file_exists(img);
		k->image_readable = k->image && access(img, R_OK) == 0;
		k->modules = path_fmt_exists("/lib/modules/%s/modules.dep", k->release);
		/* A prepared tree: it can build modules and names its release. */
		rel = is_dir(build) && path_fmt_exists("%s/Makefile", build) ? pb_tree_release(build) : NULL;
		k->headers = rel != NULL;
		free(rel);
		free(img);
		free(build);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_release);
	*out = v;
	return n;
}

void pb_kernels_free(struct pb_installed_kernel *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].release);
	free(v);
}

const char *pb_kernel_problem(const struct pb_installed_kernel *k, char *buf, size_t len)
{
	if (!k->image)
		snprintf(buf, len, "no /boot/vmlinuz-%s: apt-get install linux-image-%s", k->release, k->release);
	else if (!k->headers)
		snprintf(buf, len, "no headers (/lib/modules/%s/build): apt-get install linux-headers-%s",
			 k->release, k->release);
	else if (!k->modules)
		snprintf(buf, len, "no modules (/lib/modules/%s/modules.dep): apt-get install linux-image-%s",
			 k->release, k->release);
	else if (!k->image_readable)
		snprintf(buf, len, "/boot/vmlinuz-%s is not readable: run pinbench as root", k->release);
	else
		return NULL;
	return buf;
}

/*
 * The default guest kernel: the release Debian's linux-image-amd64 depends
 * on, which is Debian's default kernel for the release (6.1 on Debian 12).
 * Not "the newest installed": installing linux-image-6.12-amd64 beside it
 * would then silently change what a plain run measures. Following the
 * metapackage keeps the default moving with 6.1's ABI bumps (6.1.0-56,
 * -57, ...), which is what a Debian 12 user runs.
 */
char *pb_kernel_default(char *why, size_t whylen)
{
	char *const argv[] = { "dpkg-query", "-W", "-f=${Status}\\n${Depends}\\n", PB_DEFAULT_KERNEL_PKG,
			       NULL };
	char out[1024], *dep, *end;

	if (pb_capture(argv, out, sizeof(out), false) != 0) {
		snprintf(why, whylen, "%s (Debian's default kernel) is not installed", PB_DEFAULT_KERNEL_PKG);
		return NULL;
	}
	if (strncmp(out, "install ok installed\n", 21)) {
		snprintf(why, whylen, "%s (Debian's default kernel) is not fully installed", PB_DEFAULT_KERNEL_PKG);
		return NULL;
	}
	/* "linux-image-6.1.0-57-amd64 (= 6.1.158-1)" */
	dep = strstr(out + 21, "linux-image-");
	if (!dep) {
		snprintf(why, whylen, "%s depends on no linux-image-RELEASE", PB_DEFAULT_KERNEL_PKG);
		return NULL;
	}
	dep += strlen("linux-image-");
	end = dep + strcspn(dep, " ,|(\n");
	*end = '\0';
	if (!*dep) {
		snprintf(why, whylen, "%s depends on no linux-image-RELEASE", PB_DEFAULT_KERNEL_PKG);
		return NULL;
	}
	return pb_xstrdup(dep);
}

/* "A, B" of the usable installed kernels, or "none". */
char *pb_kernels_usable_list(void)
{
	struct pb_installed_kernel *v;
	size_t n = pb_kernels_installed(&v);
	char *s = pb_xstrdup(""), *t, buf[256];

	for (size_t i = 0; i < n; i++) {
		if (pb_kernel_problem(&v[i], buf, sizeof(buf)))
			continue;
		t = pb_asprintf("%s%s%s", s, *s ? ", " : "", v[i].release);
		free(s);
		s = t;
	}
	pb_kernels_free(v, n);
	if (!*s) {
		free(s);
		s = pb_xstrdup("none");
	}
	return s;
}

/* The installed kernel named release, with why it cannot be used. */
static int resolve_installed(struct pb_kernel *k, const char *release, bool by_default, char *err,
			     size_t errlen)
{
	struct pb_installed_kernel *v;
	size_t n = pb_kernels_installed(&v), i;
	char buf[512];
	const char *problem;
	char *usable;

	for (i = 0; i < n && strcmp(v[i].release, release); i++)
		;
	if (i == n) {
		usable = pb_kernels_usable_list();
		snprintf(err, errlen, "%skernel %s is not installed (no /boot/vmlinuz-%s or /lib/modules/%s); "
			 "usable here: %s (pinbench kernels lists them); or give an image and its tree: --kernel FILE --kdir DIR",
			 by_default ? "the default " : "--kernel: ", release, release, release, usable);
		free(usable);
		pb_kernels_free(v, n);
		return -1;
	}
	problem = pb_kernel_problem(&v[i], buf, sizeof(buf));
	if (problem) {
		snprintf(err, errlen, "%skernel %s cannot be used: %s", by_default ? "the default " : "--kernel: ",
			 release, problem);
		pb_kernels_free(v, n);
		return -1;
	}
	pb_kernels_free(v, n);
	k->release = pb_xstrdup(release);
	k->bzimage = pb_asprintf("/boot/vmlinuz-%s", release);
	k->kdir = pb_asprintf("/lib/modules/%s/build", release);
	k->moddir = pb_asprintf("/lib/modules/%s", release);
	return 0;
}

/* An image file and its build tree (a developer's kernel). */
static int resolve_tree(struct pb_kernel *k, const char *bzimage, const char *kdir, const char *moddir,
			char *err, size_t errlen)
{
	static const char tail[] = "/arch/x86/boot/bzImage";
	size_t len = strlen(bzimage);
	char *guess = NULL;

	if (access(bzimage, R_OK) < 0) {
		snprintf(err, errlen, "--kernel %s: %s", bzimage, strerror(errno));
		return -1;
	}
	if (!kdir) {
		/* An image still in its tree says where the tree is. */
		if (len > strlen(tail) && !strcmp(bzimage + len - strlen(tail), tail)) {
			guess = pb_xstrdup(bzimage);
			guess[len - strlen(tail)] = '\0';
			kdir = guess;
		} else {
			snprintf(err, errlen, "--kernel %s is a file: name the build tree it came from with --kdir DIR", bzimage);
			return -1;
		}
	}
	k->release = pb_tree_release(kdir);
	if (!k->release) {
		snprintf(err, errlen, "--kdir %s: no include/generated/utsrelease.h or include/config/kernel.release (not a prepared kernel build tree)", kdir);
		free(guess);
		return -1;
	}
	k->bzimage = pb_xstrdup(bzimage);
	k->kdir = pb_xstrdup(kdir);
	k->moddir = moddir ? pb_xstrdup(moddir) : pb_asprintf("/lib/modules/%s", k->release);
	free(guess);
	return 0;
}

int pb_kernel_resolve(struct pb_kernel *k, const char *repo, const char *kernel, const char *kdir,
		      const char *moddir, char *err, size_t errlen)
{
	char why[256];
	int ret;

	memset(k, 0, sizeof(*k));
	if (kdir && !kernel) {
		snprintf(err, errlen, "--kdir needs --kernel: the image built from that tree");
		return -1;
	}
	if (kernel && (strchr(kernel, '/') || pb_file_exists(kernel))) {
		ret = resolve_tree(k, kernel, kdir, moddir, err, errlen);
	} else if (kernel) {
		if (moddir) {
			snprintf(err, errlen, "--moddir goes with --kernel FILE --kdir DIR; an installed kernel %s has its own", kernel);
			return -1;
		}
		ret = resolve_installed(k, kernel, false, err, errlen);
	} else {
		char *def = pb_kernel_default(why, sizeof(why));

		if (!def) {
			char *usable = pb_kernels_usable_list();

			snprintf(err, errlen, "no default guest kernel: %s; name one with --kernel RELEASE (usable here: %s) "
				 "or --kernel FILE --kdir DIR, or install it: make deps", why, usable);
			free(usable);
			return -1;
		}
		ret = resolve_installed(k, def, true, err, errlen);
		free(def);
	}
	if (ret < 0)
		return -1;
	/*
	 * Where kmod and the initramfs are built for it. Two trees may carry
	 * the same release (a patched and an unpatched build, compared A/B):
	 * a tree's directory also names the tree.
	 */
	if (kernel && (strchr(kernel, '/') || pb_file_exists(kernel))) {
		char *real = realpath(k->kdir, NULL);
		uint32_t h = 2166136261u;	/* FNV-1a */

		for (const char *p = real ? real : k->kdir; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		free(real);
		k->builddir = pb_asprintf("%s/build/%s-tree-%08x", repo, k->release, h);
	} else {
		k->builddir = pb_asprintf("%s/build/%s", repo, k->release);
	}
	return 0;
}

int pb_kernels_print(FILE *f)
{
	struct pb_installed_kernel *v;
	size_t n = pb_kernels_installed(&v);
	char why[256], buf[512];
	char *def = pb_kernel_default(why, sizeof(why));
	int usable = 0;

	fprintf(f, "%-34s %s\n", "RELEASE", "USABLE AS A GUEST (image, modules, headers)");
	for (size_t i = 0; i < n; i++) {
		const char *problem = pb_kernel_problem(&v[i], buf, sizeof(buf));
		char name[128];

		snprintf(name, sizeof(name), "%s%s", v[i].release,
			 def && !strcmp(def, v[i].release) ? " (default)" : "");
		fprintf(f, "%-34s %s\n", name, problem ? problem : "yes");
		usable += !problem;
	}
	if (!n)
		fprintf(f, "(no kernel in /boot or /lib/modules)\n");
	if (def)
		fprintf(f, "default: %s, the kernel %s depends on; another: --kernel RELEASE\n", def,
			PB_DEFAULT_KERNEL_PKG);
	else
		fprintf(f, "default: none (%s); name one with --kernel RELEASE\n", why);
	fprintf(f, "a kernel you built: --kernel TREE/arch/x86/boot/bzImage (--kdir TREE is then implied)\n");
	free(def);
	pb_kernels_free(v, n);
	return usable ? 0 : 1;
}
