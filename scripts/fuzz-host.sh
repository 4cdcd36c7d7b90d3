#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fuzz-host.sh [SECONDS]: the host's readers of hostile input under libFuzzer
# (clang, -fsanitize=fuzzer,address,undefined): the job-file reader and
# planner (fuzz-job), and the results.json loader, check and renderers
# (fuzz-results). Each target first replays its regression inputs
# (tests/fuzz/regressions/<target>/: every crash found once), then runs for
# SECONDS (default 60). Corpora grow in build/fuzz-host/corpus-<target>,
# seeded from workloads/ and tests/data (jobs) and from results/baseline.json
# cut to a few cells per workload (results). A finding is saved under
# build/fuzz-host/artifacts/ and fails the run (exit 1): copy it into the
# regressions once it is fixed.
set -u
cd "$(dirname "$0")/.."
repo=$PWD
secs=${1:-60}
out=$repo/build/fuzz-host
case $secs in '' | *[!0-9]*) echo "fuzz-host.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac

mkdir -p "$repo/build"
make -C bench fuzz-host FUZZ_OUT="$out" > "$out.build.log" 2>&1 ||
	{ tail -20 "$out.build.log"; echo "fuzz-host: the fuzzers do not build (clang and libclang-rt-14-dev: make deps)"; exit 1; }
mkdir -p "$out/bin" "$out/artifacts" "$out/corpus-job" "$out/corpus-results"
# gnuplot as a no-op: the plots' data and scripts are written, nothing is drawn.
printf '#!/bin/sh\nexit 0\n' > "$out/bin/gnuplot"
chmod +x "$out/bin/gnuplot"
cp workloads/*.job tests/data/*.job "$out/corpus-job/"
for w in $(jq -r '[.cells[].workload] | unique | .[]' results/baseline.json); do
	jq -c --arg w "$w" '.cells |= (map(select(.workload == $w)) | .[0:2])' results/baseline.json \
		> "$out/corpus-results/seed-$w.json"
done
export PATH="$out/bin:$PATH" FUZZ_RESULTS_BASE=$repo/results/baseline.json FUZZ_RESULTS_TMP=$out
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

rc=0
for t in job results; do
	bin=$out/fuzz-$t log=$out/fuzz-$t.log
	# Replay: every regression input must pass.
	set -- tests/fuzz/regressions/$t/*
	if [ -e "$1" ] && ! "$bin" -timeout=20 -rss_limit_mb=2048 "$@" > "$log.replay" 2>&1; then
		grep -E 'ERROR|runtime error|Running:' "$log.replay" | tail -5
		echo "fuzz-$t: FAIL: a regression input fails again (see $log.replay)"
		rc=1
		continue
	fi
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict=tests/fuzz/$t.dict -artifact_prefix="$out/artifacts/$t-" "$out/corpus-$t" > "$log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $st = 0 ]; then
		echo "fuzz-$t: PASS: ${runs:-?} inputs in ${secs} s, $(ls "$out/corpus-$t" | wc -l) in the corpus, $(ls tests/fuzz/regressions/$t | wc -l) regression inputs replayed"
	else
		grep -E 'ERROR|runtime error|Test unit written' "$log" | tail -5
		echo "fuzz-$t: FAIL: exit $st (see $log)"
		rc=1
	fi
done
exit $rc
