// SPDX-License-Identifier: GPL-2.0
/* test_seal.c: a sealed guest's initramfs, and the channel its files come back over (hostile lines too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "util.h"
#include "vm.h"

static char dir[] = "/tmp/pinbench-test-seal.XXXXXX";

static char *at(const char *name)
{
	return pb_asprintf("%s/%s", dir, name);
}

static void put(const char *name, const char *s, const char *mode)
{
	char *p = at(name);
	FILE *f = fopen(p, mode);

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
	free(p);
}

static char *get(const char *name)
{
	char *p = at(name), *s = pb_read_file(p, NULL);

	free(p);
	return s;
}

static void test_channel(void **state)
{
	char *chan = at("channel.log"), *share = at("share"), *s;
	long off = 0;
	struct stat st;

	(void)state;
	pb_mkdir_p(share, 0755);
	put("channel.log",
	    "PBFILE guest.json 8\n{\"a\":1}\n\n"		/* data with its own newline */
	    "PBFILE cells/0003.started 5\ncell3\n"
	    "console noise, not ours\n"
	    "PBFILE ../escape 3\nabc\n"				/* out of the share: refused */
	    "PBFILE cells/../../escape 3\nabc\n"
	    "PBFILE cells/12.json 2\n{}\n"			/* fewer than 4 digits */
	    "PBFILE cells/0003.json 99999999999\n"		/* too long */
	    "PBFILE exit-status 2\n0\n\n"
	    "PBFILE cells/0003.json 11\n{\"st", "w");		/* still being written */
	assert_int_equal(pb_seal_channel_poll(chan, share, 10, &off), 3);
	s = get("share/guest.json");
	assert_string_equal(s, "{\"a\":1}\n");
	free(s);
	/* The guest numbers its own plan from 0; the share, the whole run's (from 10 here). */
	s = get("share/cells/0013.started");
	assert_string_equal(s, "cell3");
	free(s);
	s = get("share/exit-status");
	assert_string_equal(s, "0\n");
	free(s);
	assert_null(get("share/cells/0013.json"));
	assert_null(get("escape"));
	assert_int_equal(stat(dir, &st), 0);
	/* The rest of the record arrives: written then, once. */
	put("channel.log", "\":\"ok\"}\n", "a");
	assert_int_equal(pb_seal_channel_poll(chan, share, 10, &off), 1);
	s = get("share/cells/0013.json");
	assert_string_equal(s, "{\"st\":\"ok\"}");
	free(s);
	assert_int_equal(pb_seal_channel_poll(chan, share, 10, &off), 0);
	/* No channel yet (QEMU has not opened it): nothing, no error. */
	unlink(chan);
	off = 0;
	assert_int_equal(pb_seal_channel_poll(chan, share, 10, &off), 0);
	free(chan);
	free(share);
}

/* The archive as cpio lists it: base (empty here) + inputs + done markers + host files + trailer. */
static void test_initrd(void **state)
{
	struct pb_kernel k = { 0 };
	struct pb_boot b = { 0 };
	char err[512] = "", *share = at("seal-share"), *out = at("initrd.cpio"), *tool = at("tool.bin");
	char *files, *cmd, line[4096], *listing = pb_xstrdup(""), *t;
	FILE *p;

	(void)state;
	k.initramfs = at("base.cpio");
	put("base.cpio", "", "w");
	put("tool.bin", "#!/bin/sh\n", "w");
	chmod(tool, 0755);
	pb_mkdir_p(share, 0755);
	t = pb_asprintf("%s/cells", share);
	pb_mkdir_p(t, 0755);
	free(t);
	put("seal-share/guest.conf", "PB_CMD='run'\n", "w");
	put("seal-share/guest.args", "--share\n/run/pinbench\n", "w");
	put("seal-share/plan.json", "{\"not\":\"this one\"}", "w");
	/* This guest's plan is the run's entries 10.. (a unit), numbered from 0 in the guest. */
	put("seal-share/cells/0005.json", "{\"status\":\"ok\"}", "w");	/* another unit's */
	put("seal-share/cells/0010.json", "{\"status\":\"ok\"}", "w");
	put("seal-share/cells/0011.started", "x", "w");	/* started, no result: runs again */
	b.k = &k;
	b.share = share;
	b.seal_plan = "{\"cells\":[]}";
	b.seal_from = 10;
	files = pb_asprintf("%s\n", tool);
	b.seal_files = files;
	assert_int_equal(pb_seal_initrd(&b, out, err, sizeof(err)), 0);
	cmd = pb_asprintf("cpio -it --quiet < '%s'", out);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		t = pb_asprintf("%s%s", listing, line);
		free(listing);
		listing = t;
	}
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(listing, "pinbench-seal/guest.conf\n"));
	assert_non_null(strstr(listing, "pinbench-seal/plan.json\n"));
	assert_non_null(strstr(listing, "pinbench-seal/cells/0000.json\n"));
	assert_null(strstr(listing, "0001"));
	assert_null(strstr(listing, "0005"));
	assert_null(strstr(listing, "0010"));
	t = pb_asprintf("sealroot%s\n", tool);
	assert_non_null(strstr(listing, t));
	free(t);
	/* The guest's plan is the one given, not the share's. */
	{
		char *x = pb_asprintf("cpio -i --quiet --to-stdout pinbench-seal/plan.json < '%s'", out), buf[64] = "";
		FILE *q = popen(x, "r");

		assert_non_null(q);
		assert_non_null(fgets(buf, sizeof(buf), q));
		assert_int_equal(pclose(q), 0);
		assert_string_equal(buf, "{\"cells\":[]}");
		free(x);
	}
	/* Parents come before what they hold, once each. */
	t = pb_asprintf("sealroot%s", dir);
	assert_non_null(strstr(listing, t));
	assert_true(strstr(listing, t) < strstr(listing, "tool.bin"));
	free(t);
	/* The same inputs give the same bytes (deterministic mode boots from it). */
	{
		char *a, *c;
		size_t la, lc;

		a = pb_read_file(out, &la);
		assert_int_equal(pb_seal_initrd(&b, out, err, sizeof(err)), 0);
		c = pb_read_file(out, &lc);
		assert_int_equal(la, lc);
		assert_memory_equal(a, c, la);
		free(a);
		free(c);
	}
	/* A file that is gone: an error that names it, and no archive left half-written. */
	free(files);
	files = pb_asprintf("%s/missing\n", dir);
	b.seal_files = files;
	unlink(out);
	assert_int_equal(pb_seal_initrd(&b, out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(access(out, F_OK), -1);
	free(files), free(cmd), free(listing), free(share), free(out), free(tool), free(k.initramfs);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = pb_asprintf("rm -rf '%s'", dir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channel),
		cmocka_unit_test(test_initrd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
