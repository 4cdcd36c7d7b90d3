#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh: build a kernel pinbench can boot, from a source tree or a linux-source tarball, optionally patched.
#
# usage: scripts/build-kernel.sh [-p PATCH]... [-j N] SRC OUT
#   SRC  a kernel source tree (6.1 or later), or a tarball such as Debian's
#        /usr/src/linux-source-6.12.tar.xz (unpacked into OUT/src first)
#   OUT  where the build goes (make O=OUT/build), kept apart from the source
#   -p   apply this patch (patch -p1) to the unpacked source; only with a
#        tarball, so that a tree of yours is never modified
#   -j   parallel jobs (default: the number of CPUs)
#
# The config is x86_64_defconfig, then kernel/configs/kvm_guest.config, then
# scripts/pinbench.config merged over them (scripts/kconfig/merge_config.sh),
# then olddefconfig. A symbol of the fragment that the tree does not have, or
# that its dependencies turn off, is listed; one the guest cannot do without
# fails the build.
#
# The result is OUT/build/arch/x86/boot/bzImage, and OUT/build is a tree
# pinbench builds its module against:
#   bench/pinbench run --kernel OUT/build/arch/x86/boot/bzImage ...
# (the modules are installed from it into build/<release>-tree-<hash>/ on the
# first run). An unchanged rebuild is incremental.
#
# With ccache (installed here when run as root), the compiler's results are
# shared between OUT directories that sit side by side: a second OUT from the
# same tarball with one patch more recompiles only what the patch touches
# (CCACHE_BASEDIR is OUT's parent, so the absolute paths of the two trees hash
# alike). PB_NO_CCACHE=1 builds without it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
patches=()
jobs=$(nproc)
while getopts "p:j:h" o; do
	case $o in
	p) patches+=("$(realpath "$OPTARG")") ;;
	j) jobs=$OPTARG ;;
	*) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || { sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
src=$1
out=$2
mkdir -p "$out"
out=$(realpath "$out")

for p in "${patches[@]}"; do
	[ -r "$p" ] || { echo "build-kernel: cannot read patch $p" >&2; exit 2; }
done

# What a kernel build needs beyond pinbench's own dependencies (Debian 12 packages).
need=()
for t in flex:flex bison:bison bc:bc patch:patch; do
	command -v "${t%%:*}" > /dev/null || need+=("${t#*:}")
done
[ -f /usr/include/libelf.h ] || need+=(libelf-dev)
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
[ -n "${PB_NO_CCACHE:-}" ] || command -v ccache > /dev/null || [ "$(id -u)" != 0 ] || need+=(ccache)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "build-kernel: installing ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
	else
		echo "build-kernel: missing Debian packages: ${need[*]} (apt-get install ${need[*]})" >&2
		exit 2
	fi
fi
if [ -f "$src" ]; then
	# A tarball: unpacked once; patched on the way (and only then).
	if [ ! -f "$out/src/Makefile" ]; then
		echo "build-kernel: unpacking $src into $out/src"
		rm -rf "$out/src.tmp"
		mkdir -p "$out/src.tmp"
		tar -xf "$src" -C "$out/src.tmp" --strip-components=1
		for p in "${patches[@]}"; do
			echo "build-kernel: applying $p"
			patch -d "$out/src.tmp" -p1 --forward --quiet < "$p"
		done
		mv "$out/src.tmp" "$out/src"
		printf '%s\n' "${patches[@]}" > "$out/patches"
	elif [ "$(cat "$out/patches" 2>/dev/null)" != "$(printf '%s\n' "${patches[@]}")" ]; then
		echo "build-kernel: $out/src was unpacked with other patches ($(tr '\n' ' ' < "$out/patches")); use another OUT" >&2
		exit 2
	fi
	src=$out/src
elif [ -d "$src" ]; then
	[ ${#patches[@]} = 0 ] || { echo "build-kernel: -p only with a tarball: your tree is never modified" >&2; exit 2; }
	src=$(realpath "$src")
	[ -f "$src/Makefile" ] && [ -d "$src/mm" ] || { echo "build-kernel: $src is not a kernel source tree" >&2; exit 2; }
else
	echo "build-kernel: $src: no such file or directory" >&2
	exit 2
fi

build=$out/build
mkdir -p "$build"
cc=()
if [ -z "${PB_NO_CCACHE:-}" ] && command -v ccache > /dev/null; then
	cc=(CC="ccache gcc")
	export CCACHE_BASEDIR=${out%/*} CCACHE_NOHASHDIR=1
	ccache -z > /dev/null 2>&1 || true
fi
t0=$(date +%s)
echo "build-kernel: configuring in $build"
make -s -C "$src" O="$build" "${cc[@]}" x86_64_defconfig > /dev/null
kvm=$src/kernel/configs/kvm_guest.config
[ -f "$kvm" ] || kvm=$src/arch/x86/configs/kvm_guest.config
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$kvm" "$here/pinbench.config" > "$build/merge.log"
make -s -C "$src" O="$build" "${cc[@]}" olddefconfig > /dev/null

# What the fragment asked for and did not get.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*} want=${line#*=} ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=n ;;
	*) continue ;;
	esac
	got=$(grep -E "^$sym=|^# $sym is not set" "$build/.config" | head -n 1 || true)
	case $got in
	"$sym=$want") continue ;;
	"# $sym is not set" | "") [ "$want" = n ] && continue ;;	# off, or not offered at all
	esac
	echo "build-kernel: note: $sym=$want not in the config (${got:-absent in this tree})"
	case $sym in
	CONFIG_VIRTIO_PCI|CONFIG_NET_9P_VIRTIO|CONFIG_9P_FS|CONFIG_DEVTMPFS|CONFIG_BLK_DEV_INITRD|CONFIG_MODULES)
		missing=1 ;;
	esac
done < <(cat "$here/pinbench.config")
grep -q '^CONFIG_MMU_NOTIFIER=y' "$build/.config" || { echo "build-kernel: CONFIG_MMU_NOTIFIER is off: notifier_revoke cannot build" >&2; missing=1; }
[ $missing = 0 ] || { echo "build-kernel: the guest cannot boot or run pinbench without the above" >&2; exit 1; }

echo "build-kernel: building with $jobs jobs${cc:+ through ccache} (log: $build/build.log)"
if ! make -C "$src" O="$build" "${cc[@]}" -j"$jobs" bzImage modules > "$build/build.log" 2>&1; then
	grep -m 10 -E 'error|Error' "$build/build.log" >&2 || tail -n 20 "$build/build.log" >&2
	echo "build-kernel: the build failed (log: $build/build.log)" >&2
	exit 1
fi
t1=$(date +%s)
rel=$(make -s -C "$src" O="$build" kernelrelease)
echo "build-kernel: $rel built in $((t1 - t0)) s: $build/arch/x86/boot/bzImage"
[ ${#cc[@]} = 0 ] || echo "build-kernel: ccache: $(ccache -s 2>/dev/null | grep -E '^ *Hits:' | head -n 1 | tr -s ' ')"
echo "build-kernel: bench/pinbench run --kernel $build/arch/x86/boot/bzImage ..."
