/* SPDX-License-Identifier: GPL-2.0 */
/* kernels.h: which guest kernel: the installed ones, the default, and a --kernel argument resolved to image, headers and modules. */
#ifndef PINBENCH_KERNELS_H
#define PINBENCH_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Debian's default kernel for the release: the default guest is the one it depends on. */
#define PB_DEFAULT_KERNEL_PKG "linux-image-amd64"

struct pb_kernel {
	char *bzimage;		/* kernel image (--kernel, /boot/vmlinuz-R) */
	char *boot_image;	/* what QEMU boots: the ELF inside bzimage (PVH)
				 * when it has a PVH entry, else bzimage */
	char *kdir;		/* build tree kmod is built against */
	char *release;		/* its kernel.release */
	char *moddir;		/* /lib/modules/<release>-like dir */
	char *builddir;		/* <repo>/build/<release>: kmod, initramfs */
	char *ko;		/* built pinbench.ko */
	char *initramfs;
};

/*
 * Fill k from --kernel, --kdir and --moddir (each may be NULL):
 *  - kernel NULL: the default, the release PB_DEFAULT_KERNEL_PKG depends on;
 *  - kernel a release name (no '/', not a file): the installed kernel
 *    /boot/vmlinuz-R with /lib/modules/R and its headers /lib/modules/R/build;
 *  - kernel a file: that image, built from the tree kdir (implied when the
 *    image is still at TREE/arch/x86/boot/bzImage).
 * On failure err says what is missing and what would fix it.
 */
int pb_kernel_resolve(struct pb_kernel *k, const char *repo, const char *kernel, const char *kdir,
		      const char *moddir, char *err, size_t errlen);

/* An installed kernel, as /boot and /lib/modules show it. */
struct pb_installed_kernel {
	char *release;
	bool image, image_readable;	/* /boot/vmlinuz-R */
	bool modules;			/* /lib/modules/R/modules.dep */
	bool headers;			/* /lib/modules/R/build, a prepared tree */
};

/* Every release with an image or a modules directory, in version order. */
size_t pb_kernels_installed(struct pb_installed_kernel **out);
void pb_kernels_free(struct pb_installed_kernel *v, size_t n);
/* NULL if k can be a guest, else what is missing and the package that brings it (in buf). */
const char *pb_kernel_problem(const struct pb_installed_kernel *k, char *buf, size_t len);
/* The default guest kernel's release, or NULL with the reason in why. */
char *pb_kernel_default(char *why, size_t whylen);
/* "A, B": the usable installed kernels, or "none". */
char *pb_kernels_usable_list(void);
/* pinbench kernels: the table; 0 if any kernel is usable. */
int pb_kernels_print(FILE *f);
/* A prepared build tree's release (UTS_RELEASE), or NULL. */
char *pb_tree_release(const char *kdir);

#endif
