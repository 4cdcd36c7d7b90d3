#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# reference.sh: compare pinbench's gup_fast figures with the kernel's own mm/gup_test.c on the same work, same guest kernel, deterministic mode.
#
# usage: scripts/reference.sh [--kernel BZIMAGE --kdir DIR]
# The reference is the kernel's unmodified mm/gup_test.c (built as a module:
# a wrapper adds only module_exit and MODULE_LICENSE, since Debian's kernel
# has CONFIG_GUP_TEST off) and its selftest driver
# tools/testing/selftests/vm/gup_test.c, both from Debian's linux-source-6.1.
# gup_test times the whole acquire loop with one clock pair, as pinbench's
# phase rounds do; it releases all pages with one call, pinbench call by
# call, so only the acquire side is the same work.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
kernel_args=("$@")
kdir=""
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=$2; shift 2 ;;
	*) shift ;;
	esac
done
if [ -z "$kdir" ]; then
	for k in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V -r); do
		[ -d "/lib/modules/$k/build" ] && { kdir=/lib/modules/$k/build; break; }
	done
fi
[ -n "$kdir" ] || { echo "reference: no kernel build tree (install linux-headers-amd64 or pass --kdir)" >&2; exit 2; }
# UTS_RELEASE is the release modules see; Debian's kernel.release holds the upstream version.
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)
[ -n "$release" ] || release=$(cat "$kdir/include/config/kernel.release")
src=/usr/src/linux-source-6.1.tar.xz
[ -f "$src" ] || { echo "reference: $src missing (apt-get install linux-source-6.1)" >&2; exit 2; }

ref=$repo/build/$release/gup_test_ref
mkdir -p "$ref/kmod"
tar xf "$src" -C "$ref" --strip-components=1 linux-source-6.1/mm/gup_test.c linux-source-6.1/mm/gup_test.h \
	linux-source-6.1/tools/testing/selftests/vm/gup_test.c linux-source-6.1/tools/testing/selftests/vm/util.h \
	linux-source-6.1/tools/testing/selftests/kselftest.h
cp "$ref/mm/gup_test.c" "$ref/mm/gup_test.h" "$ref/kmod/"
printf '%s\n' '#include <linux/module.h>' '#include "gup_test.c"' \
	'static void __exit gup_test_ref_exit(void) { debugfs_lookup_and_remove("gup_test", NULL); }' \
	'module_exit(gup_test_ref_exit);' 'MODULE_LICENSE("GPL");' > "$ref/kmod/gup_test_ref.c"
echo 'obj-m := gup_test_ref.o' > "$ref/kmod/Kbuild"
make -s -C "$kdir" M="$ref/kmod" modules > "$ref/build.log" 2>&1 || { cat "$ref/build.log"; exit 1; }
cp "$ref/kmod/gup_test_ref.ko" "$ref/"
gcc -O2 -I"$ref" -o "$ref/gup_test" "$ref/tools/testing/selftests/vm/gup_test.c" -lpthread

out=$repo/build/reference/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
echo "reference: pinbench cells (deterministic) -> $out/pinbench"
"$repo/bench/pinbench" run --mode deterministic --job "$repo/workloads/reference.job" \
	--out "$out/pinbench" "${kernel_args[@]}" > "$out/pinbench.log" 2>&1 ||
	{ tail -20 "$out/pinbench.log"; exit 1; }
echo "reference: mm/gup_test.c (deterministic) -> $out/gup_test"
"$repo/bench/pinbench" exec --mode deterministic --out "$out/gup_test" "${kernel_args[@]}" -- \
	"$repo/scripts/reference-guest.sh" "$ref" > "$out/gup_test.log" 2>&1 ||
	{ tail -20 "$out/gup_test.log"; exit 1; }

pages=4096
printf '\nSame work on the same guest kernel (%s), TCG -icount, anon 16 MiB, THP off, FOLL_WRITE.\n' "$release"
printf 'gup_test: median of 7 rounds, whole loop timed (us resolution). pinbench: phase rounds (no clock read between calls),\n'
printf 'and per-call p50 (one ktime_get_ns() pair per call). Acquire is the same work on both sides.\n\n'
printf '| strategy | pages/call | gup_test ns/page | pinbench ns/page | diff | pinbench per-call p50 |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for s in gup_ref:u pin_counter:a; do
	name=${s%%:*} flag=${s#*:}
	for n in 1 16 256 512; do
		ref_ns=$(awk -v f="$flag" -v n="$n" -v p=$pages '$1=="REF" && $2==f && $3==n {print $4}' "$out/gup_test.log" |
			sort -n | awk -v p=$pages '{a[NR]=$1} END {if (NR) printf "%.1f", a[int((NR+1)/2)]*1000/p}')
		ours=$(jq -r --arg s "$name" --argjson n "$n" '.cells[] | select(.strategy==$s and .params.pages_per_call==$n) | .metrics.acquire_phase_ns_per_page' "$out/pinbench/results.json")
		p50=$(jq -r --arg s "$name" --argjson n "$n" '.cells[] | select(.strategy==$s and .params.pages_per_call==$n) | .metrics.acquire_ns_per_page.p50' "$out/pinbench/results.json")
		printf '| %s | %s | %s | %.1f | %s | %.1f |\n' "$name" "$n" "${ref_ns:-?}" "$ours" \
			"$(awk -v a="$ours" -v b="$ref_ns" 'BEGIN { if (b > 0) printf "%+.1f%%", (a-b)*100/b; else print "?" }')" "$p50"
	done
done
echo
echo "reference: raw output in $out"
