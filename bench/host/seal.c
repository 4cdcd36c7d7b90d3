// SPDX-License-Identifier: GPL-2.0
/*
 * seal.c: a sealed guest, for deterministic runs: everything it needs in
 * its initramfs, nothing over 9p, its results back over a serial port.
 *
 * Why. Under -icount an emulated instruction is an emulated nanosecond,
 * so a guest is a deterministic machine, except for what comes from the
 * host at host-timed moments. A 9p request's reply is one: QEMU serves it
 * on its own threads and raises the interrupt whenever that is done,
 * while the guest's clock has jumped on from timer to timer meanwhile.
 * Everything after it then runs at another point of the tick, on memory
 * laid out by another order of events, with a random pool stirred by
 * other interrupt times. Measured on small_dio (TCG, 6.1, four cells of
 * 1000 I/Os, three repetitions): with the 9p share, two runs differed in
 * 81 of 208 figures; with QEMU's guest random numbers fixed (-seed) and
 * its clock fixed (-rtc clock=vm, a fixed date) but still 9p, in 58;
 * sealed as here, every figure of every repetition was equal, elapsed
 * time to the nanosecond. Sealed with the host's date, or without -seed
 * (the kernel's random numbers, hence KASLR's layout, slab freelist
 * order, blk-mq's tag hints, come from RDRAND), they differed again: the
 * seed is part of the configuration, like the kernel (results.json has
 * QEMU's command line).
 *
 * What goes in. The share files the guest reads (guest.conf,
 * guest.args), its plan: the entries of its unit alone, numbered from 0
 * (struct pb_boot's seal_plan; a serial run, a shard and --jobs give a
 * unit's guest the same bytes), a marker for each of them that already
 * has a result (a boot after a crash skips them, as with 9p), and under
 * /sealroot the host files the guest runs, at their host paths: the
 * program and the libraries the host's dynamic loader lists for it,
 * pinbench.ko, and the tools the plan's cells run (pb_seal_files()).
 *
 * What comes back. The guest program and its init write each share file
 * to /dev/ttyS1 as "PBFILE <name> <length>\n<bytes>\n"; QEMU writes that
 * port to a file, and pb_seal_channel_poll() writes each file into the
 * host's share (a cell's number shifted to the run's), where the runner
 * reads it as it would from 9p.
 *
 * What it costs. Nothing in a cell: the guest writes a cell's files
 * between cells, and a UART write is as synchronous and as repeatable as
 * any other instruction. Per boot, the host copies about 12 MB (the
 * kernel's archive and the program's files; fio's libraries add 80 MB
 * where a cell runs fio).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "job.h"
#include "util.h"
#include "vm.h"

#define PB_HOST_LDSO "/lib64/ld-linux-x86-64.so.2"
#define PB_CHANNEL_MAX (64u << 20)	/* longest file the channel carries */

char *pb_ldso_list(const char *exec)
{
	char *argv[] = { PB_HOST_LDSO, "--list", (char *)exec, NULL }, out[8192], *save = NULL, *tok;
	char *list, *t;

	list = exec[0] == '/' ? pb_asprintf("%s\n", exec) : pb_xstrdup("");
	if (exec[0] == '/' && pb_capture(argv, out, sizeof(out), false) == 0) {
		for (tok = strtok_r(out, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
			if (tok[0] != '/' || access(tok, R_OK) || !strcmp(tok, exec))
				continue;
			t = pb_asprintf("%s%s\n", list, tok);
			free(list);
			list = t;
		}
	}
	return list;
}

/*
 * The tools a cell runs besides the program (fs.c, wl_stock_dio.c), by
 * the parameter that makes it run them. A tool not on the host is left
 * out: the cell then fails in the guest saying so, as it would unsealed.
 */
static const struct {
	const char *param, *value;	/* value: exact, or a prefix ending in '*' */
	const char *tools[4];
} seal_tools[] = {
	{ "engine", "fio*", { "fio" } },
	{ "filesystem", "ext4", { "/bin/sh", "mkfs.ext4", "/etc/mke2fs.conf" } },
	{ "filesystem", "ext4_dax", { "/bin/sh", "mkfs.ext4", "/etc/mke2fs.conf", "ndctl" } },
};

static bool value_matches(const char *pattern, const char *v)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return !strncmp(pattern, v, n - 1);
	return !strcmp(pattern, v);
}

static char *which(const char *tool)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };

	if (tool[0] == '/')
		return access(tool, R_OK) ? NULL : pb_xstrdup(tool);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = pb_asprintf("%s/%s", dirs[i], tool);

		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static void list_add(char **list, const char *lines)
{
	char *copy = pb_xstrdup(lines), *save = NULL, *tok;

	for (tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		char *needle = pb_asprintf("\n%s\n", tok), *hay = pb_asprintf("\n%s", *list), *t;
		bool dup = strstr(hay, needle) != NULL;

		free(needle);
		free(hay);
		if (dup)
			continue;
		t = pb_asprintf("%s%s\n", *list, tok);
		free(*list);
		*list = t;
	}
	free(copy);
}

