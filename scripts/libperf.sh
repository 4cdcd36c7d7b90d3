#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libperf.sh: build libperf (the library the perf tool is built on) from Debian's linux-source-6.1 into DIR (default build/libperf).
#
# Debian 12 has no libperf-dev; the kernel source package carries
# tools/lib/perf. Extracting what it needs and building takes about 10 s,
# once: an existing build is kept.
set -eu
out=${1:-build/libperf}
[ -f "$out/tools/lib/perf/libperf.a" ] && [ -f "$out/tools/lib/api/libapi.a" ] && exit 0
src=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$src" ]; then
	echo "libperf: $src missing (apt-get install linux-source-6.1, or 'make deps' as root)" >&2
	exit 1
fi
echo "libperf: building from $src into $out"
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
tar xf "$src" -C "$out.tmp" --strip-components=1 linux-source-6.1/Makefile linux-source-6.1/tools \
	linux-source-6.1/include/uapi linux-source-6.1/arch/x86/include/uapi linux-source-6.1/scripts
make -s -C "$out.tmp/tools/lib/perf" >/dev/null
# Built in place; the tree moves whole, so the archives stay valid.
rm -rf "$out"
mv "$out.tmp" "$out"
