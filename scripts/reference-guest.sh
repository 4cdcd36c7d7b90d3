#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# reference-guest.sh: in the guest: the kernel's own gup_test benchmark, the figures `make reference` compares with.
# usage: reference-guest.sh DIR   (DIR holds gup_test_ref.ko and gup_test, built by reference.sh)
set -u
dir=$1
# A kernel built with CONFIG_GUP_TEST has it already (the guest's init mounts debugfs).
loaded=0
if [ ! -e /sys/kernel/debug/gup_test ]; then
	insmod "$dir/gup_test_ref.ko" || { echo "REF-ERROR insmod gup_test_ref.ko failed"; exit 1; }
	loaded=1
fi
# -T: MADV_NOHUGEPAGE, -w: FOLL_WRITE, -m 16: 16 MiB (4096 pages), -r 7: seven rounds.
for n in 1 16 256 512; do
	for cmd in u a; do
		"$dir/gup_test" -$cmd -T -w -m 16 -n $n -r 7 > /tmp/ref.out 2>&1 ||
			{ echo "REF-ERROR gup_test -$cmd -n $n:"; cat /tmp/ref.out; exit 1; }
		# "PIN_FAST_BENCHMARK: Time: get:512 put:123 us": print each round.
		sed -n "s/.*Time: get:\([0-9]*\) put:\([0-9]*\) us.*/REF $cmd $n \1 \2/p" /tmp/ref.out
	done
done
[ $loaded = 0 ] || rmmod gup_test_ref
