#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-loaded.sh [MAKE ARGS]: make check with every host CPU kept busy by
# another process (stress-ng --cpu N, N = the host's CPUs), as on a machine
# where a user runs other work beside it. Tests must hold there too: a race a
# test can lose under load is a bug in the test or in the code.
set -u
cd "$(dirname "$0")/.."
n=$(nproc)
stress-ng --cpu "$n" --timeout 4h --quiet &
load=$!
trap 'kill $load 2>/dev/null; wait $load 2>/dev/null' EXIT
echo "check-loaded: stress-ng --cpu $n (pid $load) beside make check"
start=$(date +%s)
make -C tests check "$@"
rc=$?
echo "check-loaded: make check under load: exit $rc in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
exit $rc
