// SPDX-License-Identifier: GPL-2.0
/* fs.c: file systems for the file-backed workloads: tmpfs, ext4 on null_blk, ext4 with DAX on fsdax pmem. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"
#include "util.h"

#define FS_ROOT "/run/pinbench-fs"
#define EXT4_MIB 512	/* the null_blk under plain ext4 */

static const char *const fs_names[] = {
	[PB_FS_TMPFS] = "tmpfs", [PB_FS_EXT4] = "ext4", [PB_FS_EXT4_DAX] = "ext4_dax",
};

int pb_fs_kind(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_names); i++)
		if (!strcmp(fs_names[i], name))
			return (int)i;
	return -1;
}

/* Run a fixed command line; on failure, the first line it printed goes into err. */
static int run(const char *cmd, char *err, size_t errlen)
{
	char *full = pb_asprintf("%s 2>&1", cmd), line[256] = "";
	FILE *p = popen(full, "r");
	int st;

	free(full);
	if (!p) {
		snprintf(err, errlen, "%s: %s", cmd, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	while (getc(p) != EOF)
		;
	st = pclose(p);
	if (st != 0) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(err, errlen, "`%s` failed (status %d)%s%s", cmd, st, *line ? ": " : "", line);
		return -1;
	}
	return 0;
}

/* Is dir mounted with an option (as /proc/mounts shows it)? */
static int mounted_with(const char *dir, const char *opt)
{
	char dev[256], mnt[256], type[64], opts[512];
	FILE *f = fopen("/proc/mounts", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fscanf(f, "%255s %255s %63s %511s %*d %*d", dev, mnt, type, opts) == 4)
		if (!strcmp(mnt, dir) && (!opt || strstr(opts, opt)))
			found = 1;
	fclose(f);
	return found;
}

static int setup_tmpfs(const char *dir, char *err, size_t errlen)
{
	if (mount("tmpfs", dir, "tmpfs", 0, "size=512m,huge=never") < 0) {
		snprintf(err, errlen, "mount tmpfs on %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* ext4 over a memory-backed null_blk: a real block device under a real file system. */
static int setup_ext4(const char *dir, char *err, size_t errlen)
{
	char dev[64], *cmd;
	int ret;

	if (pb_nullb_get(PB_NULLB_INLINE, 0, EXT4_MIB, dev, sizeof(dev), err, errlen) < 0)
		return -1;
	cmd = pb_asprintf("mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 %s", dev);
	ret = run(cmd, err, errlen);
	free(cmd);
	if (ret < 0)
		return -1;
	if (mount(dev, dir, "ext4", 0, NULL) < 0) {
		snprintf(err, errlen, "mount ext4 %s on %s: %s", dev, dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * ext4 -o dax over fsdax pmem (PLATFORM.md's verified steps): the guest
 * boots with memmap= when a job needs it, nd_e820 turns that range into
 * /dev/pmem0, ndctl switches its namespace to fsdax, and the file system's
 * block size must equal the page size or DAX is silently off, so the mount
 * is checked for dax in /proc/mounts.
 */
static int setup_ext4_dax(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat("/dev/pmem0", &st) < 0) {
		snprintf(err, errlen, "no /dev/pmem0: the guest was booted without memmap= "
			 "(pinbench adds it when a job has ext4_dax cells and the guest has >= 3 GiB)");
		return -1;
	}
	if (run("ndctl create-namespace -f -e namespace0.0 -m fsdax", err, errlen) < 0)
		return -1;
	if (run("mkfs.ext4 -q -F -b 4096 /dev/pmem0", err, errlen) < 0)
		return -1;
	if (mount("/dev/pmem0", dir, "ext4", 0, "dax") < 0) {
		snprintf(err, errlen, "mount -o dax /dev/pmem0 on %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!mounted_with(dir, "dax")) {
		umount(dir);
		snprintf(err, errlen, "ext4 on /dev/pmem0 mounted without dax (see /proc/mounts)");
		return -1;
	}
	return 0;
}

/*
 * A directory on a file system of that kind, set up on first use in a boot
 * and kept for the rest of it. A kind that cannot be set up says why, every
 * time it is asked for.
 */
int pb_fs_get(enum pb_fs kind, char *dir, size_t dirlen, char *err, size_t errlen)
{
	static int state[PB_FS_NR];	/* 0 untried, 1 ready, -1 failed */
	static char why[PB_FS_NR][256];
	int ret;

	snprintf(dir, dirlen, FS_ROOT "/%s", fs_names[kind]);
	if (state[kind]) {
		if (state[kind] < 0)
			snprintf(err, errlen, "%s", why[kind]);
		return state[kind] > 0 ? 0 : -1;
	}
	mkdir(FS_ROOT, 0755);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why[kind], sizeof(why[kind]), "mkdir %s: %s", dir, strerror(errno));
		ret = -1;
	} else if (kind == PB_FS_TMPFS) {
		ret = setup_tmpfs(dir, why[kind], sizeof(why[kind]));
	} else if (kind == PB_FS_EXT4) {
		ret = setup_ext4(dir, why[kind], sizeof(why[kind]));
	} else {
		ret = setup_ext4_dax(dir, why[kind], sizeof(why[kind]));
	}
	state[kind] = ret < 0 ? -1 : 1;
	if (ret < 0)
		snprintf(err, errlen, "%s", why[kind]);
	return ret;
}