char *pb_seal_files(const char *exec, const char *ko, const struct pb_plan *plan)
{
	char *list = pb_xstrdup(""), *l;

	l = pb_ldso_list(exec);
	list_add(&list, l);
	free(l);
	list_add(&list, ko);
	for (size_t t = 0; t < ARRAY_SIZE(seal_tools); t++) {
		bool needed = false;

		for (size_t i = 0; i < plan->nr && !needed; i++) {
			struct json_object *v;

			needed = json_object_object_get_ex(plan->cells[i].params, seal_tools[t].param, &v) &&
				 value_matches(seal_tools[t].value, json_object_get_string(v));
		}
		for (size_t k = 0; needed && k < ARRAY_SIZE(seal_tools[t].tools) && seal_tools[t].tools[k]; k++) {
			char *path = which(seal_tools[t].tools[k]);

			if (!path)
				continue;
			/* /bin/sh goes where popen() looks for it, whatever the host's /bin links to. */
			l = pb_ldso_list(path);
			list_add(&list, l);
			free(l);
			free(path);
		}
	}
	return list;
}

/* A newc cpio archive (the kernel's initramfs format), appended to a stream. */
struct cpio {
	FILE *f;
	unsigned long long pos;
	unsigned int ino;
	char *dirs;	/* "\n"-separated directories already in the archive */
};

static int cpio_pad(struct cpio *c)
{
	while (c->pos % 4) {
		if (fputc(0, c->f) == EOF)
			return -1;
		c->pos++;
	}
	return 0;
}

static int cpio_entry(struct cpio *c, const char *name, unsigned int mode, const char *data, size_t len)
{
	int n = fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X",
			++c->ino, mode, 0u, 0u, (mode & S_IFMT) == S_IFDIR ? 2u : 1u, 0u,
			(unsigned int)len, 0u, 0u, 0u, 0u, strlen(name) + 1, 0u);

	if (n != 110 || fwrite(name, 1, strlen(name) + 1, c->f) != strlen(name) + 1)
		return -1;
	c->pos += 110 + strlen(name) + 1;
	if (cpio_pad(c) < 0 || (len && fwrite(data, 1, len, c->f) != len))
		return -1;
	c->pos += len;
	return cpio_pad(c);
}

/* The directories above name (relative, no leading '/'), each once. */
static int cpio_parents(struct cpio *c, const char *name)
{
	char *p = pb_xstrdup(name), *s;
	int ret = 0;

	for (s = strchr(p, '/'); s && !ret; s = strchr(s + 1, '/')) {
		char *needle, *hay;

		*s = '\0';
		needle = pb_asprintf("\n%s\n", p);
		hay = pb_asprintf("\n%s", c->dirs);
		if (!strstr(hay, needle)) {
			char *t = pb_asprintf("%s%s\n", c->dirs, p);

			free(c->dirs);
			c->dirs = t;
			ret = cpio_entry(c, p, S_IFDIR | 0755, NULL, 0);
		}
		free(needle);
		free(hay);
		*s = '/';
	}
	free(p);
	return ret;
}

static int cpio_file(struct cpio *c, const char *name, unsigned int perm, const char *data, size_t len)
{
	if (cpio_parents(c, name) < 0)
		return -1;
	return cpio_entry(c, name, S_IFREG | (perm & 07777), data, len);
}

