#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# reference.sh: compare pinbench's gup_fast figures with the kernel's own mm/gup_test.c on the same work, same guest kernel, deterministic mode.
#
# usage: scripts/reference.sh [--kernel K] [--table FILE]
#   K as pinbench takes it: an installed release (default: pinbench's default
#   kernel) or TREE/arch/x86/boot/bzImage of a tree you built.
#   --table FILE: the Markdown table also goes there (pinbench publish
#   --kernels --reference FILE).
# The reference is that kernel's own unmodified mm/gup_test.c (built as a
# module: a wrapper adds only module_exit and MODULE_LICENSE, since Debian's
# kernels have CONFIG_GUP_TEST off; a kernel that has it built in is used as
# it is) and its selftest driver gup_test.c (tools/testing/selftests/vm until
# 6.2, selftests/mm after). The sources come from the kernel's own tree when
# it is one, else from Debian's linux-source-X.Y of its series (6.1, 6.12).
# gup_test times the whole acquire loop with one clock pair, as pinbench's
# phase rounds do; it releases all pages with one call, which pinbench's
# release=whole cells do too (its release=per_call cells release call by
# call, as its other workloads do; the table shows both).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pinbench=$repo/bench/pinbench
kernel=""
table_copy=""
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || { echo "reference: --kernel needs a value" >&2; exit 2; }; kernel=$2; shift 2 ;;
	--table) [ $# -ge 2 ] || { echo "reference: --table needs a value" >&2; exit 2; }; table_copy=$2; shift 2 ;;
	*) echo "usage: scripts/reference.sh [--kernel K] [--table FILE]" >&2; exit 2 ;;
	esac
done
kernel_args=()
[ -n "$kernel" ] && kernel_args=(--kernel "$kernel")
IFS=$'\t' read -r release kdir image < <("$pinbench" kernels --resolve ${kernel:+"$kernel"}) ||
	exit 2

# The sources of that kernel: its tree, or Debian's source package of its series.
ref=$repo/build/reference-src/$release
rm -rf "$ref"
mkdir -p "$ref/kmod"
tree=""
for t in "$kdir/source" "$kdir"; do
	[ -f "$t/mm/gup_test.c" ] && { tree=$t; break; }
done
if [ -n "$tree" ]; then
	from=$tree
	(cd "$tree" && tar cf - mm/gup_test.c mm/gup_test.h tools/testing/selftests/kselftest.h \
		$(ls -d tools/testing/selftests/mm tools/testing/selftests/vm 2>/dev/null)) | tar xf - -C "$ref"
