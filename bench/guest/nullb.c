// SPDX-License-Identifier: GPL-2.0
/* nullb.c: null_blk devices for block workloads, made through configfs, one per completion mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"
#include "util.h"

#define CONFIGFS "/sys/kernel/config"

static int put_attr(const char *dir, const char *attr, const char *val, char *err, size_t errlen)
{
	char *path = pb_asprintf("%s/%s", dir, attr);
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		snprintf(err, errlen, "null_blk: cannot set %s=%s: %s", attr, val, strerror(errno));
		ret = -1;
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

static const char *const mode_names[] = {
	[PB_NULLB_INLINE] = "inline", [PB_NULLB_SOFTIRQ] = "softirq", [PB_NULLB_HARDIRQ] = "hardirq",
};

/*
 * A memory-backed null_blk (data is stored and read back), 512-byte
 * logical blocks, queue deep enough for any queue depth we ask, and the
 * completion context asked for: irqmode 0 completes inline in submit_bio(),
 * 1 in softirq, 2 from an hrtimer (hardirq) completion_nsec later. The
 * disk is named after its configfs directory (/dev/pb-<mode>-<nsec>-<size>mib),
 * so devices of different sizes never clash; one of that name is reused.
 */
int pb_nullb_get(enum pb_nullb_mode mode, unsigned int completion_nsec, unsigned int size_mib,
		 char *dev, size_t devlen, char *err, size_t errlen)
{
	char name[64], val[32], *dir;
	struct stat st;
	int ret = -1;

	snprintf(name, sizeof(name), "pb-%s-%u-%umib", mode_names[mode],
		 mode == PB_NULLB_HARDIRQ ? completion_nsec : 0, size_mib);
	snprintf(dev, devlen, "/dev/%s", name);
	if (stat(dev, &st) == 0)
		return 0;
	if (stat(CONFIGFS "/nullb", &st) < 0) {
		mkdir(CONFIGFS, 0755);
		if (mount("configfs", CONFIGFS, "configfs", 0, NULL) < 0 && errno != EBUSY) {
			snprintf(err, errlen, "cannot mount configfs: %s", strerror(errno));
			return -1;
		}
		if (stat(CONFIGFS "/nullb", &st) < 0) {
			snprintf(err, errlen, "null_blk is not loaded (no %s/nullb)", CONFIGFS);
			return -1;
		}
	}
	dir = pb_asprintf(CONFIGFS "/nullb/%s", name);
	if (mkdir(dir, 0755) < 0) {
		snprintf(err, errlen, "null_blk: mkdir %s: %s", dir, strerror(errno));
		goto out;
	}
	snprintf(val, sizeof(val), "%d", (int)mode);
	if (put_attr(dir, "memory_backed", "1", err, errlen) ||
	    put_attr(dir, "irqmode", val, err, errlen) ||
	    put_attr(dir, "blocksize", "512", err, errlen) ||
	    put_attr(dir, "hw_queue_depth", "256", err, errlen))
		goto out;
	snprintf(val, sizeof(val), "%u", completion_nsec);
	if (mode == PB_NULLB_HARDIRQ && put_attr(dir, "completion_nsec", val, err, errlen))
		goto out;
	snprintf(val, sizeof(val), "%u", size_mib);
	if (put_attr(dir, "size", val, err, errlen) || put_attr(dir, "power", "1", err, errlen))
		goto out;
	/* devtmpfs creates the node as the disk is added; give udev-less /dev a moment. */
	for (int i = 0; i < 100 && stat(dev, &st) < 0; i++)
		usleep(10000);
	if (stat(dev, &st) < 0) {
		snprintf(err, errlen, "null_blk: %s did not appear", dev);
		goto out;
	}
	ret = 0;
out:
	free(dir);
	return ret;
}