/* Host file src as archive member name (its contents, symlinks followed). */
static int cpio_host_file(struct cpio *c, const char *name, const char *src, char *err, size_t errlen)
{
	struct stat st;
	size_t len;
	char *data;
	int ret;

	if (stat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", src, errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	data = pb_read_file(src, &len);
	if (!data) {
		snprintf(err, errlen, "cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	ret = cpio_file(c, name, st.st_mode, data, len);
	free(data);
	return ret;
}

int pb_seal_initrd(const struct pb_boot *b, const char *out, char *err, size_t errlen)
{
	static const char *const inputs[] = { "guest.conf", "guest.args" };
	char *tmp = pb_asprintf("%s.tmp", out), *base, *save = NULL, *tok, *files, *dir;
	struct cpio c = { .dirs = pb_xstrdup("") };
	size_t len;
	int ret = -1;
	DIR *d;
	struct dirent *e;

	base = pb_read_file(b->k->initramfs, &len);
	if (!base) {
		snprintf(err, errlen, "cannot read %s: %s", b->k->initramfs, strerror(errno));
		goto out_free;
	}
	c.f = fopen(tmp, "w");
	if (!c.f) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		free(base);
		goto out_free;
	}
	/* The kernel's own archive first; a second one may follow it on a 4-byte boundary. */
	if (fwrite(base, 1, len, c.f) != len) {
		free(base);
		goto out_write;
	}
	free(base);
	c.pos = len;
	if (cpio_pad(&c) < 0)
		goto out_write;
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
		char *src = pb_asprintf("%s/%s", b->share, inputs[i]);
		char *name = pb_asprintf("pinbench-seal/%s", inputs[i]);

		ret = cpio_host_file(&c, name, src, err, errlen);
		free(src);
		free(name);
		if (ret < 0)
			goto out_close;
	}
	ret = cpio_file(&c, "pinbench-seal/plan.json", 0644, b->seal_plan ? b->seal_plan : "{}",
			b->seal_plan ? strlen(b->seal_plan) : 2);
	if (ret == 0)
		ret = cpio_entry(&c, "pinbench-seal/cells", S_IFDIR | 0755, NULL, 0);
	dir = pb_asprintf("%s/cells", b->share);
	d = opendir(dir);
	free(dir);
	while (ret == 0 && d && (e = readdir(d))) {
		size_t digits = strspn(e->d_name, "0123456789");
		unsigned long idx = strtoul(e->d_name, NULL, 10);

		/* A cell of this plan with a result: the guest program skips it (exists is all it asks). */
		if (digits >= 4 && !strcmp(e->d_name + digits, ".json") && idx >= b->seal_from) {
			char *name = pb_asprintf("pinbench-seal/cells/%04lu.json", idx - b->seal_from);

			ret = cpio_file(&c, name, 0644, "{}", 2);
			free(name);
		}
	}
	if (d)
		closedir(d);
	files = pb_xstrdup(b->seal_files ? b->seal_files : "");
	for (tok = strtok_r(files, "\n", &save); ret == 0 && tok; tok = strtok_r(NULL, "\n", &save)) {
		char *name = pb_asprintf("sealroot%s", tok);

		ret = tok[0] == '/' ? cpio_host_file(&c, name, tok, err, errlen) : -1;
		if (tok[0] != '/')
			snprintf(err, errlen, "sealed file '%s' is not an absolute path (a pinbench bug)", tok);
		free(name);
	}
	free(files);
	if (ret < 0)
		goto out_close;
	ret = cpio_entry(&c, "TRAILER!!!", 0, NULL, 0);
out_write:
	if (ret < 0 && !err[0])
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
out_close:
	if (fclose(c.f) != 0 && ret == 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		ret = -1;
	}
	if (ret == 0 && rename(tmp, out) < 0) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
		ret = -1;
	}
	if (ret < 0)
		unlink(tmp);
out_free:
	free(tmp);
	free(c.dirs);
	return ret;
}

/* The share files a sealed guest may send: nothing else, and nowhere else. */
static bool channel_name_ok(const char *n)
{
	static const char *const fixed[] = { "guest.json", "exit-status", "unload", "init-error" };
	size_t digits;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		if (!strcmp(n, fixed[i]))
			return true;
	if (strncmp(n, "cells/", 6))
		return false;
	n += 6;
	digits = strspn(n, "0123456789");
	return digits >= 4 && digits <= 9 && (!strcmp(n + digits, ".started") || !strcmp(n + digits, ".json"));
}

int pb_seal_channel_poll(const char *channel, const char *share, size_t from, long *offset)
{
	int fd = open(channel, O_RDONLY | O_CLOEXEC), files = 0;
	char *buf, *p, *end;
	struct stat st;
	size_t len;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || st.st_size <= *offset) {
		close(fd);
		return 0;
	}
	len = (size_t)(st.st_size - *offset);
	buf = pb_xmalloc(len + 1);
	if (pread(fd, buf, len, *offset) != (ssize_t)len) {
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	buf[len] = '\0';
	p = buf;
	end = buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), name[64], *path, *dir;
		unsigned long size;
		int used = 0;

		if (!nl)
			break;	/* a header still being written */
		*nl = '\0';
		if (sscanf(p, "PBFILE %63s %lu%n", name, &size, &used) != 2 || p[used] ||
		    !channel_name_ok(name) || size > PB_CHANNEL_MAX) {
			/* Not ours (or damaged): said, printably, and skipped. */
			for (char *q = p; *q; q++)
				if (*q < 0x20 || *q == 0x7f)
					*q = '?';
			pb_warn("%s: skipping a line the sealed guest did not write as a file: '%.80s'", channel, p);
			p = nl + 1;
			continue;
		}
		if ((size_t)(end - (nl + 1)) < size + 1)
			break;	/* its contents still being written */
		if (!strncmp(name, "cells/", 6)) {
			const char *suffix = name + 6 + strspn(name + 6, "0123456789");

			path = pb_asprintf("%s/cells/%04zu%s", share, strtoul(name + 6, NULL, 10) + from, suffix);
		} else {
			path = pb_asprintf("%s/%s", share, name);
		}
		dir = pb_asprintf("%s/cells", share);
		pb_mkdir_p(dir, 0755);
		free(dir);
		if (pb_write_file_atomic(path, nl + 1, size) < 0)
			pb_die("cannot write %s: %s", path, strerror(errno));
		free(path);
		files++;
		p = nl + 1 + size + 1;
	}
	*offset += p - buf;
	free(buf);
	return files;
}