else
	series=$(echo "$release" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
	src=/usr/src/linux-source-$series.tar.xz
	[ -f "$src" ] || { echo "reference: no source for $release: $src missing (apt-get install linux-source-$series)" >&2; exit 2; }
	from=$src
	tar xf "$src" -C "$ref" --strip-components=1 --wildcards "linux-source-$series/mm/gup_test.[ch]" \
		"linux-source-$series/tools/testing/selftests/kselftest.h" \
		"linux-source-$series/tools/testing/selftests/vm/*" "linux-source-$series/tools/testing/selftests/mm/*" \
		2>/dev/null || true
fi
st=$ref/tools/testing/selftests/mm
[ -f "$st/gup_test.c" ] || st=$ref/tools/testing/selftests/vm
[ -f "$ref/mm/gup_test.c" ] && [ -f "$st/gup_test.c" ] ||
	{ echo "reference: mm/gup_test.c or its selftest is not in $from" >&2; exit 2; }

cp "$ref/mm/gup_test.c" "$ref/mm/gup_test.h" "$ref/kmod/"
printf '%s\n' '#include <linux/module.h>' '#include "gup_test.c"' \
	'static void __exit gup_test_ref_exit(void) { debugfs_lookup_and_remove("gup_test", NULL); }' \
	'module_exit(gup_test_ref_exit);' 'MODULE_LICENSE("GPL");' > "$ref/kmod/gup_test_ref.c"
echo 'obj-m := gup_test_ref.o' > "$ref/kmod/Kbuild"
make -s -C "$kdir" M="$ref/kmod" modules > "$ref/build.log" 2>&1 || { cat "$ref/build.log"; exit 1; }
cp "$ref/kmod/gup_test_ref.ko" "$ref/"
# From 6.3 the selftest links vm_util.c, of which gup_test.c uses only psize()
# and so the two variables behind it. vm_util.c itself needs uapi headers
# newer than Debian 12's libc has (PAGE_IS_*, 6.7); where it does not
# compile, those two variables are all that is defined in its place.
if [ ! -f "$st/vm_util.c" ]; then
	extra=()
elif gcc -O2 -I"$ref" -I"$st" -c -o "$ref/vm_util.o" "$st/vm_util.c" > "$ref/vm_util-build.log" 2>&1; then
	extra=("$ref/vm_util.o")
else
	printf 'unsigned int __page_size;\nunsigned int __page_shift;\n' > "$ref/vm_util_psize.c"
	extra=("$ref/vm_util_psize.c")
fi
gcc -O2 -I"$ref" -I"$st" -o "$ref/gup_test" "$st/gup_test.c" "${extra[@]}" -lpthread -lm > "$ref/selftest-build.log" 2>&1 ||
	{ cat "$ref/selftest-build.log"; exit 1; }

out=$repo/build/reference/$(date -u +%Y%m%d-%H%M%S)-$release
mkdir -p "$out"
echo "reference: kernel $release ($image), gup_test from $from"
echo "reference: pinbench cells (deterministic) -> $out/pinbench"
"$pinbench" run --mode deterministic --job "$repo/workloads/reference.job" \
	--out "$out/pinbench" "${kernel_args[@]}" > "$out/pinbench.log" 2>&1 ||
	{ tail -20 "$out/pinbench.log"; exit 1; }
echo "reference: mm/gup_test.c (deterministic) -> $out/gup_test"
"$pinbench" exec --mode deterministic --out "$out/gup_test" "${kernel_args[@]}" -- \
	"$repo/scripts/reference-guest.sh" "$ref" > "$out/gup_test.log" 2>&1 ||
	{ tail -20 "$out/gup_test.log"; exit 1; }

pages=4096
# One figure of one pinbench cell: ref_fig STRATEGY PPC RELEASE JQ-PATH
ref_fig() {
	jq -r --arg s "$1" --argjson n "$2" --arg r "$3" '.cells[] | select(.strategy==$s and
		.params.pages_per_call==$n and .params.release==$r) | '"$4" "$out/pinbench/results.json"
}
# gup_test's median of its rounds for one field (4: get, 5: put), ns per page.
ref_ns() {
	awk -v f="$1" -v n="$2" -v col="$3" '$1=="REF" && $2==f && $3==n {print $col}' "$out/gup_test.log" |
		sort -n | awk -v p=$pages '{a[NR]=$1} END {if (NR) printf "%.1f", a[int((NR+1)/2)]*1000/p}'
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%+.1f%%", (a-b)*100/b; else print "?" }'; }
table() {
	printf '\nSame work on the same guest kernel (%s), TCG -icount, anon 16 MiB, THP off, FOLL_WRITE.\n' "$release"
	printf 'gup_test: median of 7 rounds, each loop timed whole (us resolution). pinbench: phase rounds\n'
	printf '(one clock pair around the whole loop, as gup_test), and per-call p50 (one ktime_get_ns() pair per call).\n\n'
	printf 'Acquire: both take the buffer N pages per call (gup_test -n N).\n\n'
	printf '| strategy | pages/call | gup_test ns/page | pinbench ns/page | diff | pinbench per-call p50 |\n'
	printf '|---|---:|---:|---:|---:|---:|\n'
	for s in gup_ref:u pin_counter:a; do
		name=${s%%:*} flag=${s#*:}
		for n in 1 16 256 512; do
			ref=$(ref_ns "$flag" "$n" 4)
			ours=$(ref_fig "$name" "$n" whole .metrics.acquire_phase_ns_per_page)
			p50=$(ref_fig "$name" "$n" whole .metrics.acquire_ns_per_page.p50)
			printf '| %s | %s | %s | %.1f | %s | %.1f |\n' "$name" "$n" "${ref:-?}" "$ours" "$(pct "$ours" "$ref")" "$p50"
		done
	done
	printf '\nRelease: gup_test puts the whole buffer with one call whatever N is (put_back_pages():\n'
	printf 'put_page() or unpin_user_pages() over all 4096 pages); pinbench release=whole does the same.\n'
	printf 'pinbench per call releases each acquire'"'"'s N pages with its own call, as a completion does: the\n'
	printf 'difference is the price of a call per N pages (the strategy'"'"'s indirect call, its loop set-up).\n\n'
	printf '| strategy | pages/call | gup_test ns/page | pinbench whole | diff | pinbench per call | diff |\n'
	printf '|---|---:|---:|---:|---:|---:|---:|\n'
	for s in gup_ref:u pin_counter:a; do
		name=${s%%:*} flag=${s#*:}
		for n in 1 16 256 512; do
			ref=$(ref_ns "$flag" "$n" 5)
			whole=$(ref_fig "$name" "$n" whole .metrics.release_phase_ns_per_page)
			call=$(ref_fig "$name" "$n" per_call .metrics.release_phase_ns_per_page)
			printf '| %s | %s | %s | %.1f | %s | %.1f | %s |\n' "$name" "$n" "${ref:-?}" "$whole" \
				"$(pct "$whole" "$ref")" "$call" "$(pct "$call" "$ref")"
		done
	done
}
# The table, to the terminal and to $out/reference.md (pinbench publish --kernels --reference).
table > "$out/reference.md"
cat "$out/reference.md"
[ -z "$table_copy" ] || cp "$out/reference.md" "$table_copy"
echo
echo "reference: raw output in $out, this table in $out/reference.md"
