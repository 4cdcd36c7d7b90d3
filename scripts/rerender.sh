#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rerender.sh OUT RESULTS.json...: render each run again, as the host tools
# see it, into OUT/<n>/: report.md, the CSVs, the plot scripts and data
# (gnuplot replaced by a no-op: the figures' inputs are compared, not the
# pixels), publish's README.md, and compare against itself. Run it before
# and after a change to the host tools and diff the two OUT directories:
# a change that should not alter a report shows none.
#
#   scripts/rerender.sh /tmp/before results/baseline.json build/check/*/results.json
#   (change, rebuild)
#   scripts/rerender.sh /tmp/after results/baseline.json build/check/*/results.json
#   diff -r /tmp/before /tmp/after
set -u
[ $# -ge 2 ] || { echo "usage: $0 OUT RESULTS.json..." >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
pinbench=${PINBENCH:-$repo/bench/pinbench}
out=$1
shift
rm -rf "$out"
mkdir -p "$out/.bin"
printf '#!/bin/sh\nexit 0\n' > "$out/.bin/gnuplot"
chmod +x "$out/.bin/gnuplot"
n=0
for f in "$@"; do
	n=$((n + 1))
	d=$out/$n
	mkdir -p "$d/run"
	printf '%s\n' "$f" > "$d/source"
	cp "$f" "$d/run/results.json"
	PATH=$out/.bin:$PATH "$pinbench" report "$d/run" > "$d/report.out" 2>&1
	echo "exit $?" >> "$d/report.out"
	PATH=$out/.bin:$PATH "$pinbench" publish "$d/run/results.json" --out "$d/pub" > "$d/publish.out" 2>&1
	echo "exit $?" >> "$d/publish.out"
	"$pinbench" compare "$d/run/results.json" "$d/run/results.json" > "$d/compare.out" 2>&1
	echo "exit $?" >> "$d/compare.out"
	# What differs between two renders by nature: the directory they ran in.
	find "$d" -type f \( -name '*.out' -o -name '*.md' -o -name '*.gp' \) -print0 |
		xargs -0 -r sed -i -e "s|$d|RUN|g" -e "s|\.publish-[A-Za-z0-9]\{6\}|.publish-XXXXXX|g"
	rm -f "$d"/run/gnuplot.log "$d"/pub/plots/gnuplot.log "$d/run/results.json"
done
rm -rf "$out/.bin"
echo "$n runs rendered into $out"
