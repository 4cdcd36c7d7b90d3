#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# publish-kernels.sh: the results/README.md section for a pair of kernels: what changed from A to B.
#
# usage: scripts/publish-kernels.sh [A B]
#   A and B as pinbench takes --kernel: an installed release, or
#   TREE/arch/x86/boot/bzImage of a tree you built. By default pinbench's
#   default kernel and the newest other usable one (pinbench kernels).
#
# One A/B run of workloads/kernel-pair.job, deterministic, one repetition
# (outcomes are words, and deterministic figures are exact counts), then
# `make reference` on each kernel, then `pinbench publish --kernels`:
# results/kernels/A_vs_B.md, carried into results/README.md. The run stays
# in results/runs/. A failed cell fails the script after publishing; a
# figure that differs between two kernels is the point, not a failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pinbench=$repo/bench/pinbench
usage() { sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

case $# in
2) a=$1 b=$2 ;;
0)
	a=$("$pinbench" kernels --resolve | cut -f1)
	b=$("$pinbench" kernels | awk -v a="$a" 'NR > 1 && $NF == "yes" && $1 != a { print $1 }' | sort -V | tail -n 1)
	[ -n "$b" ] || { echo "publish-kernels: $a is the only usable kernel here; install another (linux-image-6.12-amd64 linux-headers-6.12-amd64)" >&2; exit 2; }
	;;
*) usage ;;
esac

# From the checkout, with paths relative to it: the command is published, and a
# reader's checkout is somewhere else.
cd "$repo"
run=results/runs/$(date -u +%Y%m%d-%H%M%S)-kernels
mkdir -p results/runs
echo "publish-kernels: $a against $b: $run"
st=0
bench/pinbench run --mode deterministic --repeat 1 --kernel "$a" --kernel "$b" \
	--job workloads/kernel-pair.job --out "$run" > "$run.log" 2>&1 || st=$?
# 0 and 1 are compare's verdicts on the figures; 2 is bad input, or no run at all.
if [ $st -ge 2 ] || [ ! -f "$run/base/results.json" ] || [ ! -f "$run/new/results.json" ]; then
	tail -n 20 "$run.log" >&2
	exit 2
fi
mv "$run.log" "$run/run.log"

refs=()
for k in "$a" "$b"; do
	t=$run/reference-$(printf '%s' "$k" | tr -c 'A-Za-z0-9._+-' '_').md
	"$repo/scripts/reference.sh" --kernel "$k" --table "$t" > /dev/null
	refs+=(--reference "$t")
done
"$pinbench" publish --kernels "$run" "${refs[@]}"

failed=$(jq '[.cells[] | select(.status != "ok" and .status != "unsupported")] | length' \
	"$run/base/results.json" "$run/new/results.json" | awk '{ s += $1 } END { print s + 0 }')
if [ "$failed" != 0 ]; then
	echo "publish-kernels: $failed cell(s) failed; published anyway, see $run" >&2
	exit 1
fi
