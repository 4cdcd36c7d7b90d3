// SPDX-License-Identifier: GPL-2.0
/* test_kernels.c: what an unusable kernel lacks, and the Debian package that brings it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "kernels.h"

static void test_problems(void **state)
{
	struct pb_installed_kernel k = { .release = "6.12.117+deb12-amd64", .image = true,
					 .image_readable = true, .modules = true, .headers = true };
	char buf[512];

	(void)state;
	assert_null(pb_kernel_problem(&k, buf, sizeof(buf)));
	k.headers = false;
	assert_string_equal(pb_kernel_problem(&k, buf, sizeof(buf)),
			    "no headers (/lib/modules/6.12.117+deb12-amd64/build): apt-get install "
			    "linux-headers-6.12.117+deb12-amd64");
	k.image = false;
	assert_string_equal(pb_kernel_problem(&k, buf, sizeof(buf)),
			    "no /boot/vmlinuz-6.12.117+deb12-amd64: apt-get install linux-image-6.12.117+deb12-amd64");
	k.image = true;
	k.headers = true;
	k.image_readable = false;
	assert_non_null(strstr(pb_kernel_problem(&k, buf, sizeof(buf)), "not readable: run pinbench as root"));
}

/* --kdir alone, --moddir with a release, a missing image: refused with what to do. */
static void test_resolve_refusals(void **state)
{
	struct pb_kernel k;
	char err[2048];

	(void)state;
	assert_int_equal(pb_kernel_resolve(&k, "/tmp", NULL, "/tmp", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--kdir needs --kernel"));
	assert_int_equal(pb_kernel_resolve(&k, "/tmp", "/nonexistent/bzImage", NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--kernel /nonexistent/bzImage: No such file or directory"));
	assert_int_equal(pb_kernel_resolve(&k, "/tmp", "0.0.0-none", NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "kernel 0.0.0-none is not installed"));
	assert_non_null(strstr(err, "usable here: "));
	assert_int_equal(pb_kernel_resolve(&k, "/tmp", "0.0.0-none", NULL, "/tmp", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--moddir goes with --kernel FILE --kdir DIR"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_resolve_refusals),
	};

	return cmocka_run_group_tests_name("kernels", tests, NULL, NULL);
}
