#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh: in the guest: run each tests/guest/test_* program with a timeout and a kernel-log verdict; PASS/FAIL/SKIP lines.
#
# As liburing's runner: a marker goes into /dev/kmsg before each test, and a
# test whose kernel log afterwards has a splat fails even if it passed.
here=$(cd "$(dirname "$0")" && pwd)
klog_check="$here/../../bench/pinbench-guest klog-check"
rc=0
for t in "$here"/test_*; do
	[ -x "$t" ] && [ "${t%.c}" = "$t" ] || continue
	name=guest/$(basename "$t")
	marker="pinbench-test: start $name $$"
	echo "$marker" > /dev/kmsg
	timeout 300 "$t"
	st=$?
	# A fixed-string match: test names carry '/', which a sed address cannot.
	log=$(dmesg | awk -v m="$marker" 'index($0, m) { p = 1 } p')
	if [ -z "$log" ]; then
		echo "FAIL: $name (its marker is not in the kernel log: no verdict possible)"
		rc=1
		continue
	fi
	if ! printf '%s\n' "$log" | $klog_check; then
		echo "FAIL: $name (kernel log)"
		rc=1
	elif [ $st = 77 ]; then
		echo "SKIP: $name"
	elif [ $st = 0 ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name (exit $st)"
		rc=1
	fi
done
exit $rc
