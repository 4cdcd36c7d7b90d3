// SPDX-License-Identifier: GPL-2.0
/* test_klog.c: splat lines, and an emulator's int3 fault told from the kernel's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "klog.h"

static void test_splats(void **state)
{
	(void)state;
	assert_string_equal(pb_klog_splat("[   18.3] kernel BUG at lib/list_debug.c:32!"), "kernel BUG at");
	assert_string_equal(pb_klog_splat("[    4.1] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI"), "Oops:");
	assert_null(pb_klog_splat("[    2.3] mtrr: your CPUs had inconsistent fixed MTRR settings"));
}

/* Seen on a loaded host: the byte at the trapping address is e9 (a jmp), not int3. */
static const char stale[] =
	"PINBENCH-READY uptime=14.80\n"
	"[   16.185100] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI\n"
	"[   16.191194] RIP: 0010:__schedule+0x407/0xbf0\n"
	"[   16.191726] Code: 48 29 c1 49 01 8c 24 98 08 00 00 48 85 db 74 0f 48 01 8b b0 0c 00 00 48 83 83 a8 "
	"0c 00 00 01 0f 1f 44 00 00 0f 1f 44 00 00 e9 <d4> 01 00 00 49 8d 85 40 0f 00 00\n";

/* A real stray int3 in kernel text: the code shows cc before the trapping address. */
static const char real[] =
	"[   16.185100] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI\n"
	"[   16.191194] RIP: 0010:foo+0x5/0x40\n"
	"[   16.191726] Code: 90 90 90 90 f3 0f 1e fa cc <90> c3 cc cc cc cc\n";

static void test_emulator_fault(void **state)
{
	(void)state;
	assert_string_equal(pb_klog_emulator_fault(stale), "Oops: int3: 0000 [#1] PREEMPT SMP NOPTI");
	assert_null(pb_klog_emulator_fault(real));
	assert_null(pb_klog_emulator_fault("[ 1.0] Oops: general protection fault\n[ 1.0] Code: 00 e9 <d4> 01\n"));
	assert_null(pb_klog_emulator_fault("[ 1.0] Oops: int3: 0000 [#1]\n[ 1.0] RIP: 0010:x\n"));
	assert_null(pb_klog_emulator_fault(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splats),
		cmocka_unit_test(test_emulator_fault),
	};

	return cmocka_run_group_tests_name("klog", tests, NULL, NULL);
}
