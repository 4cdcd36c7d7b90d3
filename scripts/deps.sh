#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# deps.sh: install the Debian 12 packages pinbench needs (idempotent; --check only reports, --list prints them).
set -eu

# Guest kernels: Debian 12's two series, each with its matching headers
# and its source (make reference builds the kernel's own gup_test from it).
# The default guest is the one linux-image-amd64 depends on (6.1); 6.12 runs
# with --kernel <release> and in make check (pinbench kernels lists them).
PKGS="
build-essential
pkg-config
kmod
cpio
xz-utils
zstd
qemu-system-x86
qemu-utils
busybox-static
linux-image-amd64
linux-headers-amd64
linux-image-6.12-amd64
linux-headers-6.12-amd64
libjson-c-dev
libinih-dev
libcmocka-dev
fio
liburing-dev
libhwloc-dev
hwloc
ndctl
e2fsprogs
linux-perf
linux-source-6.1
linux-source-6.12
gnuplot-nox
jq
ministat
clang
libclang-rt-14-dev
stress-ng
slurm-wlm
munge
"

if [ "${1:-}" = "--list" ]; then
	echo $PKGS
	exit 0
fi

missing=""
for p in $PKGS; do
	# dpkg-query reports "install ok installed" only for a fully installed package.
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ "${1:-}" = "--check" ]; then
	[ -z "$missing" ] && exit 0
	echo "pinbench: missing Debian packages:$missing" >&2
	exit 1
fi

if [ -z "$missing" ]; then
	echo "pinbench: all dependencies present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "pinbench: missing Debian packages:$missing" >&2
	echo "pinbench: run 'make deps' as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "pinbench: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Update the package lists once, only when something must be installed.
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
